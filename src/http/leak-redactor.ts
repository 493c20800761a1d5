import { Redactor } from './redact.js';
import { findSecrets, MAX_SCAN_CHARS, maskSecrets, secretHeaderValue, type SecretHit } from './secret-scan.js';
import type { LeakedSecret } from './types.js';

/**
 * The client's redactor: configured secrets become *** (Redactor), then whatever still looks like a
 * credential is masked with its kind (secret-scan). Every string the client records passes through
 * text(), so every report format, the job summary and --verbose inherit both.
 */
export class LeakMaskingRedactor extends Redactor {
  /** Bounded like a recorded body: what is past MAX_SCAN_CHARS is cut, saying so, never printed unscanned. */
  override text(input: string): string {
    const bounded =
      input.length > MAX_SCAN_CHARS
        ? `${input.slice(0, MAX_SCAN_CHARS)}…(${input.length - MAX_SCAN_CHARS} more characters not shown)`
        : input;
    return maskSecrets(super.text(bounded));
  }

  /** text() (masked), the text with configured secrets redacted only (redacted), and what was masked. */
  scan(input: string): { text: string; redacted: string; hits: SecretHit[] } {
    const redacted = super.text(input);
    const hits = findSecrets(redacted);
    return { text: hits.length ? maskSecrets(redacted, hits) : redacted, redacted, hits };
  }

  override responseHeaders(headers: Record<string, string>): Record<string, string> {
    const out = super.responseHeaders(headers);
    for (const [name, value] of Object.entries(out)) {
      const whole = secretHeaderValue(name, value);
      if (whole) out[name] = whole.masked;
    }
    return out;
  }

  /** The credentials in a response's headers (raw values in, descriptions out). */
  headerLeaks(headers: Record<string, string>): LeakedSecret[] {
    return Object.entries(headers).flatMap(([name, value]) => {
      const redacted = super.text(value);
      const whole = secretHeaderValue(name, redacted);
      return (whole ? [whole] : findSecrets(redacted)).map((h) => leak(h, `header ${name}`));
    });
  }
}

export function leak(hit: SecretHit, where: string): LeakedSecret {
  return { kind: hit.kind, length: hit.length, masked: hit.masked, where };
}

/** The first `max` characters of masked text, never ending inside a mask (a mask is kept whole). */
export function cutOutsideMasks(text: string, max: number): string {
  if (text.length <= max) return text;
  const open = text.lastIndexOf('[', max);
  const close = open >= 0 ? text.indexOf(']', open) : -1;
  if (open < 0 || close < max || !MASK.test(text.slice(open, close + 1))) return text.slice(0, max);
  // Whole when it fits the excerpt's slack (the report schema allows 2100 characters), else left out.
  const end = close + 1 <= max + 48 ? close + 1 : open;
  return text.slice(0, end);
}

const MASK = /^\[[^[\]]{1,80}, \d+ chars(?:, [^[\]]{0,8}…)?\]$/;
