import { randomUUID } from 'node:crypto';
import {
  attempt,
  endpointRequest,
  type ProbeError,
  type CheckContext,
  type Endpoint,
  type Exchange,
  type ProbeRequest,
  type ProbeResponse,
  type Target,
} from '../api.js';

/**
 * Shared by the default-deny checks: how an endpoint is called anonymously, the bad credentials
 * that must be refused, and how an answer is read (served, refused, crashed).
 */

/** The same request with no configured credentials, extra headers on top, redirects not followed. */
export function anonymous(
  endpoint: Endpoint,
  extra: { headers?: Record<string, string>; query?: Record<string, string>; purpose: string },
): ProbeRequest {
  const base = endpointRequest(endpoint);
  return {
    ...base,
    auth: false,
    headers: { ...base.headers, ...extra.headers },
    query: { ...(base.query as Record<string, string>), ...extra.query },
    // A redirect to a login page is a refusal; following it would read the login page's 200 as "served".
    followRedirects: false,
    purpose: extra.purpose,
  };
}

/**
 * How an anonymous (or bad-credential) request was answered.
 * served: 2xx, the door was open · refused: 401/403, 404 (hidden) or a redirect (to a login page) ·
 * crashed: 5xx, or no answer in time (auth must refuse, not fall over) · other: any other 4xx.
 */
export type Verdict = 'served' | 'refused' | 'crashed' | 'other';

export function verdictOf(status: number): Verdict {
  if (status >= 200 && status < 300) return 'served';
  if (status === 401 || status === 403 || status === 404 || (status >= 300 && status < 400)) return 'refused';
  if (status >= 500) return 'crashed';
  return 'other';
}

/** An answer, or the hang or reset that stood in for one. */
export type Outcome =
  | { response: ProbeResponse; verdict: Verdict; error?: undefined }
  | { error: ProbeError; verdict: 'crashed'; response?: undefined };

/**
 * Sends a probe where a hang or reset is itself the finding (a bad token must be refused, not kill
 * the connection). Budget, deadline and write refusals are not the target's fault: they propagate.
 */
export async function probe(ctx: Pick<CheckContext, 'http'>, request: ProbeRequest): Promise<Outcome> {
  const tried = await attempt(ctx.http, request);
  return tried.response
    ? { response: tried.response, verdict: verdictOf(tried.response.status) }
    : { error: tried.failure, verdict: 'crashed' };
}

/** Failures of one probe that mean "no answer from this path", not "stop the check". */
export const PER_PATH_ERRORS: ReadonlySet<string> = new Set(['timeout', 'reset', 'network', 'redirect-loop', 'decode']);

/** "401" or "no answer (timeout)": for messages. */
export function answerOf(outcome: Outcome): string {
  return outcome.response ? String(outcome.response.status) : `no answer (${outcome.error.code})`;
}

/** The exchange to show as evidence for an outcome (a hang has one too, with its error). */
export function evidenceOf(outcome: Outcome): Exchange[] {
  const exchange = outcome.response?.exchange ?? outcome.error?.exchange;
  return exchange ? [exchange] : [];
}

export interface BadCredential {
  /** Plain words for messages: "an alg:none JWT". */
  name: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** What to change when this one gets in. */
  fix: string;
}

/** Claims no real user has: a token that is accepted proves the check is broken, not that a user exists. */
const PROBE_CLAIMS = { sub: 'preflight-probe', role: 'admin', scope: 'admin' };
// Fixed instants, so the probe needs no clock: one long past, one far ahead.
const EXPIRED_AT = 946_684_800; // 2000-01-01
const VALID_UNTIL = 4_102_444_800; // 2100-01-01
// A key the target cannot know: a token signed with it has a well-formed but forged signature.
const FORGED_KEY = new TextEncoder().encode('api-preflight: not the server key, a forged signature');

/**
 * The credentials every protected endpoint must refuse. Tokens go where the configured credentials
 * go (Authorization, or the configured header or query parameter) so a server that only looks there
 * is tested too. Nothing here is derived from the real credentials: a token that gets in must not
 * be one a reader of the report could reuse as the configured user.
 */
