// Where each operation is written in an OpenAPI file, for SARIF locations: one pass over the lines,
// no second parse (a 13 MB JSON spec parsed as YAML for its positions would take tens of seconds).
// A path key ("/orders": or /orders:) starts a path item; a method key below it is the operation.
// The text is read in place, line start by line start: GitHub's 13 MB spec has 347,000 lines, and an
// array of them (with a trimmed copy of each) was a third of the memory `init` and `audit --openapi` peaked at.

// Sticky: each is tried exactly at a line's first non-blank character.
const PATH_KEY = /(["']?)(\/[^"'\n]*?)\1\s*:/y;
const METHOD_KEY = /(["']?)(get|put|post|delete|patch|head|options|trace)\1\s*:/iy;
/** What String.prototype.trimStart() skips (\s is that same set), for the indentation of a line. */
const BLANK = /\s*/y;

/** "GET /orders" → its 1-based line in the document text (minified JSON: everything is on line 1). */
export function operationLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let path: string | undefined;
  let pathIndent = -1;
  for (let start = 0, line = 1; start <= text.length; line++) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    BLANK.lastIndex = start;
    BLANK.test(text);
    // A blank run may cross the line's end (\r, or a line of spaces): the line's own part is what counts.
    const first = Math.min(BLANK.lastIndex, end);
    const indent = first - start;
    const pathKey = keyAt(PATH_KEY, text, first, end);
    if (pathKey) {
      path = pathKey[2];
      pathIndent = indent;
    } else if (path && first < end && indent <= pathIndent) {
      // Back at the path's own indentation or left of it (components:, a closing brace): the path item has ended.
      path = undefined;
    } else if (path && indent > pathIndent) {
      const method = keyAt(METHOD_KEY, text, first, end);
      if (method) {
        const key = `${method[2]!.toUpperCase()} ${path}`;
        if (!lines.has(key)) lines.set(key, line);
      }
    }
    if (newline < 0) break;
    start = newline + 1;
  }
  return lines;
}

/** The sticky pattern's match at `at`, when it ends within the line. */
function keyAt(pattern: RegExp, text: string, at: number, end: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  const match = pattern.exec(text);
  return match && pattern.lastIndex <= end ? match : null;
}
