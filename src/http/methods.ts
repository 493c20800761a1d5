/** Methods that are safe to send to anyone's API: they must not change state (RFC 9110 §9.2.1). */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Methods that change state, or may. Anything not listed here and not safe is an unknown token,
 * which method probes may send (a server should answer 405/501 without acting on it).
 */
const WRITE_METHODS = new Set([
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'CONNECT',
  'TRACE',
  // WebDAV and friends: a server that implements them will act on them.
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'MERGE',
  'PURGE',
  'LINK',
  'UNLINK',
]);

export function isWriteMethod(method: string): boolean {
  return WRITE_METHODS.has(method.toUpperCase());
}

// Every spelling frameworks read as "treat this request as method X": Rails, Laravel, Express's
// method-override, Symfony, ASP.NET, Google APIs, proxies that keep the original method.
const OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override', 'x-original-method', 'x-original-http-method'];
const OVERRIDE_PARAM = '_method';
/** How much of a body is read to find a `_method` field. */
const BODY_SCAN_BYTES = 64 * 1024;

/** The method a request asks the server to pretend it is, through an override header, if any. */
export function methodOverrideValue(headers: Record<string, string> | undefined): string | undefined {
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (OVERRIDE_HEADERS.includes(name.toLowerCase())) return value.trim().toUpperCase();
  }
  return undefined;
}

/**
 * Every method a request asks the server to act as, from any override header, a `_method` query
 * parameter, or a `_method` field of a form or JSON body. A value may list several ("DELETE, GET"):
 * each token counts, since servers differ in which one they take.
 */
export function overrideMethods(request: {
  path: string;
  headers?: Record<string, string | undefined>;
  query?: Record<string, string | number | undefined> | string;
  body?: unknown;
}): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value !== undefined && OVERRIDE_HEADERS.includes(name.toLowerCase())) values.push(value);
  }
  const queries = [request.path.includes('?') ? request.path.slice(request.path.indexOf('?') + 1) : ''];
  if (typeof request.query === 'string') queries.push(request.query.replace(/^\?/, ''));
  else
    for (const [key, value] of Object.entries(request.query ?? {}))
      if (key.toLowerCase() === OVERRIDE_PARAM && value !== undefined) values.push(String(value));
  for (const query of queries) values.push(...paramValues(new URLSearchParams(query)));
  const body =
    typeof request.body === 'string'
      ? request.body.slice(0, BODY_SCAN_BYTES)
      : request.body instanceof Uint8Array
        ? Buffer.from(request.body.subarray(0, BODY_SCAN_BYTES)).toString('utf8')
        : undefined;
  if (body) values.push(...bodyValues(body));
  return values
    .flatMap((value) => value.split(/[\s,;]+/))
    .map((token) => token.trim().toUpperCase())
    .filter(Boolean);
}

function paramValues(params: URLSearchParams): string[] {
  return [...params].filter(([key]) => key.toLowerCase() === OVERRIDE_PARAM).map(([, value]) => value);
}

function bodyValues(body: string): string[] {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') {
      return Object.entries(parsed)
        .filter(([key, value]) => key.toLowerCase() === OVERRIDE_PARAM && value !== null)
        .map(([, value]) => String(value));
    }
  } catch {
    // not JSON: read as a form below
  }
  const found = paramValues(new URLSearchParams(body));
  // A multipart body or a JSON document that did not parse: any `_method` field with a value.
  for (const match of body.matchAll(/_method["']?\s*(?:[=:]|\r?\n\r?\n)\s*["']?([A-Za-z ,]+)/gi)) found.push(match[1]!);
  return found;
}