export async function badCredentials(target: Target): Promise<BadCredential[]> {
  // jose is loaded when a run needs tokens, not when `preflight checks` lists the checks.
  const { SignJWT, UnsecuredJWT } = await import('jose');
  const unsigned = new UnsecuredJWT(PROBE_CLAIMS).setIssuedAt(EXPIRED_AT).setExpirationTime(VALID_UNTIL).encode();
  const forged = await new SignJWT(PROBE_CLAIMS)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(EXPIRED_AT)
    .setExpirationTime(VALID_UNTIL)
    .sign(FORGED_KEY);
  const expired = await new SignJWT(PROBE_CLAIMS)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(EXPIRED_AT - 3600)
    .setExpirationTime(EXPIRED_AT)
    .sign(FORGED_KEY);

  const configured = Object.entries(target.auth.headers);
  const authorization = configured.find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const scheme = /^(\S+)\s/.exec(authorization ?? '')?.[1] ?? 'Bearer';
  const otherScheme = /^bearer$/i.test(scheme)
    ? `Basic ${Buffer.from('preflight:preflight').toString('base64')}`
    : 'Bearer preflight-wrong-scheme';
  const signatureFix =
    'Verify every JWT\'s signature with a fixed list of algorithms (never "none"), using the library\'s verify call, not decode.';

  const variants: BadCredential[] = [
    {
      name: 'no credentials',
      fix: 'Put authentication in middleware that runs before every route, and list the few public routes explicitly.',
    },
    {
      name: 'an empty Authorization header',
      headers: { Authorization: '' },
      fix: 'Treat an empty Authorization header as no credentials: answer 401.',
    },
    {
      name: 'a malformed token',
      headers: { Authorization: `${scheme} not-a-valid-token` },
      fix: 'Validate the token (format, signature, expiry) and answer 401 when it does not check out.',
    },
    {
      name: `a token of the wrong scheme (${/^bearer$/i.test(scheme) ? 'Basic' : 'Bearer'})`,
      headers: { Authorization: otherScheme },
      fix: `Accept only the ${scheme} scheme; answer 401 for any other.`,
    },
    { name: 'an alg:none JWT (unsigned)', headers: { Authorization: `Bearer ${unsigned}` }, fix: signatureFix },
    { name: 'a JWT with a forged signature', headers: { Authorization: `Bearer ${forged}` }, fix: signatureFix },
    {
      name: 'an expired JWT',
      headers: { Authorization: `Bearer ${expired}` },
      fix: 'Check exp (and nbf) on every token; an expired token gets 401.',
    },
  ];
  // A custom credential header (X-API-Key) or query parameter: empty and made-up values there too.
  for (const [name] of configured.filter(([name]) => name.toLowerCase() !== 'authorization')) {
    variants.push({
      name: `an empty ${name} header`,
      headers: { [name]: '' },
      fix: `Treat an empty ${name} as no credentials: answer 401.`,
    });
    variants.push({
      name: `a made-up ${name}`,
      headers: { [name]: 'preflight-not-a-valid-key' },
      fix: `Look the ${name} up and answer 401 when it is unknown.`,
    });
  }
  for (const name of Object.keys(target.auth.query)) {
    variants.push({
      name: `an empty ${name} parameter`,
      query: { [name]: '' },
      fix: `Treat an empty ${name} as no credentials: answer 401.`,
    });
    variants.push({
      name: `a made-up ${name} parameter`,
      query: { [name]: 'preflight-not-a-valid-key' },
      fix: `Look the ${name} up and answer 401 when it is unknown.`,
    });
  }
  return variants;
}

/** True when the target has credentials configured, so authenticated comparisons are possible. */
export function hasCredentials(target: Target): boolean {
  return Object.keys(target.auth.headers).length > 0 || Object.keys(target.auth.query).length > 0;
}

/** "a, b and c" for messages. */
export function listOf(words: readonly string[], max = 4): string {
  const shown = words.slice(0, max);
  const rest = words.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** A short random path segment, so probes never hit a real route by accident. */
export function randomSegment(): string {
  return `preflight-${randomUUID().slice(0, 8)}`;
}

export { endpointRequest };
