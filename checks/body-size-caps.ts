import {
  answerOf,
  attempt,
  defineCheck,
  describeFailure,
  endpointRequest,
  fillPath,
  GLANCE_BYTES,
  reportJudgement,
  requestLine,
  type Attempt,
  type EndpointContext,
  type Exchange,
  type Judgement,
} from './api.js';
import { oversizedBodies, type OversizedBody } from './data/oversized-bodies.js';
import { bodyFormat, withContentType } from './lib/body-format.js';

/** Methods whose requests carry a body to parse. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

const VERDICTS = {
  refused: { probe: 'cap', status: 'pass', message: '{request} with {sent} → {status} in {ms} ms: refused' },
  accepted: { probe: 'cap', status: 'fail', message: '{request} with {sent} → {status} in {ms} ms: accepted; {fix}' },
  serverError: { probe: 'cap', status: 'fail', message: '{request} with {sent} → {status} in {ms} ms: the server failed on it; {fix}' },
  slowRefusal: {
    probe: 'cap',
    status: 'fail',
    message:
      '{request} with {sent} → {status}, but only after {ms} ms (slowMs {slowMs}): the body was read or parsed before being refused; check Content-Length and limits before reading',
  },
  droppedQuickly: {
    probe: 'cap',
    status: 'warn',
    message:
      '{request} with {sent} → {failure} after {ms} ms: refused, but without a status; answer 413/400 before closing so clients learn why',
  },
  noAnswer: { probe: 'cap', status: 'fail', message: '{request} with {sent} → {failure} after {ms} ms; {fix}' },
  validBodyRefusedToo: {
    probe: 'cap',
    status: 'error',
    message:
      "{request} with {sent} → {status}, but the configured valid body gets {control} too: the refusal is about the format or the request, not the size, so the cap is untested; check this endpoint's body and Content-Type in the config",
  },
  otherRefusal: {
    probe: 'cap',
    status: 'warn',
    message:
      "{request} with {sent} → {status}: refused for another reason, so the size limits were not reached; check this endpoint's method, path, auth and headers in the config",
  },
} as const;

/**
 * Write endpoints refuse oversized JSON quickly: a 10 MiB body, a 100,000-element array and
 * 10,000 levels of nesting each get 413/400/422 within slowMs, never a 2xx, a 5xx or a long parse.
 */
export default defineCheck({
  meta: {
    id: 'body-size-caps',
    title: 'Write endpoints refuse oversized, over-long and over-deep JSON bodies',
    item: 'size-caps',
    severity: 'high',
    rationale:
      'A server that reads and parses any body is one request away from running out of memory or CPU: a huge upload, a giant array or deep nesting (which overflows recursive parsers) should be refused before the work starts.',
    remediation:
      'Cap request bodies where they enter (e.g. nginx client_max_body_size 1m, the limit option of express.json, fastify bodyLimit) and answer 413; cap array lengths and nesting depth in the schema (maxItems, a depth limit) and answer 400/422.',
    probes:
      'POST/PUT/PATCH each write endpoint with a 10 MiB JSON body, a 100,000-element array and JSON nested 10,000 deep (streamed; allowWrites only)',
    writes: true,
    // Heavy write probes run after every read-based check (they can break what those would read).
    phase: 'disruptive',
    verdicts: VERDICTS,
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints.filter((e) => (e.kind === 'write' || e.kind === 'async') && BODY_METHODS.has(e.method)),

  async run(ctx) {
    const { endpoint } = ctx;
    // The probes speak the endpoint's own media type: JSON-shaped bodies only to JSON endpoints.
    const format = bodyFormat(endpoint);
    const headers = withContentType(endpoint.headers, format.contentType);
    const control = validBodyControl(ctx);
    // One at a time: each body is generated as it is sent, so only one is ever in flight.
    for (const probe of oversizedBodies(endpoint.body, format)) {
      const sent = await attempt(ctx.http, {
        method: endpoint.method,
        path: fillPath(endpoint),
        query: endpoint.query,
        headers,
        body: probe.body,
        purpose: probe.what,
      });
      await judge(ctx, sent, probe, control);
    }
  },
});

/**
 * The configured valid body, sent once when a 400/422 needs it: that answer proves a refusal was
 * about size only if the small body of the same format is accepted.
 */
function validBodyControl(ctx: EndpointContext<typeof VERDICTS>): () => Promise<Attempt> {
  let sent: Promise<Attempt> | undefined;
  return () => {
    sent ??= attempt(ctx.http, {
      ...endpointRequest(ctx.endpoint, { purpose: 'the configured valid body, to tell a size refusal from a format refusal' }),
      maxResponseBytes: GLANCE_BYTES,
    });
    return sent;
  };
}

/** Sends the control when the answer needs it, then reports what judgeOversized decided. */
async function judge(
  ctx: EndpointContext<typeof VERDICTS>,
  sent: Attempt,
  probe: OversizedBody,
  control: () => Promise<Attempt>,
): Promise<void> {
  const valid = needsControl(sent) ? await control() : undefined;
  const { judgement, evidence } = judgeOversized(sent, probe, ctx.target.thresholds.slowMs, valid);
  reportJudgement(ctx, judgement, evidence, { key: probe.key });
}

/** A 400/422 proves a size cap only if the configured valid body is accepted: only those answers need the control. */
export function needsControl(sent: Attempt): boolean {
  const status = sent.response?.status;
  return status === 400 || status === 422;
}

/**
 * 413/400/422 within slowMs passes; a 2xx, a 5xx, a hang or a slow refusal fails (a refused
 * connection never gets here: it is undecided). `control` is the valid body's answer, given when
 * needsControl(sent).
 */
export function judgeOversized(
  sent: Attempt,
  probe: Pick<OversizedBody, 'what' | 'fix' | 'body'>,
  slowMs: number,
  control?: Attempt,
): { judgement: Judgement<typeof VERDICTS>; evidence: Exchange[] } {
  const exchange = sent.response?.exchange ?? sent.failure!.exchange;
  const evidence = [exchange];
  const ms = Math.round(exchange.durationMs);
  const data = {
    request: requestLine(exchange),
    sent: probe.what,
    fix: probe.fix,
    ms,
    ...(typeof probe.body === 'object' && 'bytes' in probe.body ? { bytes: probe.body.bytes } : {}),
  };

  if (!sent.response) {
    const { failure } = sent;
    const said = { ...data, failure: describeFailure(failure) };
    if (failure.code === 'reset' && ms <= slowMs) return { judgement: { verdict: 'droppedQuickly', data: said }, evidence };
    return { judgement: { verdict: 'noAnswer', data: said }, evidence };
  }
  const answered = { ...data, status: sent.response.status };
  const { status } = answered;
  if (status >= 200 && status < 300) return { judgement: { verdict: 'accepted', data: answered }, evidence };
  if (status >= 500) return { judgement: { verdict: 'serverError', data: answered }, evidence };
  if (status === 413 || status === 400 || status === 422) {
    if (status !== 413 && control) {
      const validStatus = control.response?.status ?? 0;
      if (validStatus < 200 || validStatus >= 300) {
        const controlExchange = control.response?.exchange ?? control.failure!.exchange;
        return {
          judgement: { verdict: 'validBodyRefusedToo', data: { ...answered, control: answerOf(control) } },
          evidence: [exchange, controlExchange],
        };
      }
    }
    if (ms > slowMs) return { judgement: { verdict: 'slowRefusal', data: { ...answered, slowMs } }, evidence };
    return { judgement: { verdict: 'refused', data: answered }, evidence };
  }
  return { judgement: { verdict: 'otherRefusal', data: answered }, evidence };
}
