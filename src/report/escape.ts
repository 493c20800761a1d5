// Escaping for the markup formats (HTML and JUnit XML). Response bodies from the target land in these
// files, so everything from the report is escaped, and characters XML 1.0 forbids (NUL, most C0
// controls, lone surrogates) become U+FFFD: CI parsers reject a whole file for one of them, which
// escaping libraries for HTML do not handle.

// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** DEL, C1 controls, line/paragraph separators and the bidi controls that reorder what is shown. */
export const INVISIBLE_CONTROLS = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const SHOWN_AS_ESCAPES = new RegExp(`[${INVISIBLE_CONTROLS}]`, 'g');

/** Each of INVISIBLE_CONTROLS as a \uNNNN escape: valid inside JSON and YAML double-quoted strings. */
export function unicodeEscapes(text: string): string {
  return text.replace(SHOWN_AS_ESCAPES, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a quoted attribute of HTML or XML. */
export function escapeMarkup(value: unknown): string {
  return (
    String(value)
      .replace(NOT_XML_CHAR, '\uFFFD')
      // C1 and bidi controls are legal XML but reorder or hide what a reader sees: shown as escapes.
      .replace(SHOWN_AS_ESCAPES, (ch) => unicodeEscapes(ch))
      .replace(/[&<>"']/g, (ch) => ENTITY[ch]!)
  );
}

// Characters a terminal acts on instead of printing: C0 controls (ESC starts a sequence), DEL, C1
// controls (U+009B is CSI, U+009D OSC on xterm-style terminals), line/paragraph separators and the
// bidi controls that reorder what is shown (U+202A–202E, U+2066–2069, LRM/RLM/ALM). Tab and newline are
// kept only where a caller asks for line structure.
// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f${INVISIBLE_CONTROLS}]`, 'g');
const TERMINAL_UNSAFE_LINES = new RegExp(`[\\u0000-\\u001f${INVISIBLE_CONTROLS}]`, 'g');

function shown(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The one escaper for text that reaches a terminal: every character above is shown as \xNN or
 * \uNNNN. With `lines: true` tab and newline stay (a multi-line transcript); otherwise they are
 * shown too, so target text can never start a line of its own (a fake "gate PASSED").
 */
export function terminalText(text: string, options: { lines?: boolean } = {}): string {
  return text.replace(options.lines ? TERMINAL_UNSAFE : TERMINAL_UNSAFE_LINES, shown);
}

/** Every string in a value (a report, a baseline diff) through terminalText, keys included. */
export function terminalSafe<T>(value: T): T {
  if (typeof value === 'string') return terminalText(value) as T;
  if (Array.isArray(value)) return value.map(terminalSafe) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [terminalText(k), terminalSafe(v)])) as T;
  return value;
}
