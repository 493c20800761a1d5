import type { Secret } from '../types.js';
import { FUZZY_MIN_LENGTH, fuzzyPattern, wireForms } from './secret-forms.js';

export const REDACTED = '***';

// Secrets shorter than this are not searched for in text: a 2-character value would blank out
// unrelated numbers and words all over a report. Config validation refuses such short credentials.
const MIN_SECRET_LENGTH = 4;

/**
 * A probe may cut a body or an excerpt in the middle of a secret ("canary-ten…"): the start of a
 * secret is as bad to print as all of it. A run of at least half a secret (8 characters or more)
 * that matches its beginning and stops where text was cut is replaced too.
 */
const CUT_MARKS = new Set(['…', "'", '"', '\\']);

function redactPrefixes(text: string, secret: string): string {
  const min = Math.max(8, Math.ceil(secret.length / 2));
  if (secret.length < min) return text;
  const head = secret.slice(0, min);
  let from = text.indexOf(head);
  if (from < 0) return text;
  let out = '';
  let last = 0;
  while (from >= 0) {
    let end = from + min;
    while (end < text.length && end - from < secret.length && text[end] === secret[end - from]) end++;
    // Whole, or visibly cut off (end of text, an ellipsis, a closing quote): a secret-like start
    // followed by ordinary text ("default-deny, so") is a word that happens to begin the same way.
    if (end - from === secret.length || end === text.length || CUT_MARKS.has(text[end]!)) {
      out += `${text.slice(last, from)}${REDACTED}`;
      last = end;
    }
    from = text.indexOf(head, end);
  }
  return out + text.slice(last);
}

/** Response headers whose values are credentials whatever the config says. */
const SENSITIVE_RESPONSE_HEADERS = new Set(['set-cookie', 'authorization', 'proxy-authorization', 'x-api-key']);

/**
 * Replaces every configured secret with ***. Also catches the forms a secret takes on the wire
 * (URL-encoded, base64 inside Basic auth), since a secret can leak back in an echoed URL or header.
 */
export class Redactor {
  private readonly patterns: string[];
  /** Every secret of 8+ characters in its echoed forms (case, entities, escapes, line breaks, hex). */
  private readonly fuzzy: RegExp | undefined;

  constructor(secrets: readonly Secret[]) {
    const forms = new Set<string>();
    const fuzzy: string[] = [];
    for (const { value } of secrets) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      for (const form of wireForms(value)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
      if (value.length >= FUZZY_MIN_LENGTH) fuzzy.push(value);
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.patterns = [...forms].sort((a, b) => b.length - a.length);
    fuzzy.sort((a, b) => b.length - a.length);
    this.fuzzy = fuzzy.length ? new RegExp(fuzzy.map(fuzzyPattern).join('|'), 'gi') : undefined;
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.patterns) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    if (this.fuzzy) out = out.replace(this.fuzzy, REDACTED);
    for (const secret of this.patterns) out = redactPrefixes(out, secret);
    return out;
  }

  requestHeaders(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) out[name] = this.text(value);
    return out;
  }

  responseHeaders(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = SENSITIVE_RESPONSE_HEADERS.has(name.toLowerCase()) ? REDACTED : this.text(value);
    }
    return out;
  }
}

/** A copy of a JSON value with every string in it passed through `redact` (keys, numbers and order kept). */
export function redactStrings<T>(value: T, redact: (text: string) => string): T {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? redact(item) : item))) as T;
}
