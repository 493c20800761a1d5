// Checks of a check's verdict catalogue (ESLint validates rule meta the same way): a catalogue that
// can render "{path}" into a report, or that declares an outcome nothing reports, is a bug that must
// fail a test or stop the tool at load, not surface in a customer's report. catalogueProblems runs at
// load (the registry); sourceProblems reads a check's source, so a test runs it over checks/, not start-up.
import { SEVERITIES } from '../types.js';
import type { CheckMeta } from './contract.js';
import { isEngineVerdict } from './engine-verdicts.js';
import { badPlaceholders, placeholdersOf } from './template.js';

const STATUSES = new Set(['pass', 'warn', 'fail', 'error', 'skip']);

/** Problems with the catalogue itself: ids, statuses, severities, template syntax. */
export function catalogueProblems(meta: CheckMeta): string[] {
  const problems: string[] = [];
  const verdicts = meta.verdicts ?? {};
  if (!Object.keys(verdicts).length) problems.push('meta.verdicts declares no verdict');
  for (const [id, spec] of Object.entries(verdicts)) {
    if (!/^[a-z][A-Za-z0-9]*$/.test(id)) problems.push(`verdict id "${id}" is not camelCase`);
    if (isEngineVerdict(id)) problems.push(`verdict id "${id}" is reserved for the engine`);
    if (!STATUSES.has(spec.status)) problems.push(`verdict ${id}: status "${spec.status}" is unknown`);
    if (!spec.message) problems.push(`verdict ${id}: message is empty`);
    if (spec.severity && !SEVERITIES.includes(spec.severity)) problems.push(`verdict ${id}: severity "${spec.severity}" is unknown`);
    for (const template of [spec.message, spec.remediation ?? '']) {
      for (const bad of badPlaceholders(template)) problems.push(`verdict ${id}: placeholder {${bad}} is not an identifier`);
    }
  }
  return problems;
}

/**
 * Problems only the check's source shows: a declared verdict that no code reports, a report() of an
 * undeclared verdict, and a placeholder that no report() call of that verdict supplies. The source
 * is read as text (the compiled module); calls whose data is not a plain object literal (a variable,
 * a spread) cannot be read and are given the benefit of the doubt.
 */
export function sourceProblems(meta: CheckMeta, source: string): string[] {
  const problems: string[] = [];
  const verdicts = meta.verdicts ?? {};
  const body = withoutCatalogue(source);
  for (const id of Object.keys(verdicts)) {
    if (!new RegExp(`(['"\`])${id}\\1`).test(body)) problems.push(`verdict ${id} is declared but never reported`);
  }
  const calls = reportCalls(body);
  for (const call of calls) {
    if (!Object.hasOwn(verdicts, call.verdict) && !isEngineVerdict(call.verdict))
      problems.push(`report('${call.verdict}') names a verdict meta.verdicts does not declare`);
  }
  for (const [id, spec] of Object.entries(verdicts)) {
    const own = calls.filter((call) => call.verdict === id);
    if (!own.length || own.some((call) => call.keys === undefined)) continue;
    const supplied = new Set(own.flatMap((call) => call.keys ?? []));
    const used = [...placeholdersOf(spec.message), ...placeholdersOf(spec.remediation ?? '')];
    for (const name of used)
      if (!supplied.has(name)) problems.push(`verdict ${id} uses {${name}}, which no report('${id}', …) call supplies`);
  }
  return problems;
}

/** The source without the `verdicts: { … }` (or `const VERDICTS = { … }`) block, so a verdict's declaration does not count as its use. */
function withoutCatalogue(source: string): string {
  const start = source.search(/\bverdicts\s*:\s*\{|\bVERDICTS\s*=\s*\{/);
  if (start < 0) return source;
  const open = source.indexOf('{', start);
  const close = matchingBrace(source, open);
  return close < 0 ? source : source.slice(0, start) + source.slice(close + 1);
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

interface ReportCall {
  verdict: string;
  /** The top-level keys of the data literal; undefined when the data is not a plain literal. */
  keys: string[] | undefined;
}

function reportCalls(source: string): ReportCall[] {
  const calls: ReportCall[] = [];
  for (const match of source.matchAll(/\breport\(\s*(['"])([A-Za-z0-9]+)\1\s*,\s*/g)) {
    const at = match.index + match[0].length;
    if (source[at] !== '{') {
      calls.push({ verdict: match[2]!, keys: undefined });
      continue;
    }
    const close = matchingBrace(source, at);
    calls.push({ verdict: match[2]!, keys: close < 0 ? undefined : literalKeys(source.slice(at + 1, close)) });
  }
  return calls;
}

/** Top-level keys of an object literal's inside; undefined when it spreads something in. */
function literalKeys(inside: string): string[] | undefined {
  const keys: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let part = '';
  const flush = (): boolean => {
    const text = part.trim();
    part = '';
    if (!text) return true;
    if (text.startsWith('...')) return false;
    const key = /^(?:(['"])([^'"]+)\1|([A-Za-z_$][\w$]*))/.exec(text);
    if (key) keys.push(key[2] ?? key[3]!);
    return true;
  };
  for (let i = 0; i < inside.length; i++) {
    const c = inside[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      if (depth === 0) part += c;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    if ('{[('.includes(c)) depth++;
    else if ('}])'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      if (!flush()) return undefined;
    } else if (depth === 0 || '{[('.includes(c)) part += depth <= 1 ? c : '';
  }
  return flush() ? keys : undefined;
}
