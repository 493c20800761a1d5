import type { Secret } from '../types.js';
import { REDACTED } from './redact.js';

export interface CurlInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body as text when small enough to inline; otherwise a description of it. */
  body?: { inline: string } | { describe: string };
  rawPath: boolean;
}

const INLINE_BODY_LIMIT = 2048;
/** Headers curl sets itself or that only add noise to a line meant for a human to paste. */
const OMITTED_HEADERS = new Set(['content-length', 'accept-encoding', 'user-agent', 'accept', 'host']);
export function inlineBodyLimit(): number {
  return INLINE_BODY_LIMIT;
}

/** A single-quoted shell word; secrets become "$VAR" references (or ***) so the line is safe to print. */
function shellWord(value: string, secrets: readonly Secret[]): string {
  const quoted = `'${value.replace(/'/g, `'\\''`)}'`;
  let out = quoted;
  for (const secret of secrets) {
    if (secret.value.length < 4 || !out.includes(secret.value)) continue;
    // Close the single quotes, insert a double-quoted variable reference, reopen.
    const replacement = secret.envVar ? `'"\${${secret.envVar}}"'` : REDACTED;
    out = out.split(secret.value).join(replacement);
  }
  return regenerateRuns(out).replace(/^''/, '').replace(/''$/, '');
}

/** Runs of one character this long (size probes' padding) are written as a count. */
const RUN = /([A-Za-z0-9])\1{1023,}/g;

/** "aaaa…" (64 KiB of it) → "<65536 × a>", for records a person reads. */
export function compactRuns(text: string): string {
  return text.replace(RUN, (run, char: string) => `<${run.length} × ${char}>`);
}

/** Inside a single-quoted shell word, a long run becomes a command that prints it, so the line stays short and exact. */
function regenerateRuns(word: string): string {
  return word.replace(RUN, (run, char: string) => `'"$(head -c ${run.length} /dev/zero | tr '\\0' ${char})"'`);
}

/** A copy-paste curl line that reproduces the exchange, with no secret in it. */
export function toCurl(input: CurlInput, secrets: readonly Secret[]): string {
  const parts = ['curl', '-sS', '-i'];
  if (input.rawPath) parts.push('--path-as-is');
  if (input.method === 'HEAD') parts.push('-I');
  else if (input.method !== 'GET' || input.body) parts.push('-X', shellWord(input.method, secrets));
  parts.push(shellWord(input.url, secrets));
  for (const [name, value] of Object.entries(input.headers)) {
    if (OMITTED_HEADERS.has(name.toLowerCase())) continue;
    parts.push('-H', shellWord(`${name}: ${value}`, secrets));
  }
  if (input.body && 'inline' in input.body) parts.push('--data-binary', shellWord(input.body.inline, secrets));
  else if (input.body) parts.push('--data-binary', `@body.bin  # ${input.body.describe}`);
  return parts.join(' ');
}
