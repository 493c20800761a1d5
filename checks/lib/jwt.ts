import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import type { Exchange, Target } from '../api.js';

const HMAC_ALGS: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
/** A JWS in compact form: its header is base64url JSON, so it starts with "eyJ" ('{"'). */
const COMPACT_JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

export interface ConfiguredJwt {
  /** Where the config holds it: "auth.headers.Authorization", "auth.identities.other.headers.Authorization". */
  where: string;
  /** The identity's config key; undefined for the main identity. */
  identity?: string;
  /** Header or query parameter, and its name, so a forged token can be sent the same way. */
  carrier: 'headers' | 'query';
  name: string;
  /** The configured value (e.g. "Bearer eyJ…") and the token inside it. */
  value: string;
  token: string;
  alg: string;
  payload: Record<string, unknown>;
}

/** Every configured credential that holds a compact JWT with a readable header (any alg). */
export function configuredJwts(target: Target): ConfiguredJwt[] {
  const sets: Array<{ prefix: string; identity?: string; headers: Record<string, string>; query: Record<string, string> }> = [
    { prefix: 'auth', headers: target.auth.headers, query: target.auth.query },
    ...Object.entries(target.auth.identities ?? {}).map(([identity, c]) => ({
      prefix: `auth.identities.${identity}`,
      identity,
      headers: c.headers,
      query: c.query,
    })),
  ];
  const found: ConfiguredJwt[] = [];
  for (const set of sets) {
    for (const carrier of ['headers', 'query'] as const) {
      for (const [name, value] of Object.entries(set[carrier])) {
        const token = COMPACT_JWT.exec(value)?.[0];
        if (!token) continue;
        try {
          const alg = String(decodeProtectedHeader(token).alg ?? '');
          found.push({
            where: `${set.prefix}.${carrier}.${name}`,
            ...(set.identity ? { identity: set.identity } : {}),
            carrier,
            name,
            value,
            token,
            alg,
            payload: decodeJwt(token) as Record<string, unknown>,
          });
        } catch {
          // Looks like a JWT but is not one: nothing to try.
        }
      }
    }
  }
  return found;
}

export const isHmacJwt = (jwt: ConfiguredJwt): boolean => HMAC_ALGS[jwt.alg] !== undefined;

/** The list entry that signed `jwt`, if any: recomputes the HMAC with each, offline. */
export function findSigningSecret(jwt: ConfiguredJwt, candidates: readonly string[]): string | undefined {
  const digest = HMAC_ALGS[jwt.alg];
  if (!digest) return undefined;
  const [header, payload, signature] = jwt.token.split('.') as [string, string, string];
  const expected = Buffer.from(signature, 'base64url');
  const signingInput = `${header}.${payload}`;
  return candidates.find((secret) => {
    const actual = createHmac(digest, secret).update(signingInput).digest();
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
}

/** A list entry as a finding may show it: its first characters only. */
export function entryHint(secret: string): string {
  return `${secret.slice(0, Math.min(3, Math.floor(secret.length / 2)))}…`;
}

/** The main token's claims with another subject, signed with the found secret (same alg). */
export async function forgeFor(jwt: ConfiguredJwt, secret: string, subject: string): Promise<string> {
  return new SignJWT({ ...jwt.payload, sub: subject })
    .setProtectedHeader({ alg: jwt.alg, typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

/** A forged token is a working credential: it is blanked from the exchange before anything keeps or prints it. */
export function scrubToken(exchange: Exchange, token: string): void {
  const blank = (text: string): string => text.split(token).join('***');
  exchange.url = blank(exchange.url);
  exchange.curl = blank(exchange.curl);
  for (const [name, value] of Object.entries(exchange.requestHeaders)) exchange.requestHeaders[name] = blank(value);
}
