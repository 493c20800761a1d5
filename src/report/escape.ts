// Escaping for the markup formats (HTML and JUnit XML). Response bodies from the target land in these
// files, so everything from the report is escaped, and characters XML 1.0 forbids (NUL, most C0
// controls, lone surrogates) become U+FFFD: CI parsers reject a whole file for one of them, which
// escaping libraries for HTML do not handle.

// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a quoted attribute of HTML or XML. */
export function escapeMarkup(value: unknown): string {
  return String(value)
    .replace(NOT_XML_CHAR, '\uFFFD')
    .replace(/[&<>"']/g, (ch) => ENTITY[ch]!);
}
