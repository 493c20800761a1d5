import { BODY_SIGNATURES, HEADER_SIGNATURES, type BodySignature, type HeaderSignature } from '../data/leak-signatures.js';

export const MAX_EXCERPT = 200;
/** Bounds on flattening a JSON body, so one odd response cannot make the scan slow. */
const MAX_JSON_DEPTH = 64;
const MAX_JSON_LINES = 5000;

export interface BodyLeak {
  signature: BodySignature;
  /** The line around the match, at most MAX_EXCERPT characters. */
  excerpt: string;
  /** Later signatures that matched inside this match or on the same line (the path in a stack frame, the host in a connection string). */
  alsoMatched: BodySignature[];
}

export interface HeaderLeak {
  signature: HeaderSignature;
  /** "Server: nginx/1.18.0", cut to MAX_EXCERPT. */
  excerpt: string;
}

/**
 * The text a person would read: a JSON body flattened to "key: value" lines with its strings
 * unescaped (a stack trace inside "error" becomes lines again), anything else with the common JSON
 * escapes undone (a body cut mid-JSON still reads as text).
 */
export function readableText(body: string): string {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const lines: string[] = [];
      flatten(JSON.parse(trimmed) as unknown, '', lines, 0);
      return lines.join('\n');
    } catch {
      // not complete JSON: fall through to the light unescape
    }
  }
  return body.replace(/\\(["\\/nrt])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

function flatten(value: unknown, key: string, lines: string[], depth: number): void {
  if (lines.length >= MAX_JSON_LINES) return;
  if (value !== null && typeof value === 'object') {
    if (depth >= MAX_JSON_DEPTH) return;
    if (key) lines.push(`${key}:`);
    for (const [childKey, child] of Object.entries(value)) flatten(child, Array.isArray(value) ? key : childKey, lines, depth + 1);
    return;
  }
  lines.push(key ? `${key}: ${String(value)}` : String(value));
}

/**
 * Every body signature that matches, each once, with the line it matched on. A match that overlaps
 * one found earlier, or quotes the same line (the library lists the more specific signatures
 * first), is the same leak seen again, so it is noted on that leak rather than reported twice.
 * `dataOnly`: the body is a successful answer (2xx), whose paths, hosts and queries are the API's
 * own data; only unmistakable signatures count there.
 */
export function scanBody(body: string, ignoreHosts: readonly string[] = [], options: { dataOnly?: boolean } = {}): BodyLeak[] {
  if (!body) return [];
  const text = readableText(body);
  const found: Array<BodyLeak & { start: number; end: number }> = [];
  for (const signature of BODY_SIGNATURES) {
    if (options.dataOnly && signature.mayBeData) continue;
    const match = firstMatch(signature, text, ignoreHosts);
    if (!match) continue;
    const start = match.index;
    const end = start + match[0].length;
    const excerpt = maskCredentials(excerptAround(text, start, end - start));
    const covering = found.find((leak) => (start < leak.end && leak.start < end) || leak.excerpt === excerpt);
    if (covering) covering.alsoMatched.push(signature);
    else found.push({ signature, excerpt, alsoMatched: [], start, end });
  }
  return found.map(({ signature, excerpt, alsoMatched }) => ({ signature, excerpt, alsoMatched }));
}

/** The first match that is not one of the target's own hosts (the target itself may be on 10.x or *.internal). */
function firstMatch(signature: BodySignature, text: string, ignoreHosts: readonly string[]): RegExpExecArray | undefined {
  if (!signature.host || ignoreHosts.length === 0) return signature.regex.exec(text) ?? undefined;
  const global = new RegExp(signature.regex.source, `${signature.regex.flags.replace('g', '')}g`);
  for (const match of text.matchAll(global)) {
    const host = match[0].replace(/:\d+$/, '').toLowerCase();
    if (!ignoreHosts.includes(host)) return match as RegExpExecArray;
  }
  return undefined;
}

/** Every header signature that matches the response's headers. */
export function scanHeaders(headers: Readonly<Record<string, string>> | undefined): HeaderLeak[] {
  if (!headers) return [];
  const leaks: HeaderLeak[] = [];
  for (const signature of HEADER_SIGNATURES) {
    const value = headers[signature.header];
    if (value !== undefined && signature.regex.test(value)) {
      leaks.push({ signature, excerpt: cut(`${displayHeaderName(signature.header)}: ${value}`) });
    }
  }
  return leaks;
}

/** The line holding the match, trimmed, cut to MAX_EXCERPT around the match when the line is long. */
export function excerptAround(text: string, index: number, length: number): string {
  const lineStart = text.lastIndexOf('\n', index) + 1;
  const newline = text.indexOf('\n', index + length);
  const lineEnd = newline === -1 ? text.length : newline;
  const line = text.slice(lineStart, lineEnd);
  const at = index - lineStart;
  if (line.trim().length <= MAX_EXCERPT) return line.trim();
  // Keep some context before the match, then as much of it and what follows as fits.
  const start = Math.max(0, Math.min(at - 40, line.length - MAX_EXCERPT));
  return cut(line.slice(start, start + MAX_EXCERPT + 1).trim());
}

/**
 * The target's own leaked secrets (a password in a connection string, a token in an env dump) must
 * not be printed again by the report: the excerpt keeps what kind of thing leaked, not its value.
 */
export function maskCredentials(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@"'<>]{1,100}:)[^\s@/"'<>]{1,200}@/gi, '$1***@')
    .replace(
      /(\b[\w-]{0,40}(?:secret|password|passwd|token|api_?key|access_?key|private_?key|dsn)[\w-]{0,40}["']?\s{0,5}[:=]\s{0,5}["']?)[^\s"',;}&]{1,300}/gi,
      '$1***',
    );
}

function cut(text: string): string {
  return text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT - 1)}…` : text;
}

function displayHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
