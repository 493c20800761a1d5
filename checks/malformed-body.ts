import {
  answerOf,
  attempt,
  defineCheck,
  endpointRequest,
  exchangeOf,
  fillPath,
  GLANCE_BYTES,
  requestLine,
  type Attempt,
  type Endpoint,
  type EndpointContext,
} from './api.js';
import { fieldBodies, syntaxBodies, textBodies } from './data/malformed-inputs.js';
import { bodyFormat, withContentType, type BodyFormat } from './lib/body-format.js';
import {
  INPUT_VERDICTS,
  isServerFailure,
  judgeInputs,
  sendProbes,
  type MalformedProbe,
  type ProbeOutcome,
} from './lib/malformed-probes.js';

/** Methods whose body the endpoint reads. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The verdicts malformed-input reports for path, query and headers (lib/malformed-probes.ts). */
const VERDICTS = { ...INPUT_VERDICTS } as const;

/**
 * Malformed bodies on write endpoints: broken JSON, the wrong content type, invalid UTF-8, deep
 * nesting, and each field of the configured example body with the wrong type, null, an overflowing
 * or negative-zero number, or a very long string. Runs only with allowWrites (a body that is
 * accepted creates something).
 */
export default defineCheck({
  meta: {
    id: 'malformed-body',
    title: 'Malformed request bodies get a 4xx, never a 5xx or a hang',
    item: 'error-hygiene',
    severity: 'high',
    rationale:
      'A body the server cannot parse or validate is the client\'s fault. A 5xx means the parse error or the wrong type reached code that did not expect it (the classic "500 with a stack trace on a missing brace").',
    remediation:
      'Parse bodies strictly before any work: require application/json, answer 400 for invalid JSON or UTF-8, 413 for oversize, 422 (or 400) for fields of the wrong type or range, all in your error shape.',
    probes:
      'POST/PUT/PATCH bodies: truncated JSON, non-JSON as JSON, JSON as text/plain, invalid UTF-8, 10,000-deep nesting, each field wrong-typed, null, 1e400, -0 or 10,000 characters long',
    writes: true,
    // Heavy write probes run after every read-based check (they can break what those would read).
    phase: 'disruptive',
    verdicts: VERDICTS,
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints.filter((endpoint) => BODY_METHODS.has(endpoint.method)),

  async run(ctx) {
    const outcomes = await sendWatchingForDamage(ctx, bodyProbes(ctx.endpoint, bodyFormat(ctx.endpoint)));
    if (!outcomes) return;
    const { verdict, data, evidence } = judgeInputs(ctx.endpoint.label, outcomes);
    if (verdict === 'inputsFailed') ctx.report('inputsFailed', data, evidence);
    else if (verdict === 'inputsAccepted') ctx.report('inputsAccepted', data, evidence);
    else if (verdict === 'inputsRateLimited') ctx.report('inputsRateLimited', data, evidence);
    else ctx.report('inputsHandled', data, evidence);
  },
});

type Context = EndpointContext<typeof VERDICTS>;

const isSuccess = (tried: Attempt): boolean => (tried.response?.status ?? 0) >= 200 && (tried.response?.status ?? 0) < 300;

/**
 * Sends the probes one at a time, in order, until the first 5xx. A malformed write that got a 5xx may have stored
 * something every later request trips over (a poisoned collection): then the configured valid body,
 * accepted before the probes, is sent again; if it now fails too, the later answers judge the
 * damage this audit did, not their inputs, so the endpoint is reported broken (one finding, naming
 * the write that did it) and not judged further. Returns undefined when it was.
 */
async function sendWatchingForDamage(ctx: Context, probes: readonly MalformedProbe[]): Promise<ProbeOutcome[] | undefined> {
  const valid = (purpose: string): Promise<Attempt> =>
    attempt(ctx.http, { ...endpointRequest(ctx.endpoint, { purpose }), maxResponseBytes: GLANCE_BYTES });
  const before = await valid('the configured valid body, before the malformed ones');
  // Nothing to watch for when the valid body was not accepted to begin with: all at once, as the client allows.
  if (!isSuccess(before)) return sendProbes(ctx, probes);
  const outcomes: ProbeOutcome[] = [];
  for (const [index, probe] of probes.entries()) {
    const [outcome] = await sendProbes(ctx, [probe]);
    outcomes.push(outcome!);
    if (!isServerFailure(outcome!)) continue;
    const after = await valid('the configured valid body again: did that write break the endpoint?');
    if (isSuccess(after)) {
      // The failure was this input's own: the rest cannot be blamed on it, so they go out at once.
      outcomes.push(...(await sendProbes(ctx, probes.slice(index + 1))));
      return outcomes;
    }
    ctx.report(
      'brokeEndpoint',
      { requests: [requestLine(exchangeOf(outcome!))], endpoint: ctx.endpoint.label, status: answerOf(after), before: answerOf(before) },
      [exchangeOf(before), exchangeOf(outcome!), exchangeOf(after)],
    );
    return undefined;
  }
  return outcomes;
}

/** Malformed variants of the endpoint's own format: JSON syntax and field probes only for JSON endpoints. */
function bodyProbes(endpoint: Endpoint, format: BodyFormat): MalformedProbe[] {
  const corpus = format.json
    ? [...syntaxBodies(endpoint.body), ...fieldBodies(endpoint.body)]
    : textBodies(format.text, format.contentType);
  return corpus.map((probe) => ({
    describe: probe.describe,
    mustReject: probe.reject,
    request: {
      method: endpoint.method,
      path: fillPath(endpoint),
      query: endpoint.query,
      // The probe's content type replaces the configured one, whatever its spelling.
      headers: withContentType(endpoint.headers, probe.contentType),
      body: probe.body,
    },
  }));
}
