import type { IncomingHttpHeaders } from 'node:http';
import { SignJWT, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';

/**
 * Token handling for the auth fixture APIs: one correct verifier and the mistakes real APIs make
 * (decoding instead of verifying, accepting alg:none), so each can be audited on loopback.
 */
const KEY = new TextEncoder().encode('fixture-api-signing-key-not-for-production');

/** A valid HS256 token for `sub`, as the fixture APIs' login would issue. */
export function issueToken(sub: string): Promise<string> {
  return new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime('1h').sign(KEY);
}

export type TokenMode =
  /** jwtVerify with the key and HS256 only: what every API should do. */
  | 'verify'
  /** jwtVerify, except that an unsigned (alg:none) token is taken at its word. */
  | 'accepts-alg-none'
  /** decodeJwt without verifying the signature (the exp claim is still checked). */
  | 'decode-only';

function bearer(headers: Headers | IncomingHttpHeaders): string | undefined {
  const value = headers instanceof Headers ? headers.get('authorization') : headers.authorization;
  return /^Bearer\s+(\S+)$/i.exec(value ?? '')?.[1];
}

/** The caller's user id, or undefined when the credentials do not check out under `mode`. */
export async function userOf(headers: Headers | IncomingHttpHeaders, mode: TokenMode = 'verify'): Promise<string | undefined> {
  const token = bearer(headers);
  if (!token) return undefined;
  try {
    if (mode === 'decode-only' || (mode === 'accepts-alg-none' && decodeProtectedHeader(token).alg === 'none')) {
      const claims = decodeJwt(token);
      if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return undefined;
      return claims.sub;
    }
    const { payload } = await jwtVerify(token, KEY, { algorithms: ['HS256'] });
    return payload.sub;
  } catch {
    return undefined;
  }
}
