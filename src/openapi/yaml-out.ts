// Writing values that came from an OpenAPI document (a file a target may serve) into a config file.
// The spec is untrusted: a newline in info.version or a "${CI_DEPLOY_KEY}" in an example must stay
// data. Values go through the yaml library's own serialisation (never block scalars, which a crafted
// string can end early), characters YAML readers disagree about are written as \u escapes, "${"
// becomes "$${" (the config loader's literal form, so the spec can never name an environment
// variable), and comment text is kept on one line.
import { Document, visit, type ToStringOptions } from 'yaml';
import { INVISIBLE_CONTROLS, unicodeEscapes } from '../report/escape.js';

// Strings with C1 controls (U+0085 is a YAML 1.1 line break), separators, bidi controls, a BOM or any
// C0 control are written double-quoted: the one style that escapes.
const NEEDS_ESCAPES = new RegExp(`[\\u0000-\\u001f\\ufeff${INVISIBLE_CONTROLS}]`);
// Every control character but tab, plus the ones above: nothing in a comment may end it or hide text.
const UNSAFE_IN_COMMENT = new RegExp(`[\\u0000-\\u0008\\u000a-\\u001f\\ufeff${INVISIBLE_CONTROLS}]+`, 'g');

/** A spec string as literal config text: "${X}" is written "$${X}", which the loader reads back as "${X}". */
export function literal<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$\{/g, '$$$${') as T;
  if (Array.isArray(value)) return value.map(literal) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)])) as T;
  return value;
}

/** One YAML value, flow style, on one line (quoted wherever plain text would be read differently). */
export function yamlValue(value: unknown, options: ToStringOptions = {}): string {
  const doc = new Document(value);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && NEEDS_ESCAPES.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  // Never folded over lines: a value stays on its one line.
  const text = doc.toString({ lineWidth: 0, blockQuote: false, doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER, ...options });
  // Only double-quoted scalars can hold these characters now, and \uXXXX is an escape there.
  return unicodeEscapes(text)
    .replace(/\ufeff/g, '\\ufeff')
    .trim();
}

/** Text for a # comment: control characters and line breaks become one space. */
export function commentText(text: string): string {
  return text.replace(UNSAFE_IN_COMMENT, ' ');
}
