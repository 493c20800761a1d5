import { fillPath } from '../src/config/endpoints.js';
import { attempt, describeFailure, requestLine, type Attempt } from '../src/http/attempt.js';
import type { RequestBody } from '../src/http/types.js';
import type { Check, CheckContext, Finding } from '../src/types.js';
import { oversizedBodies } from './data/oversized-bodies.js';

/** Methods whose requests carry a body to parse. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Write endpoints refuse oversized JSON quickly: a 10 MiB body, a 100,000-element array and
 * 10,000 levels of nesting each get 413/400/422 within slowMs, never a 2xx, a 5xx or a long parse.
 */
const check: Check = {
  meta: {
    id: 'body-size-caps',
    title: 'Write endpoints refuse oversized, over-long and over-deep JSON bodies',
    item: 'size-caps',
    severity: 'high',
    rationale:
      'A server that reads and parses any body is one request away from running out of memory or CPU: a huge upload, a giant array or deep nesting (which overflows recursive parsers) should be refused before the work starts.',
    remediation:
      'Cap request bodies where they enter (e.g. nginx client_max_body_size 1m, express.json({ limit: "1mb" }), fastify bodyLimit) and answer 413; cap array lengths and nesting depth in the schema (maxItems, a depth limit) and answer 400/422.',
    probes: 'POST/PUT/PATCH each write endpoint with a 10 MiB JSON body, a 100,000-element array and JSON nested 10,000 deep (streamed; allowWrites only)',
    writes: true,
    // Heavy write probes run after every read-based check (they can break what those would read).
    phase: 'disruptive',
  },

  applies: (target) => target.endpoints.filter((e) => (e.kind === 'write' || e.kind === 'async') && BODY_METHODS.has(e.method)),

  async run(ctx: CheckContext): Promise<Finding[]> {
    const endpoint = ctx.endpoint!;
    const hasContentType = Object.keys(endpoint.headers).some((name) => name.toLowerCase() === 'content-type');
    const headers = { ...(hasContentType ? {} : { 'content-type': 'application/json' }), ...endpoint.headers };
    const findings: Finding[] = [];
    // One at a time: each body is generated as it is sent, so only one is ever in flight.
    for (const probe of oversizedBodies(endpoint.body)) {
      const sent = await attempt(ctx.http, { method: endpoint.method, path: fillPath(endpoint), query: endpoint.query, headers, body: probe.body, purpose: probe.what });
      findings.push(judge(ctx, sent, probe));
    }
    return findings;
  },
};

export default check;

/** 413/400/422 within slowMs passes; a 2xx, a 5xx, a hang or a slow refusal fails. */
function judge(ctx: CheckContext, sent: Attempt, probe: { what: string; fix: string; body: RequestBody }): Finding {
  const slowMs = ctx.target.thresholds.slowMs;
  const exchange = sent.response?.exchange ?? sent.failure!.exchange;
  const head = `${requestLine(exchange)} with ${probe.what}`;
  const ms = Math.round(exchange.durationMs);
  const data = { sent: probe.what, bytes: typeof probe.body === 'object' && 'bytes' in probe.body ? probe.body.bytes : undefined, status: exchange.status ?? null, ms };
  const finding = (status: 'pass' | 'warn' | 'fail', message: string): Finding => ctx.finding({ status, message, evidence: [exchange], data });

  if (!sent.response) {
    const { failure } = sent;
    if (failure.code === 'reset' && ms <= slowMs) {
      return finding('warn', `${head} → ${describeFailure(failure)} after ${ms} ms: refused, but without a status; answer 413/400 before closing so clients learn why`);
    }
    return finding('fail', `${head} → ${describeFailure(failure)} after ${ms} ms; ${probe.fix}`);
  }
  const { status } = sent.response;
  if (status >= 200 && status < 300) return finding('fail', `${head} → ${status} in ${ms} ms: accepted; ${probe.fix}`);
  if (status >= 500) return finding('fail', `${head} → ${status} in ${ms} ms: the server failed on it; ${probe.fix}`);
  if (status === 413 || status === 400 || status === 422) {
    if (ms > slowMs) return finding('fail', `${head} → ${status}, but only after ${ms} ms (slowMs ${slowMs}): the body was read or parsed before being refused; check Content-Length and limits before reading`);
    return finding('pass', `${head} → ${status} in ${ms} ms: refused`);
  }
  return finding('warn', `${head} → ${status}: refused for another reason, so the size limits were not reached; check this endpoint's method, path, auth and headers in the config`);
}
