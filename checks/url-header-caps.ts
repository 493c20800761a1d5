import {
  attempt,
  defineCheck,
  describeFailure,
  fillPath,
  formatBytes,
  reportJudgement,
  type Attempt,
  type Endpoint,
  type Exchange,
  type Judgement,
  type Target,
} from './api.js';

const QUERY_SIZES = [16 * 1024, 64 * 1024];
const HEADER_SIZE = 32 * 1024;
const PAD_PARAM = 'preflight_padding';
const PAD_HEADER = 'X-Preflight-Padding';
const PAD_CHAR = 'a';

/**
 * How one over-long request was answered: refused (4xx) or ignored (a 2xx to a query), accepted
 * (a 2xx to a header: no cap), dropped (closed without a status), or failed (5xx or a hang). A
 * refused connection is none of these: attempt() lets it through and the check is undecided.
 */
type Judged = 'refused' | 'accepted' | 'dropped' | 'failed';

export interface Outcome {
  judged: Judged;
  /** "a 16 KiB query → 414" */
  said: string;
  exchange: Exchange;
}

const URL_FIX = 'cap the URL (e.g. 8 KiB) and answer 414 URI Too Long';
const HEADER_FIX = 'cap request headers (e.g. 16 KiB in all) and answer 431 Request Header Fields Too Large';

const VERDICTS = {
  urlRefused: { probe: 'url', status: 'pass', message: 'GET {path} with {said}: over-long URLs are refused or ignored' },
  urlDropped: { probe: 'url', status: 'warn', message: `GET {path} with {said}; ${URL_FIX}` },
  urlFailed: { probe: 'url', status: 'fail', message: `GET {path} with {said}; ${URL_FIX}` },
  headerRefused: { probe: 'header', status: 'pass', message: 'GET {path} with {said}: over-large headers are refused' },
  headerAccepted: { probe: 'header', status: 'warn', message: `GET {path} with {said}; ${HEADER_FIX}` },
  headerDropped: { probe: 'header', status: 'warn', message: `GET {path} with {said}; ${HEADER_FIX}` },
  headerFailed: { probe: 'header', status: 'fail', message: `GET {path} with {said}; ${HEADER_FIX}` },
} as const;

/**
 * Over-long URLs and headers are refused at the door (414/431/400) or ignored, never a 5xx or a hang:
 * a parser that chokes on them is a cheap way to knock the service over.
 */
export default defineCheck({
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
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    const endpoint = probedEndpoint(ctx.target);
    const path = endpoint ? fillPath(endpoint) : (ctx.target.health ?? '/');
    const configured = new URLSearchParams(endpoint?.query ?? {}).toString();
    const headers = endpoint?.headers ?? {};

    const queries: Outcome[] = [];
    for (const size of QUERY_SIZES) {
      const pad = `${PAD_PARAM}=${PAD_CHAR.repeat(size - PAD_PARAM.length - 1)}`;
      const sent = await attempt(ctx.http, {
        method: 'GET',
        path,
        query: configured ? `${configured}&${pad}` : pad,
        headers,
        purpose: `${formatBytes(size)} query string`,
      });
      queries.push(outcomeOf(sent, `a ${formatBytes(size)} query`, 'query'));
    }
    const headerSent = await attempt(ctx.http, {
      method: 'GET',
      path,
      query: endpoint?.query ?? {},
      headers: { ...headers, [PAD_HEADER]: PAD_CHAR.repeat(HEADER_SIZE) },
      purpose: `one ${formatBytes(HEADER_SIZE)} header`,
    });
    const header = [outcomeOf(headerSent, `one ${formatBytes(HEADER_SIZE)} ${PAD_HEADER} header`, 'header')];

    reportJudgement(ctx, judgeUrl(path, queries), summarise(queries).evidence);
    reportJudgement(ctx, judgeHeader(path, header), summarise(header).evidence);
  },
});

/** The over-long query strings' verdict: the worst of their outcomes (a 2xx ignoring the padding is fine). */
export function judgeUrl(path: string, queries: readonly Outcome[]): Judgement<typeof VERDICTS, 'urlFailed' | 'urlDropped' | 'urlRefused'> {
  const url = summarise(queries);
  const data = { path, said: url.said, sent: url.sent };
  if (url.judged === 'failed') return { verdict: 'urlFailed', data };
  if (url.judged === 'dropped') return { verdict: 'urlDropped', data };
  return { verdict: 'urlRefused', data };
}

/** The over-large header's verdict: a 2xx means no cap. */
export function judgeHeader(
  path: string,
  header: readonly Outcome[],
): Judgement<typeof VERDICTS, 'headerFailed' | 'headerDropped' | 'headerAccepted' | 'headerRefused'> {
  const big = summarise(header);
  const data = { path, said: big.said, sent: big.sent };
  if (big.judged === 'failed') return { verdict: 'headerFailed', data };
  if (big.judged === 'dropped') return { verdict: 'headerDropped', data };
  if (big.judged === 'accepted') return { verdict: 'headerAccepted', data };
  return { verdict: 'headerRefused', data };
}

/** A GET the application itself answers: a list or read endpoint, ideally without path parameters. */
function probedEndpoint(target: Target): Endpoint | undefined {
  const gets = target.endpoints.filter((e) => e.method === 'GET');
  return gets.find((e) => e.kind === 'list') ?? gets.find((e) => !e.path.includes('{')) ?? gets[0];
}

/** 4xx: refused; 5xx or a hang: failed; a 2xx is fine for a query (ignored), no cap for a header. */
export function outcomeOf(sent: Attempt, what: string, kind: 'query' | 'header'): Outcome {
  if (!sent.response) {
    const { failure } = sent;
    const judged: Judged = failure.code === 'reset' ? 'dropped' : 'failed';
    return { judged, said: `${what} → ${describeFailure(failure)}`, exchange: failure.exchange };
  }
  const status = sent.response.status;
  const exchange = sent.response.exchange;
  if (status >= 500) return { judged: 'failed', said: `${what} → ${status}`, exchange };
  if (status >= 400) return { judged: 'refused', said: `${what} → ${status}`, exchange };
  if (kind === 'query') return { judged: 'refused', said: `${what} → ${status} (ignored)`, exchange };
  return { judged: 'accepted', said: `${what} → ${status}, accepted`, exchange };
}

const RANK: Record<Judged, number> = { refused: 0, accepted: 1, dropped: 2, failed: 3 };

function summarise(outcomes: readonly Outcome[]): { judged: Judged; said: string; sent: string[]; evidence: Exchange[] } {
  const judged = outcomes.reduce<Judged>((worst, o) => (RANK[o.judged] > RANK[worst] ? o.judged : worst), 'refused');
  const bad = outcomes.filter((o) => o.judged !== 'refused');
  return {
    judged,
    said: outcomes.map((o) => o.said).join(', '),
    sent: outcomes.map((o) => o.said),
    evidence: (bad.length ? bad : outcomes).map((o) => o.exchange),
  };
}
