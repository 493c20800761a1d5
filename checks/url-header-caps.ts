import { fillPath } from '../src/config/endpoints.js';
import { attempt, describeFailure, formatBytes, type Attempt } from '../src/http/attempt.js';
import type { Check, CheckContext, Endpoint, Exchange, Finding, FindingStatus, Target } from '../src/types.js';

const QUERY_SIZES = [16 * 1024, 64 * 1024];
const HEADER_SIZE = 32 * 1024;
const PAD_PARAM = 'preflight_padding';
const PAD_HEADER = 'X-Preflight-Padding';
const PAD_CHAR = 'a';

interface Outcome {
  status: FindingStatus;
  /** "a 16 KiB query → 414" */
  said: string;
  exchange: Exchange;
}

/**
 * Over-long URLs and headers are refused at the door (414/431/400) or ignored, never a 5xx or a hang:
 * a parser that chokes on them is a cheap way to knock the service over.
 */
const check: Check = {
  meta: {
    id: 'url-header-caps',
    title: 'Over-long query strings and headers are refused, not choked on',
    item: 'size-caps',
    severity: 'medium',
    rationale:
      'Every layer that buffers the URL or headers without a cap (proxy, framework, logger) is a cheap way to exhaust memory or crash a worker; the cap belongs at the edge with a clear 414/431.',
    remediation:
      'Cap the request line and headers at the edge and in the server (e.g. nginx large_client_header_buffers, Node --max-http-header-size, 8–16 KiB) and answer 414 URI Too Long / 431 Request Header Fields Too Large.',
    probes: 'GET one endpoint with a 16 KiB and a 64 KiB query string, and with one 32 KiB header',
    writes: false,
  },

  applies: () => 'target',

  async run(ctx: CheckContext): Promise<Finding[]> {
    const endpoint = probedEndpoint(ctx.target);
    const path = endpoint ? fillPath(endpoint) : (ctx.target.health ?? '/');
    const configured = new URLSearchParams(endpoint?.query ?? {}).toString();
    const headers = endpoint?.headers ?? {};

    const queries: Outcome[] = [];
    for (const size of QUERY_SIZES) {
      const pad = `${PAD_PARAM}=${PAD_CHAR.repeat(size - PAD_PARAM.length - 1)}`;
      const sent = await attempt(ctx.http, { method: 'GET', path, query: configured ? `${configured}&${pad}` : pad, headers, purpose: `${formatBytes(size)} query string` });
      queries.push(judge(sent, `a ${formatBytes(size)} query`, 'ignored'));
    }
    const headerSent = await attempt(ctx.http, { method: 'GET', path, query: endpoint?.query ?? {}, headers: { ...headers, [PAD_HEADER]: PAD_CHAR.repeat(HEADER_SIZE) }, purpose: `one ${formatBytes(HEADER_SIZE)} header` });
    const header = judge(headerSent, `one ${formatBytes(HEADER_SIZE)} ${PAD_HEADER} header`, 'warn');

    return [
      summarise(ctx, `GET ${path}`, queries, {
        pass: 'over-long URLs are refused or ignored',
        fix: 'cap the URL (e.g. 8 KiB) and answer 414 URI Too Long',
      }),
      summarise(ctx, `GET ${path}`, [header], {
        pass: 'over-large headers are refused',
        fix: 'cap request headers (e.g. 16 KiB in all) and answer 431 Request Header Fields Too Large',
      }),
    ];
  },
};

export default check;

/** A GET the application itself answers: a list or read endpoint, ideally without path parameters. */
function probedEndpoint(target: Target): Endpoint | undefined {
  const gets = target.endpoints.filter((e) => e.method === 'GET');
  return gets.find((e) => e.kind === 'list') ?? gets.find((e) => !e.path.includes('{')) ?? gets[0];
}

/** 4xx: refused; 5xx or a hang: fails; a 2xx is fine for a query (ignored), a warning for a header (no cap). */
function judge(sent: Attempt, what: string, onSuccess: 'ignored' | 'warn'): Outcome {
  if (!sent.response) {
    const { failure } = sent;
    const status = failure.code === 'reset' ? 'warn' : 'fail';
    return { status, said: `${what} → ${describeFailure(failure)}`, exchange: failure.exchange };
  }
  const status = sent.response.status;
  const exchange = (sent.response.exchange);
  if (status >= 500) return { status: 'fail', said: `${what} → ${status}`, exchange };
  if (status >= 400) return { status: 'pass', said: `${what} → ${status}`, exchange };
  if (onSuccess === 'ignored') return { status: 'pass', said: `${what} → ${status} (ignored)`, exchange };
  return { status: 'warn', said: `${what} → ${status}, accepted`, exchange };
}

const RANK: Partial<Record<FindingStatus, number>> = { pass: 0, warn: 1, fail: 2 };

function summarise(ctx: CheckContext, where: string, outcomes: Outcome[], words: { pass: string; fix: string }): Finding {
  const status = outcomes.reduce<FindingStatus>((worst, o) => ((RANK[o.status] ?? 0) > (RANK[worst] ?? 0) ? o.status : worst), 'pass');
  const said = outcomes.map((o) => o.said).join(', ');
  const bad = outcomes.filter((o) => o.status !== 'pass');
  const message = status === 'pass' ? `${where} with ${said}: ${words.pass}` : `${where} with ${said}; ${words.fix}`;
  return ctx.finding({ status, message, evidence: (bad.length ? bad : outcomes).map((o) => o.exchange), data: { sent: outcomes.map((o) => o.said) } });
}
