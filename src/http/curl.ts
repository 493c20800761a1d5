import type { Secret } from '../types.js';
import { REDACTED } from './redact.js';
import type { BodyPart } from './streamed-body.js';

export interface CurlInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  /**
   * The body as text when small enough to inline; a generated body by its parts (the line makes the
   * same bytes in the shell); otherwise a description of it.
   */
  body?: { inline: string } | { parts: readonly BodyPart[]; describe: string } | { describe: string };
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

/**
 * A header whose whole value (or the token after "Bearer ") is a short secret from an env var: too
 * short to search for in text, but here it is known to be the credential, so the line says "${VAR}".
 */
function headerWord(name: string, value: string, secrets: readonly Secret[]): string {
  for (const secret of secrets) {
    if (!secret.envVar || secret.value.length >= 4 || !secret.value) continue;
    const scheme = /^([A-Za-z][\w-]*) (\S+)$/.exec(value);
    const head = value === secret.value ? '' : scheme?.[2] === secret.value ? `${scheme[1]} ` : undefined;
    if (head === undefined) continue;
    return `${shellWord(`${name}: ${head}`, secrets)}"\${${secret.envVar}}"`;
  }
  return shellWord(`${name}: ${value}`, secrets);
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

/** A repeated unit with a line break cannot go through `yes`; such bodies keep their description. */
function generable(parts: readonly BodyPart[]): boolean {
  return parts.every((part) => typeof part === 'string' || (part.repeat.length > 0 && !part.repeat.includes('\n')));
}

/** A shell command (bash process substitution) that prints one part of a generated body. */
function partCommand(part: BodyPart, secrets: readonly Secret[]): string {
  if (typeof part === 'string') return `printf %s ${shellWord(part, secrets) || "''"}`;
  if (/^[A-Za-z0-9]$/.test(part.repeat)) return `head -c ${part.times} /dev/zero | tr '\\0' ${part.repeat}`;
  return `yes -- ${shellWord(part.repeat, secrets)} | head -n ${part.times} | tr -d '\\n'`;
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
    parts.push('-H', headerWord(name, value, secrets));
  }
  if (input.body && 'inline' in input.body) parts.push('--data-binary', shellWord(input.body.inline, secrets));
  else if (input.body && 'parts' in input.body && generable(input.body.parts))
    parts.push('--data-binary', `@<(${input.body.parts.map((part) => partCommand(part, secrets)).join('; ')})`);
  else if (input.body) parts.push('--data-binary', `@body.bin  # ${input.body.describe}`);
  return parts.join(' ');
}
