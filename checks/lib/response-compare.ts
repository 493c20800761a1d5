import type { ProbeResponse } from '../api.js';

/**
 * "Is this the same answer as that one?" for black-box probes: the shape of a response (status,
 * media type, size), and a field-by-field comparison of JSON bodies that ignores what changes on
 * every call anyway (timestamps, request ids).
 */

export interface Shape {
  status: number;
  mediaType: string;
  /** Body length after removing the echoed path, so "Cannot GET /x" and "Cannot GET /xyz" match. */
  length: number;
}

export function shapeOf(response: ProbeResponse, echoed: readonly string[] = []): Shape {
  let text = response.text();
  for (const word of echoed) if (word) text = text.split(word).join('');
  return {
    status: response.status,
    mediaType: (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
    length: text.length,
  };
}

/**
 * The same kind of answer: same status and media type, and a size within 10% (or 32 bytes), which
 * absorbs a request id or timestamp in the body. Used to tell a real route from the catch-all that
 * answers every unknown path (a soft 404, or a default-deny 401).
 */
export function sameShape(a: Shape, b: Shape): boolean {
  return (
    a.status === b.status &&
    a.mediaType === b.mediaType &&
    Math.abs(a.length - b.length) <= Math.max(32, 0.1 * Math.max(a.length, b.length))
  );
}

const MAX_FIELDS = 50_000;

/** A JSON value as "path → value" leaves: { data: [{ id: 1 }] } → data[0].id → "1". Bounded. */
export function flatten(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (node: unknown, path: string): void => {
    if (out.size >= MAX_FIELDS) return;
    if (Array.isArray(node)) {
      out.set(`${path}.length`, String(node.length));
      for (const [index, item] of node.entries()) walk(item, `${path}[${index}]`);
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      if (!entries.length) out.set(path || '(root)', '{}');
      for (const [key, child] of entries) walk(child, path ? `${path}.${key}` : key);
    } else {
      out.set(path || '(root)', JSON.stringify(node));
    }
  };
  walk(value, '');
  return out;
}

/** The fields that differ between two calls that should be the same: they change on their own. */
export function volatileFields(a: Map<string, string>, b: Map<string, string>): Set<string> {
  const out = new Set<string>();
  for (const key of new Set([...a.keys(), ...b.keys()])) if (a.get(key) !== b.get(key)) out.add(key);
  return out;
}

export interface Difference {
  field: string;
  before?: string;
  after?: string;
  /** How many stable fields differ in all. */
  count: number;
}

/** The first stable field that differs between a baseline and another answer, if any. */
export function difference(baseline: Map<string, string>, other: Map<string, string>, ignore: ReadonlySet<string>): Difference | undefined {
  let first: Difference | undefined;
  let count = 0;
  for (const key of new Set([...baseline.keys(), ...other.keys()])) {
    if (ignore.has(key) || baseline.get(key) === other.get(key)) continue;
    count++;
    if (!first) {
      const before = baseline.get(key);
      const after = other.get(key);
      first = { field: key, count: 0, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
    }
  }
  return first ? { ...first, count } : undefined;
}

/** "data.length was 2500, now 0 (and 12 other fields)": for one-line messages; values are cut short. */
export function describeDifference(diff: Difference): string {
  const cut = (value: string | undefined): string =>
    value === undefined ? 'absent' : value.length > 40 ? `${value.slice(0, 37)}...` : value;
  const more = diff.count > 1 ? ` (and ${diff.count - 1} other field${diff.count > 2 ? 's' : ''})` : '';
  return `${diff.field} was ${cut(diff.before)}, now ${cut(diff.after)}${more}`;
}

/** The top-level keys of a JSON object, sorted, or undefined for anything else. */
export function topLevelKeys(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).sort().join(',') : undefined;
}
