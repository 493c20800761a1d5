/** Methods that are safe to send to anyone's API: they must not change state (RFC 9110 §9.2.1). */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Methods that change state, or may. Anything not listed here and not safe is an unknown token,
 * which method probes may send (a server should answer 405/501 without acting on it).
 */
const WRITE_METHODS = new Set([
  'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'TRACE',
  // WebDAV and friends: a server that implements them will act on them.
  'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'MERGE', 'PURGE', 'LINK', 'UNLINK',
]);

export function isWriteMethod(method: string): boolean {
  return WRITE_METHODS.has(method.toUpperCase());
}

const OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];

/** The method a request asks the server to pretend it is, through an override header, if any. */
export function methodOverrideValue(headers: Record<string, string> | undefined): string | undefined {
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (OVERRIDE_HEADERS.includes(name.toLowerCase())) return value.trim().toUpperCase();
  }
  return undefined;
}
