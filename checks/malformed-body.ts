import { defineCheck, fillPath, type Endpoint } from './api.js';
import { fieldBodies, syntaxBodies } from './data/malformed-inputs.js';
import { INPUT_VERDICTS, judgeInputs, sendProbes, type MalformedProbe } from './lib/malformed-probes.js';

/** Methods whose body the endpoint reads. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

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
    verdicts: { ...INPUT_VERDICTS },
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints.filter((endpoint) => BODY_METHODS.has(endpoint.method)),

  async run(ctx) {
    const { verdict, data, evidence } = judgeInputs(ctx.endpoint.label, await sendProbes(ctx, bodyProbes(ctx.endpoint)));
    if (verdict === 'inputsFailed') ctx.report('inputsFailed', data, evidence);
    else if (verdict === 'inputsAccepted') ctx.report('inputsAccepted', data, evidence);
    else if (verdict === 'inputsRateLimited') ctx.report('inputsRateLimited', data, evidence);
    else ctx.report('inputsHandled', data, evidence);
  },
});

function bodyProbes(endpoint: Endpoint): MalformedProbe[] {
  return [...syntaxBodies(endpoint.body), ...fieldBodies(endpoint.body)].map((probe) => ({
    describe: probe.describe,
    mustReject: probe.reject,
    request: {
      method: endpoint.method,
      path: fillPath(endpoint),
      query: endpoint.query,
      // The probe's content type replaces the configured one, whatever its spelling.
      headers: {
        ...Object.fromEntries(Object.entries(endpoint.headers).filter(([name]) => name.toLowerCase() !== 'content-type')),
        'content-type': probe.contentType,
      },
      body: probe.body,
    },
  }));
}
