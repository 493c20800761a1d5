// The shapes a configured secret takes on the wire and in what a target echoes back. The client
// itself writes secrets form-encoded (URLSearchParams: '+' for spaces, %7E for '~'), percent-encoded
// in paths, base64 inside Basic auth; a target may echo them upper-cased, hex-encoded, as HTML
// entities, JSON-escaped ("\/", "\u0041") or split over lines. One pattern per secret matches
// all of these, so no format of the report can show a readable copy.

/** Secrets shorter than this are matched only literally: fuzzy matching a short value blanks out words. */
export const FUZZY_MIN_LENGTH = 8;

const NAMED_ENTITIES: Record<string, string[]> = {
  '&': ['amp'],
  '<': ['lt'],
  '>': ['gt'],
  '"': ['quot'],
  "'": ['apos'],
  '/': ['sol'],
  ' ': ['nbsp'],
};

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Every way one character of a secret may be written: itself, %HH, HTML entity, JSON \u escape. */
function charPattern(ch: string): string {
  const code = ch.codePointAt(0)!;
  const alternatives = [escapeRegex(ch)];
  alternatives.push([...Buffer.from(ch)].map((b) => `%${hex(b, 2)}`).join(''));
  alternatives.push(`&#(?:0*${code}|x0*${hex(code, 1)});`);
  for (const name of NAMED_ENTITIES[ch] ?? []) alternatives.push(`&${name};`);
  if (code <= 0xffff) alternatives.push(`\\\\u${hex(code, 4)}`);
  if (ch === ' ') alternatives.push('\\+');
  if (ch === '/') alternatives.push('\\\\/');
  return `(?:${alternatives.join('|')})`;
}

// Between two characters: a line break (raw or JSON-escaped) with its indentation, as when a body
// wraps a long value; 8 characters at most, so unrelated words far apart never match. (One simple
// class, not overlapping alternatives: those made V8 interpret the pattern, 1 ms a call.)
const SPLIT = String.raw`(?:[\s>]|\\[rn]){0,8}`;

/** A case-insensitive pattern source for one secret in every echoed form listed above, or its hex. */
export function fuzzyPattern(secret: string): string {
  const chars = [...secret].map(charPattern).join(SPLIT);
  const hexForm = Buffer.from(secret).toString('hex');
  return `${chars}|${hexForm}`;
}

/** The exact forms the client produces itself (matched literally, and cut-off starts of them too). */
export function wireForms(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    encodeURI(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
  ]);
  for (const form of [...forms]) forms.add(form.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(Buffer.from(secret).toString('base64'));
  forms.add(Buffer.from(secret).toString('base64url'));
  // A Basic credential's base64 decodes to user:password: that is the secret too.
  const decoded = basicCredential(secret);
  if (decoded) forms.add(decoded);
  return [...forms];
}

function basicCredential(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]{6,}={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  return /^[\x21-\x7e][\x20-\x7e]*:[\x20-\x7e]+$/.test(text) ? text : undefined;
}
