import { isObject, RECORDED_BODY_BYTES, type RecordedResponse } from '../api.js';

/**
 * The recorded text is the whole body: not cut at maxResponseBytes (or a probe's own cap), nor at
 * the share of each body the run keeps. A cut body is not compared as if whole: a cut JSON body
 * would read as plain text, a second "shape" the server never sent.
 */
export function isWholeBody(record: RecordedResponse): boolean {
  return !record.exchange.truncated && (record.exchange.responseBytes ?? 0) <= RECORDED_BODY_BYTES;
}

/**
 * What an error response looks like to a client: its shape (so a client can parse every error the
 * same way) and whether it carries a machine-readable code (so a client can branch on it without
 * matching English sentences).
 */
export type ShapeFamily =
  | 'problem+json'
  | 'error-object'
  | 'error-string'
  | 'errors-array'
  | 'message-only'
  | 'other-json'
  | 'html'
  | 'text';

export interface ErrorBody {
  /** Two bodies are the same shape when their keys are equal. */
  key: string;
  family: ShapeFamily;
  /** How a report names the shape, e.g. {"error":{"code","message"}}. */
  display: string;
  /** False for HTML and plain text. */
  json: boolean;
  hasCode: boolean;
}

/** Field names that hold an error code a program can branch on. */
const CODE_FIELDS = ['code', 'error_code', 'errorCode', 'type', 'error_type', 'errorType'];

/**
 * A code-like string (not_found, INVALID_LIMIT, orders.not-found): what OAuth-style {"error": "invalid_grant"}
 * carries. A reason phrase such as "Not Found" is not one: it is English, and only repeats the status.
 */
const CODE_LIKE = /^(?:[a-z][a-z0-9]*(?:[_.:-][a-z0-9]+)*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)$/;

/** Classifies a non-empty error body. */
export function classifyErrorBody(contentType: string | undefined, body: string): ErrorBody {
  const type = (contentType ?? '').toLowerCase();
  const parsed = parseJson(body);
  if (parsed === undefined) {
    const html = type.includes('html') || /^\s*</.test(body);
    return html
      ? { key: 'html', family: 'html', display: 'an HTML page', json: false, hasCode: false }
      : { key: 'text', family: 'text', display: `plain text (${type.split(';')[0] || 'no content type'})`, json: false, hasCode: false };
  }
  if (!isObject(parsed))
    return {
      key: 'json-non-object',
      family: 'other-json',
      display: `a bare JSON ${Array.isArray(parsed) ? 'array' : typeof parsed}`,
      json: true,
      hasCode: false,
    };

  const keys = Object.keys(parsed);
  const error = parsed.error;
  if (type.includes('problem+json') || ('title' in parsed && ('status' in parsed || 'detail' in parsed || 'type' in parsed))) {
    const typeField = parsed.type;
    const hasCode = (isCode(typeField) && typeField !== 'about:blank') || hasCodeField(parsed, ['code', 'error_code', 'errorCode']);
    return { key: 'problem+json', family: 'problem+json', display: 'application/problem+json (RFC 9457)', json: true, hasCode };
  }
  if (isObject(error)) {
    return {
      key: 'error-object',
      family: 'error-object',
      display: `{"error":{${quoted(Object.keys(error))}}}`,
      json: true,
      hasCode: hasCodeField(error, CODE_FIELDS),
    };
  }
  if (typeof error === 'string') {
    const hasCode = hasCodeField(parsed, CODE_FIELDS) || CODE_LIKE.test(error);
    return { key: 'error-string', family: 'error-string', display: `{${quoted(keys)}} with "error" a string`, json: true, hasCode };
  }
  const errors = parsed.errors;
  if (Array.isArray(errors) || isObject(errors)) {
    const first: unknown = Array.isArray(errors) ? errors[0] : errors;
    const hasCode = hasCodeField(parsed, CODE_FIELDS) || (isObject(first) && hasCodeField(first, CODE_FIELDS));
    return { key: 'errors-array', family: 'errors-array', display: '{"errors":[…]}', json: true, hasCode };
  }
  if (
    typeof parsed.message === 'string' &&
    !keys.some(
      (k) => k !== 'message' && !CODE_FIELDS.includes(k) && !/^(status(Code)?|request_?id|requestId|trace_?id|timestamp|path)$/i.test(k),
    )
  ) {
    return {
      key: 'message-only',
      family: 'message-only',
      display: `{${quoted(keys)}}`,
      json: true,
      hasCode: hasCodeField(parsed, CODE_FIELDS),
    };
  }
  const sorted = [...keys].sort();
  return {
    key: `other-json:${sorted.join(',')}`,
    family: 'other-json',
    display: `{${quoted(sorted)}}`,
    json: true,
    hasCode: hasCodeField(parsed, CODE_FIELDS),
  };
}

function parseJson(body: string): unknown {
  const trimmed = body.trim();
  if (!/^[[{"]/.test(trimmed)) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

function hasCodeField(object: Record<string, unknown>, fields: readonly string[]): boolean {
  return fields.some((field) => isCode(object[field]));
}

function isCode(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value));
}

function quoted(keys: readonly string[]): string {
  const shown = keys.slice(0, 6).map((key) => JSON.stringify(key));
  return keys.length > 6 ? `${shown.join(',')},…` : shown.join(',');
}
