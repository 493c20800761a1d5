/**
 * The malformed-input corpus: what a careless or hostile client really sends. Every value here is
 * the client's fault, so the right answer is a 4xx; a 5xx or a hang means the input reached code
 * that did not expect it.
 *
 * None of these values may look like a leak signature (checks/data/leak-signatures.ts): a server
 * that echoes the input back ("invalid id: ..") must not be reported as leaking it. A test enforces it.
 */

/** A value as it goes on the wire (already percent-encoded where it has to be) and how to describe it. */
export interface WireValue {
  wire: string;
  /** How the report names it, e.g. "%zz (invalid percent-encoding)". */
  describe: string;
}

/** SQL metacharacters and path traversal, for path parameters and query values. */
export const INJECTION_VALUES: readonly WireValue[] = [
  { wire: "'", describe: "' (single quote)" },
  { wire: '%22', describe: '" (double quote)' },
  { wire: ';--', describe: ';-- (SQL comment)' },
  // Encoded slashes: raw "../" is resolved by the client's URL parser before it is sent.
  { wire: '..%2F..%2Fpreflight', describe: '../../ (path traversal, encoded slashes)' },
  { wire: '%00', describe: '%00 (NUL byte)' },
  { wire: '%zz', describe: '%zz (invalid percent-encoding)' },
];

/** Values that break a parameter that expects a number (page sizes, ids that are integers). */
export const NUMBER_BREAKERS: readonly WireValue[] = [
  { wire: 'abc', describe: 'abc (not a number)' },
  { wire: '1e400', describe: '1e400 (overflows a double)' },
];

/** Sent when an endpoint has no known query parameter: a query string the server's parser must survive. */
export const STRAY_QUERY_PARAM = 'preflight';
export const STRAY_QUERY_VALUES: readonly WireValue[] = INJECTION_VALUES.filter((value) => ["'", '%00', '%zz'].includes(value.wire));

/** Malformed header values; `auth` replaces the configured credential header with a broken one. */
export interface HeaderProbe {
  name: string;
  value: string;
  describe: string;
  /** Replaces the configured auth headers instead of adding to them. */
  replacesAuth?: boolean;
}

export const HEADER_PROBES: readonly HeaderProbe[] = [
  { name: 'Authorization', value: "Bearer ';--%zz", describe: 'a malformed bearer token', replacesAuth: true },
  { name: 'Range', value: 'bytes=abc-%zz', describe: 'an unparseable Range' },
  { name: 'If-Modified-Since', value: "';-- not a date", describe: 'an unparseable If-Modified-Since' },
  { name: 'If-None-Match', value: '"\';--', describe: 'an unterminated If-None-Match' },
  { name: 'Accept-Language', value: '..%2F..%2Fpreflight', describe: 'path traversal in Accept-Language' },
  { name: 'Cookie', value: "session=%zz; ';--", describe: 'a malformed Cookie' },
];

/**
 * A method token no server implements. It is not a state-changing method (the client lets it out
 * without allowWrites); the right answer is 405 with Allow, or 501.
 */
export const UNKNOWN_METHOD = 'PREFLIGHTPROBE';

/** Malformed request bodies: each has a content type and raw bytes. `reject` means a 2xx is wrong. */
export interface BodyProbe {
  describe: string;
  contentType: string;
  body: string | Uint8Array;
  /**
   * True when no correct server can accept it (not JSON at all, or not UTF-8). False for values of
   * the wrong type or range, which a lenient API may legitimately coerce or allow.
   */
  reject: boolean;
}

const DEEP_NESTING = 10_000;
const LONG_STRING = 10_000;
/** Carries 1e400 and -0 when the example body has no number to replace. */
const EXTRA_FIELD = 'preflight_number';

/** Bodies broken in ways that do not depend on the endpoint's fields. */
export function syntaxBodies(example: unknown): BodyProbe[] {
  const valid = JSON.stringify(example ?? {});
  return [
    {
      describe: 'truncated JSON',
      contentType: 'application/json',
      body: valid.slice(0, Math.max(1, Math.floor(valid.length / 2))),
      reject: true,
    },
    { describe: 'a non-JSON body sent as application/json', contentType: 'application/json', body: "sku=A1&qty=1';--", reject: true },
    { describe: 'valid JSON sent as text/plain', contentType: 'text/plain', body: valid, reject: true },
    { describe: 'invalid UTF-8 inside JSON', contentType: 'application/json', body: invalidUtf8Json(example), reject: true },
    {
      describe: `JSON nested ${DEEP_NESTING.toLocaleString('en-US')} levels deep`,
      contentType: 'application/json',
      body: '['.repeat(DEEP_NESTING) + ']'.repeat(DEEP_NESTING),
      reject: false,
    },
  ];
}

