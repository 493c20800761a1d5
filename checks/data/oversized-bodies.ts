import { isObject, streamedBody, type BodyPart, type RequestBody } from '../api.js';
import { grownTextBody, type BodyFormat } from '../lib/body-format.js';

export const BIG_BODY_BYTES = 10 * 1024 * 1024;
export const ARRAY_LENGTH = 100_000;
export const NESTING_DEPTH = 10_000;

export interface OversizedBody {
  /** Names the probe in a finding's key: size, array, depth. */
  key: 'size' | 'array' | 'depth';
  /** "a 10 MiB JSON body", for messages: what was really sent. */
  what: string;
  /** What to change when it is not refused. */
  fix: string;
  body: RequestBody;
}

/** Stands in for the generated part while the rest of the body is laid out by JSON.stringify. */
const SLOT = 'preflight-slot-9f3c1e';

/** The JSON text of `value` around one slot, so a generated run can be streamed between the halves. */
function around(value: unknown): [string, string] {
  const [before, after] = JSON.stringify(value).split(JSON.stringify(SLOT));
  return [before ?? '', after ?? ''];
}

/**
 * The bodies a write endpoint must refuse, built on its example body so that they get past routing
 * and content-type checks: each is generated while it is sent, never held whole. A JSON endpoint gets
 * three (size, array length, nesting depth); an endpoint that speaks a text format gets its own
 * configured body grown to 10 MiB, since arrays and nesting mean nothing to its parser.
 */
export function oversizedBodies(example: unknown, format?: BodyFormat): OversizedBody[] {
  if (format && !format.json) return [bigTextBody(format)];
  const base = isObject(example) ? example : {};
  return [bigBody(base), longArray(example, base), deepNesting()];
}

/** The configured text body's records repeated to 10 MiB: the size a client could really send in this format. */
function bigTextBody(format: BodyFormat): OversizedBody {
  const grown = grownTextBody(format, BIG_BODY_BYTES);
  return {
    key: 'size',
    what: `a 10 MiB ${format.mediaType} body (${grown.what})`,
    fix: 'cap request bodies (e.g. 1 MiB) where they enter and answer 413 Payload Too Large',
    body: grown.body,
  };
}

/** The example body plus one padding string, exactly 10 MiB of valid JSON. */
function bigBody(base: Record<string, unknown>): OversizedBody {
  const [before, after] = around({ ...base, preflight_padding: SLOT });
  const padding = BIG_BODY_BYTES - Buffer.byteLength(before) - Buffer.byteLength(after) - 2;
  return {
    key: 'size',
    what: 'a 10 MiB JSON body',
    fix: 'cap request bodies (e.g. 1 MiB) where they enter and answer 413 Payload Too Large',
    body: streamedBody([before, '"', { repeat: 'a', times: padding }, '"', after], `10 MiB of JSON: ${before}"aaaa…"${after}`),
  };
}

/**
 * 100,000 elements: in the example's own array field when it has one (order lines, tags), else a
 * top-level array of 100,000 copies of the example (a bulk request nobody capped).
 */
function longArray(example: unknown, base: Record<string, unknown>): OversizedBody {
  const field = Object.keys(base).find((key) => Array.isArray(base[key]));
  const element = JSON.stringify(field ? ((base[field] as unknown[])[0] ?? 0) : (example ?? {}));
  const [before, after] = field ? around({ ...base, [field]: SLOT }) : ['', ''];
  const parts: BodyPart[] = [before, '[', { repeat: `${element},`, times: ARRAY_LENGTH - 1 }, element, ']', after];
  const where = field ? `"${field}" array` : 'top-level array';
  return {
    key: 'array',
    what: `a JSON ${where} of 100,000 elements`,
    fix: 'cap array lengths in the request schema (e.g. maxItems: 1000) and the body size, and answer 400/422',
    body: streamedBody(parts, `a ${where} of ${ARRAY_LENGTH} × ${element}`),
  };
}

/** [[[…]]] 10,000 deep: tiny, but a recursive parser or validator overflows its stack on it. */
function deepNesting(): OversizedBody {
  return {
    key: 'depth',
    what: 'JSON nested 10,000 deep',
    fix: 'cap JSON nesting depth (e.g. 32 levels) before parsing or validating, and answer 400',
    body: streamedBody(
      [
        { repeat: '[', times: NESTING_DEPTH },
        { repeat: ']', times: NESTING_DEPTH },
      ],
      `${NESTING_DEPTH} nested JSON arrays: [[[…]]]`,
    ),
  };
}
