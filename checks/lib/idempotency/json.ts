/** Small JSON helpers for comparing a response with its replay. */

import { getProperty } from 'dot-prop';
import { isObject } from '../../api.js';

type Json = unknown;

/** The value at a dot path of a JSON object, or undefined (dot-prop alone would hand back a non-object as is). */
export function fieldAt(value: Json, path: string): Json {
  return isObject(value) ? (getProperty(value, path) as Json) : undefined;
}

/**
 * A copy without the listed fields: a bare name ("created_at") is removed at any depth, a dot path
 * ("meta.request_id") only there. These are the fields a replay may legitimately change.
 */
export function withoutFields(value: Json, fields: readonly string[]): Json {
  const bare = new Set(fields.filter((f) => !f.includes('.')));
  const paths = fields.filter((f) => f.includes('.')).map((f) => f.split('.'));
  const strip = (node: Json, at: string[]): Json => {
    if (Array.isArray(node)) return node.map((item) => strip(item, at));
    if (!isObject(node)) return node;
    const out: Record<string, Json> = {};
    for (const [key, child] of Object.entries(node)) {
      const here = [...at, key];
      if (bare.has(key) || paths.some((p) => p.length === here.length && p.every((part, i) => part === here[i]))) continue;
      out[key] = strip(child, here);
    }
    return out;
  };
  return strip(value, []);
}

/** Where two JSON values first differ: a dot path ("" for the root) with both values, or undefined when equal. */
export function firstDifference(a: Json, b: Json, path = ''): { path: string; a: Json; b: Json } | undefined {
  if (Object.is(a, b)) return undefined;
  const here = { path: path || '(the whole body)', a, b };
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return { path: `${path || '(the whole body)'} (length)`, a: a.length, b: b.length };
    for (let i = 0; i < a.length; i++) {
      const diff = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (diff) return diff;
    }
    return undefined;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const diff = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (diff) return diff;
    }
    return undefined;
  }
  return here;
}

/**
 * The example body with one field changed, for "same key, different body": a number goes up by one
 * (the change least likely to fail validation), else a boolean flips, else a string gets "-2".
 */
export function variedBody(body: Json): { body: Record<string, Json>; field: string; value: Json } | undefined {
  if (!isObject(body)) return undefined;
  const entries = Object.entries(body);
  const pick =
    entries.find(([, v]) => typeof v === 'number') ??
    entries.find(([, v]) => typeof v === 'boolean') ??
    entries.find(([, v]) => typeof v === 'string');
  if (!pick) return undefined;
  const [field, old] = pick;
  const value = typeof old === 'number' ? old + 1 : typeof old === 'boolean' ? !old : `${String(old)}-2`;
  return { body: { ...body, [field]: value }, field, value };
}

/** True when every scalar top-level field of `body` has the same value in `item` (a list item that looks like what was sent). */
export function matchesBody(item: Json, body: Json): boolean {
  if (!isObject(body)) return true;
  if (!isObject(item)) return false;
  return Object.entries(body)
    .filter(([, v]) => v === null || typeof v !== 'object')
    .every(([key, v]) => Object.is(item[key], v));
}

/** A short, one-line rendering of a JSON value for messages. */
export function brief(value: Json): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
