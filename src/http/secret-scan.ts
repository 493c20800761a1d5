// Credentials the target leaks (or mints for the audit's own writes) in what it answers. The HTTP
// client masks them wherever it records text, like configured secrets, so no report format, job
// summary or --verbose line can carry one; checks read the hits to report the leak itself.
import { FIELD_VALUE, isSecretFieldValue, SECRET_NAME_WORD, SECRET_PATTERNS } from './secret-patterns.js';

/** One credential-shaped value found in a text. The value itself is never kept. */
export interface SecretHit {
  /** What it is: "AWS secret key", "JWT", "password in URL", "client_secret field". */
  kind: string;
  /** Where it stands in the scanned text (UTF-16 offsets, end exclusive). */
  start: number;
  end: number;
  /** Its length in characters. */
  length: number;
  /** What replaces it in every record: "[AWS secret key, 40 chars, wJal…]". */
  masked: string;
}

/**
 * Every pattern's literal pieces, found in one pass: a pattern none of whose pieces is in the text is
 * not run at all (68 separate includes() calls cost more than all the patterns on a plain body).
 */
const NEEDED_PIECES = new RegExp(
  [...new Set(SECRET_PATTERNS.flatMap((spec) => spec.needs ?? []))]
    .sort((a, b) => b.length - a.length)
    .map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'g',
);

/** Longer texts are scanned in their first part only: the client records no more than this anyway. */
export const MAX_SCAN_CHARS = 1024 * 1024;
/**
 * Hits kept per text: a body made of nothing but credential shapes ("pwd=pwd=…", a wall of AKIA keys)
 * costs the same as one with a few; past this many the text is a finding already.
 */
export const MAX_HITS_PER_TEXT = 256;

/**
 * Every credential-shaped value in text, left to right, none overlapping. Where two shapes claim the
 * same characters, the more specific one (a vendor prefix, a PEM block) wins over a field name.
 */
export function findSecrets(text: string): SecretHit[] {
  if (text.length < 8) return [];
  const input = text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
  const found: SecretHit[] = [];
  const present = piecesIn(input);
  for (const spec of SECRET_PATTERNS) {
    if (spec.needs && !holdsAny(present, spec.needs)) continue;
    for (const match of input.matchAll(spec.pattern)) {
      const value = spec.group ? match[spec.group] : match[0];
      if (!value || (spec.accept && !spec.accept(value))) continue;
      const start = match.index + (spec.group ? match[0].indexOf(value) : 0);
      found.push(hit(spec.kind, start, value, spec.noPrefix === true));
      if (found.length >= MAX_HITS_PER_TEXT) return withoutOverlaps(found);
    }
  }
  fieldHits(input, found);
  return withoutOverlaps(found);
}

/**
 * Whether the text holds one of a pattern's pieces. A loop, not needs.some(piece => …): that closure,
 * made for each of 40 patterns on every text scanned, was 90 % of what the scanner allocated.
 */
function holdsAny(present: ReadonlySet<string>, needs: readonly string[]): boolean {
  if (present.size === 0) return false;
  for (const piece of needs) if (present.has(piece)) return true;
  return false;
}

const NO_PIECES: ReadonlySet<string> = new Set();

const ALL_PIECES = [...new Set(SECRET_PATTERNS.flatMap((spec) => spec.needs ?? []))];
/** After this many piece matches (a body made of them), the pieces not seen yet are looked up one by one. */
const PIECE_MATCHES = 1024;

/** Which of the patterns' literal pieces the text holds: one pass, bounded on a text made of them. */
function piecesIn(input: string): ReadonlySet<string> {
  // One regex object for every call (the scan is synchronous, so lastIndex is ours until it returns).
  const pieces = NEEDED_PIECES;
  pieces.lastIndex = 0;
  let match = pieces.exec(input);
  // Most texts (header values, URLs) hold no piece at all: no set is made for them.
  if (!match) return NO_PIECES;
  const present = new Set<string>();
  let seen = 0;
  for (; match; match = pieces.exec(input)) {
    present.add(match[0]);
    if (++seen >= PIECE_MATCHES) {
      for (const piece of ALL_PIECES) if (!present.has(piece) && input.includes(piece, pieces.lastIndex)) present.add(piece);
      break;
    }
  }
  return present;
}

