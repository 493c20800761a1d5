// Where each operation is written in an OpenAPI file, for SARIF locations: one pass over the lines,
// no second parse (a 13 MB JSON spec parsed as YAML for its positions would take tens of seconds).
// A path key ("/orders": or /orders:) starts a path item; a method key below it is the operation.

const PATH_KEY = /^\s*(["']?)(\/[^"'\n]*?)\1\s*:/;
const METHOD_KEY = /^\s*(["']?)(get|put|post|delete|patch|head|options|trace)\1\s*:/i;

/** "GET /orders" → its 1-based line in the document text (minified JSON: everything is on line 1). */
export function operationLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let path: string | undefined;
  let pathIndent = -1;
  text.split('\n').forEach((line, index) => {
    const indent = line.length - line.trimStart().length;
    const pathKey = PATH_KEY.exec(line);
    if (pathKey) {
      path = pathKey[2];
      pathIndent = indent;
      return;
    }
    const method = METHOD_KEY.exec(line);
    if (path && method && indent > pathIndent) {
      const key = `${method[2]!.toUpperCase()} ${path}`;
      if (!lines.has(key)) lines.set(key, index + 1);
    }
  });
  return lines;
}
