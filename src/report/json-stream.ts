import { unicodeEscapes } from './escape.js';
import type { Report } from './types.js';

/** Below this depth (the report, its items, an item, its findings) a value is serialised whole. */
const STREAMED_DEPTH = 4;

/**
 * The JSON report as render(report, 'json') writes it (byte for byte), in pieces: a large report is
 * written to its file as it is serialised, never held whole as one string (issue 27).
 */
export function* jsonReportChunks(report: Report): Generator<string> {
  for (const piece of pretty(report, '', 0)) yield unicodeEscapes(piece);
  yield '\n';
}

/** JSON.stringify(value, null, 2) of plain data, in pieces, for a value at `indent`. */
function* pretty(value: unknown, indent: string, depth: number): Generator<string> {
  if (
    depth >= STREAMED_DEPTH ||
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    const text = JSON.stringify(value, null, 2) ?? 'null';
    yield indent ? text.replaceAll('\n', `\n${indent}`) : text;
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return void (yield '[]');
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      yield inner;
      yield* pretty(omitted(value[i]) ? null : value[i], inner, depth + 1);
      yield i < value.length - 1 ? ',\n' : '\n';
    }
    yield `${indent}]`;
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => !omitted(v));
  if (entries.length === 0) return void (yield '{}');
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, v] = entries[i]!;
    yield `${inner}${JSON.stringify(key)}: `;
    yield* pretty(v, inner, depth + 1);
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield `${indent}}`;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