/**
 * Bodies broken in the endpoint's own text format (text/plain, text/calendar, Prometheus text,
 * CSV…): the configured body cut mid-record, with bytes that are not UTF-8, with NUL and control
 * bytes, with one 10,000-character line, and with a record line that cannot parse. JSON-shaped
 * probes go only to JSON endpoints: under a text Content-Type they test nothing but the parser's
 * first byte. A lenient text format may accept any of these, so none must be rejected.
 */
export function textBodies(text: string, contentType: string): BodyProbe[] {
  const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  const cut = Math.max(1, Math.floor(body.trimEnd().length / 2));
  return [
    { describe: 'the configured body cut mid-record', contentType, body: body.slice(0, cut), reject: false },
    {
      describe: 'the configured body with bytes that are not UTF-8',
      contentType,
      body: Buffer.concat([Buffer.from(body), Buffer.from([0xc3, 0x28, 0xff, 0x0a])]),
      reject: false,
    },
    {
      describe: 'the configured body with NUL and control bytes',
      contentType,
      body: `${body}\u0000\u0001\u001b[0m\u0000\n`,
      reject: false,
    },
    {
      describe: `the configured body with a ${LONG_STRING.toLocaleString('en-US')}-character line`,
      contentType,
      body: `${body}${'A'.repeat(LONG_STRING)}\n`,
      reject: false,
    },
    { describe: 'the configured body with a line that cannot parse', contentType, body: `${body}{{ ';-- = "\n`, reject: false },
  ];
}

/** Bodies with one field of the example changed: wrong type, null, overflowing or negative-zero numbers, very long strings. */
export function fieldBodies(example: unknown, maxFields = 10): BodyProbe[] {
  if (!isPlainObject(example)) return [];
  const probes: BodyProbe[] = [];
  for (const [field, value] of Object.entries(example).slice(0, maxFields)) {
    const variants: Array<[string, string]> = [[`${field}: null`, 'null']];
    if (typeof value === 'number') {
      variants.push(
        [`${field}: "${value}" (a string)`, JSON.stringify(String(value))],
        [`${field}: 1e400`, '1e400'],
        [`${field}: -0`, '-0'],
      );
    } else if (typeof value === 'string') {
      variants.push(
        [`${field}: 12345 (a number)`, '12345'],
        [`${field}: a ${LONG_STRING.toLocaleString('en-US')}-character string`, JSON.stringify('A'.repeat(LONG_STRING))],
      );
    } else if (typeof value === 'boolean') {
      variants.push([`${field}: "${value}" (a string)`, JSON.stringify(String(value))]);
    } else {
      variants.push([`${field}: "" (a string)`, '""']);
    }
    for (const [describe, raw] of variants) {
      probes.push({ describe, contentType: 'application/json', body: withRawField(example, field, raw), reject: false });
    }
  }
  // No numeric field to overflow: 1e400 and -0 still reach the parser, in a field of their own.
  if (!Object.values(example).some((value) => typeof value === 'number')) {
    for (const raw of ['1e400', '-0']) {
      probes.push({
        describe: `an extra field ${EXTRA_FIELD}: ${raw}`,
        contentType: 'application/json',
        body: withRawField(example, EXTRA_FIELD, raw),
        reject: false,
      });
    }
  }
  return probes;
}

/** The example body with one field's JSON text replaced by `raw` (1e400 and -0 cannot be written by JSON.stringify). */
function withRawField(example: Record<string, unknown>, field: string, raw: string): string {
  const marker = '\u0000preflight-raw\u0000';
  return JSON.stringify({ ...example, [field]: marker }).replace(JSON.stringify(marker), raw);
}

/** The example body with a string field (or an extra one) holding bytes that are not UTF-8. */
function invalidUtf8Json(example: unknown): Uint8Array {
  const base = isPlainObject(example) ? example : {};
  const field = Object.keys(base).find((key) => typeof base[key] === 'string') ?? 'preflight';
  const marker = 'PREFLIGHT_INVALID_UTF8';
  const [before, after] = JSON.stringify({ ...base, [field]: marker }).split(marker) as [string, string];
  // 0xC3 0x28 is a two-byte lead followed by a non-continuation byte; 0xFF never appears in UTF-8.
  return Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(after)]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