const NAME_CHAR = /[A-Za-z0-9_.-]/;
/** The secret words field names are found by; shared by every call like NEEDED_PIECES (lastIndex reset first). */
const SECRET_NAMES = new RegExp(SECRET_NAME_WORD.source, 'gi');
const MAX_NAME_SIDE = 40;

/**
 * Values under secret-like field names. Found from the name's secret word outwards (a regex that
 * tried every position for a name would cost a third of a millisecond per 16 KiB body).
 */
function fieldHits(input: string, hits: SecretHit[]): void {
  // A name inside the value read for the name before it ("pwd=pwd=pwd=…") is part of that value:
  // skipped, so every character is read as a value once and the scan stays linear.
  const names = SECRET_NAMES;
  names.lastIndex = 0;
  for (let word = names.exec(input); word; word = names.exec(input)) {
    if (hits.length >= MAX_HITS_PER_TEXT) return;
    let start = word.index;
    while (start > 0 && NAME_CHAR.test(input[start - 1]!) && word.index - start <= MAX_NAME_SIDE) start--;
    let end = word.index + word[0].length;
    while (end < input.length && NAME_CHAR.test(input[end]!) && end - word.index <= MAX_NAME_SIDE) end++;
    if ((start > 0 && NAME_CHAR.test(input[start - 1]!)) || NAME_CHAR.test(input[end] ?? '')) continue;
    FIELD_VALUE.lastIndex = end;
    const match = FIELD_VALUE.exec(input);
    if (!match) continue;
    // The name's closing quote must match its opening one ("name": or \"name\": or bare name=).
    const closing = match[1]!;
    if (closing && input.slice(start - closing.length, start) !== closing) continue;
    const name = input.slice(start, end);
    const value = match[3] ?? match[4];
    names.lastIndex = Math.max(names.lastIndex, match.index + match[0].length);
    if (!value || !isSecretFieldValue(name, value)) continue;
    hits.push(hit(`${name} field`, match.index + match[0].length - value.length, value, false));
  }
}

/** text with every credential-shaped value replaced by its mask. Masking masked text changes nothing. */
export function maskSecrets(text: string, hits: readonly SecretHit[] = findSecrets(text)): string {
  if (!hits.length) return text;
  let out = '';
  let last = 0;
  for (const h of hits) {
    out += text.slice(last, h.start) + h.masked;
    last = h.end;
  }
  return out + text.slice(last);
}

function hit(kind: string, start: number, value: string, noPrefix: boolean): SecretHit {
  return { kind, start, end: start + value.length, length: value.length, masked: maskFor(kind, value, noPrefix) };
}

/**
 * "[AWS secret key, 40 chars, wJal…]": enough to recognise which credential leaked and rotate it,
 * never enough to use it. Short values show less (a 6-character password shows one character).
 */
export function maskFor(kind: string, value: string, noPrefix = false): string {
  const shown = noPrefix ? 0 : Math.min(4, Math.floor(value.length / 6));
  const prefix = shown ? `, ${value.slice(0, shown)}…` : '';
  return `[${kind}, ${value.length} chars${prefix}]`;
}

function withoutOverlaps(hits: SecretHit[]): SecretHit[] {
  // Found in priority order (pattern order); keep each one that touches nothing kept before it.
  const kept: SecretHit[] = [];
  for (const h of hits) {
    if (!kept.some((k) => h.start < k.end && k.start < h.end)) kept.push(h);
  }
  return kept.sort((a, b) => a.start - b.start);
}

const SECRET_NAME = new RegExp(SECRET_NAME_WORD.source, 'i');

/**
 * A header whose name says it carries a credential (X-Auth-Token, X-Session-Secret) and whose whole
 * value looks like one, when no known shape inside it was found: the value alone has no name to go by.
 */
export function secretHeaderValue(name: string, value: string): SecretHit | undefined {
  if (!SECRET_NAME.test(name) || !isSecretFieldValue(name, value) || findSecrets(value).length) return undefined;
  return hit(`${name} header`, 0, value, false);
}
