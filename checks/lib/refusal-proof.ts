import { endpointRequest, type CheckContext, type Endpoint, type Exchange, type ProbeResponse } from '../api.js';
import { hasCredentials } from './auth-probes.js';

/**
 * Issue 12's trust rule: a refusal counts only when it is 401/403, or a 404/410 where the same
 * endpoint answers 2xx with credentials (it hides itself from strangers). A 404 from an endpoint
 * that 404s for everyone proves no refusal: its path or params are wrong.
 */

/** Answers that say "not here": a refusal only when the endpoint is there for a real caller. */
export function isNotFound(status: number | undefined): boolean {
  return status === 404 || status === 410;
}

export type HidingProof =
  /** It answers 2xx with credentials: the anonymous 404 hides it, a refusal. */
  | { proven: true; authenticated: ProbeResponse }
  /** It answers 404/410 with credentials too: check its path and params. */
  | { proven: false; notFound: true; status: number; evidence: Exchange[] }
  /** No 2xx with credentials (or none configured): why the 404 decides nothing, in a few words. */
  | { proven: false; notFound: false; why: string; evidence: Exchange[] };

/** One authenticated call of the endpoint, as configured, to tell hiding from missing. */
export async function proveHiding(
  ctx: Pick<CheckContext, 'http' | 'target'>,
  endpoint: Endpoint,
  known?: ProbeResponse,
): Promise<HidingProof> {
  if (!known && !hasCredentials(ctx.target))
    return { proven: false, notFound: false, why: 'no credentials are configured to show that it exists', evidence: [] };
  const authenticated =
    known ??
    (await ctx.http.send({
      ...endpointRequest(endpoint),
      purpose: 'with the configured credentials, to tell a hidden endpoint from a missing one',
    }));
  if (authenticated.status >= 200 && authenticated.status < 300) return { proven: true, authenticated };
  if (isNotFound(authenticated.status))
    return { proven: false, notFound: true, status: authenticated.status, evidence: [authenticated.exchange] };
  return {
    proven: false,
    notFound: false,
    why: `it answered ${authenticated.status} with valid credentials`,
    evidence: [authenticated.exchange],
  };
}

/** The verdict for an endpoint that 404s with credentials too, for a check's catalogue, under its own probe name. */
export function notFoundVerdict<P extends string>(probe: P) {
  return {
    probe,
    status: 'error',
    message: '{endpoint} answered {status} with valid credentials too: check its path and params',
    remediation:
      "Fix the endpoint's path or params in the config so it answers 2xx with the configured credentials; a 404 for everyone proves no refusal.",
  } as const;
}

/** The verdict for an anonymous 404 that nothing shows to be hiding an endpoint (no 2xx with credentials). */
export function unprovenVerdict<P extends string>(probe: P) {
  return {
    probe,
    status: 'error',
    message: '{endpoint} answered {answer} without credentials, which proves no refusal ({why}): check its path, params and credentials',
    remediation:
      'Configure credentials (auth) and params with which the endpoint answers 2xx, so a 404 without them can be told from a missing endpoint.',
  } as const;
}
