// Which request headers a config or a spec may set. A spec can be served by the target itself, so its
// header parameters are untrusted: `Host` would send the run's credentials to another site behind a
// shared ingress, framing headers (Content-Length, Transfer-Encoding) desynchronise the connection,
// and a control character makes undici refuse the request after it has taken a connection slot.

/** Headers the HTTP client owns: the connection, the framing and the routing. Never taken from config or spec. */
const FORBIDDEN = new Set([
  'host',
  'connection',
  'transfer-encoding',
  'content-length',
  'te',
  'trailer',
  'upgrade',
  'keep-alive',
  'expect',
  'http2-settings',
]);

/** RFC 9110 §5.6.2 token: the only characters a field name may have. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5 field-value characters: visible ASCII, obs-text, space and tab; nothing else (no CR, LF, NUL). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Why a header must not be sent, or undefined when it may be. Plain words, for a warning line. */
export function headerProblem(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) return 'the name is not a valid HTTP header name (RFC 9110 token)';
  const lower = name.toLowerCase();
  if (FORBIDDEN.has(lower) || lower.startsWith('proxy-')) return `${name} is set by the HTTP client, never from the config or a spec`;
  if (!FIELD_VALUE.test(value))
    return 'the value has a character HTTP does not allow (a control character, a line break, or text outside Latin-1)';
  return undefined;
}

/** Only the name's problem (for a request the client builds itself, where the tool may set framing headers). */
export function invalidHeader(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) return `header name ${JSON.stringify(name)} is not a valid HTTP header name`;
  if (!FIELD_VALUE.test(value)) return `header ${name} has a value with a character HTTP does not allow`;
  return undefined;
}

/** The headers that may be sent, and one line for each that may not (name shown escaped). */
export function splitHeaders(headers: Record<string, string>): { kept: Record<string, string>; ignored: string[] } {
  const kept: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const problem = headerProblem(name, String(value));
    if (problem) ignored.push(`header ${JSON.stringify(name)} ignored: ${problem}`);
    else kept[name] = value;
  }
  return { kept, ignored };
}
