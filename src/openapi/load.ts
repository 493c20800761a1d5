import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SpecError } from '../config/errors.js';
import type { ParserOptions } from '@readme/openapi-parser';
import type { OpenApiDocument } from './document.js';
import { fetchSpecText, isUrl } from './fetch.js';
import { isObject } from '../pagination/items.js';
import { assertRefBudget } from './ref-budget.js';
import { artifactUri } from '../config/artifact-uri.js';
import { operationLines } from './lines.js';

export interface LoadedSpec {
  /** The file path or URL as the user gave it, for messages and EndpointSpec.source. */
  source: string;
  /** Fully dereferenced; a circular $ref is left in place as { $ref } so the tree has no cycles. */
  document: OpenApiDocument;
  /** "3.0.3", "3.1.0". */
  openapi: string;
  title: string;
  version: string;
  /** Problems that did not stop the import (schema violations the extraction can live with). */
  warnings: string[];
  /** "Swagger 2.0" when the document was converted to OpenAPI 3 on reading. */
  convertedFrom?: string;
  /** A file's URI for reports (relative to the working directory) and each operation's line in it. */
  file?: { uri: string; lines: Map<string, number> };
}

export interface LoadSpecOptions {
  /** Folder a relative file path is read from. */
  cwd: string;
  /** When set, a URL spec is fetched only from this origin (an audit talks to its target and nothing else). */
  requireOrigin?: string;
  /** The target's TLS settings (tls.insecure, tls.ca as a path), so a spec on a test host with its own CA can be fetched. */
  tls?: { insecure: boolean; ca?: string };
}

export const MAX_SPEC_BYTES = 20 * 1024 * 1024;

/**
 * Reads an OpenAPI 3.0 or 3.1 document (JSON or YAML, file or URL), validates it and resolves every
 * $ref with @readme/openapi-parser. A Swagger 2.0 document is converted to OpenAPI 3.0 first. Throws SpecError for anything that cannot be imported.
 */
export async function loadSpec(source: string, options: LoadSpecOptions): Promise<LoadedSpec> {
  const fromUrl = isUrl(source);
  if (fromUrl && options.requireOrigin && new URL(source).origin !== options.requireOrigin) {
    throw new SpecError(
      source,
      `is not on the target's origin (${options.requireOrigin})`,
      'during an audit preflight talks only to the target: download the spec and pass the file',
    );
  }
  const read = await readSpec(source, fromUrl, options);
  let raw = read.raw;
  const warnings: string[] = [];
  let convertedFrom: string | undefined;
  if (raw.swagger === '2.0') {
    assertRefBudget(raw, source);
    const { convertSwagger2 } = await import('./swagger2.js');
    const converted = await convertSwagger2(raw, source);
    if (hasExternalRef(converted.document))
      throw new SpecError(source, 'is a Swagger 2.0 document with $refs to other files', 'bundle it into one file first');
    raw = converted.document;
    warnings.push(...converted.warnings);
    convertedFrom = 'Swagger 2.0';
  }
  const openapi = checkVersion(raw, source);
  assertRefBudget(raw, source);
  const { validate, dereference } = await import('@readme/openapi-parser');
  // A file's relative $refs (split specs) are followed; $refs to URLs are not: importing a spec must
  // not make requests nobody asked for. A fetched spec is used as one self-contained document.
  // A file whose $refs all point inside it is handed over already parsed, so it is read once.
  const split = !fromUrl && hasExternalRef(raw);
  const input = split ? resolve(options.cwd, source) : (raw as never);
  // `http: false` switches the URL resolver off (json-schema-ref-parser's option; the type wants its settings).
  const parserOptions: ParserOptions = { resolve: (split ? { http: false } : { external: false }) as ParserOptions['resolve'] };

  try {
    const result = await validate(input, {
      ...parserOptions,
      dereference: { circular: 'ignore' },
      validate: { rules: { openapi: LENIENT_RULES } },
    });
    // A $ref that points nowhere comes back as a result (no specification was read), not thrown.
    if (!result.valid && result.specification === null && /\$ref|pointer/i.test(result.errors[0]?.message ?? ''))
      throw new Error(result.errors[0]!.message);
    const problems = result.valid ? result.warnings : result.errors;
    if (!result.valid) {
      const first = problems[0] ? oneLine(problems[0].message) : 'no detail given';
      warnings.push(
        `does not validate against OpenAPI ${openapi} (${problems.length + result.additionalErrors} problem(s); first: ${first}); imported what could be read`,
      );
    }
    for (const warning of result.valid ? problems : result.warnings) warnings.push(oneLine(warning.message));
  } catch (error) {
    throw referenceError(error, source);
  }

  let document: OpenApiDocument;
  try {
    // validate() dereferences the object it is given in place (circular $refs left as { $ref }), so a
    // self-contained spec is already resolved: dereferencing it again would cost seconds on a large
    // spec and hold a second tree. A split spec was read from disk by the parser and is read again here.
    document = (split
      ? await dereference(input, { ...parserOptions, dereference: { circular: 'ignore' } })
      : raw) as unknown as OpenApiDocument;
  } catch (error) {
    throw referenceError(error, source);
  }
  if (!isObject(document.paths))
    throw new SpecError(source, 'has no paths: object', 'an OpenAPI document lists its operations under paths:');
  return {
    source,
    document,
    openapi,
    title: String(document.info?.title ?? 'API'),
    version: String(document.info?.version ?? ''),
    warnings,
    ...(convertedFrom ? { convertedFrom } : {}),
    ...(read.lines ? { file: { uri: artifactUri(resolve(options.cwd, source), options.cwd), lines: read.lines } } : {}),
  };
}

/**
 * The document, parsed, and (for a file) each operation's line. The text itself is not returned: a
 * 13 MB spec's text would otherwise stay alive through validation and dereferencing.
 */
async function readSpec(
  source: string,
  fromUrl: boolean,
  options: LoadSpecOptions,
): Promise<{ raw: Record<string, unknown>; lines?: Map<string, number> }> {
  const text = fromUrl
    ? await fetchSpecText(source, { maxBytes: MAX_SPEC_BYTES, ...(options.tls ? { tls: options.tls } : {}) }).catch((error: unknown) => {
        throw new SpecError(source, `could not be fetched: ${error instanceof Error ? error.message : String(error)}`);
      })
    : readSpecFile(source, options.cwd);
  const raw = parseText(text, source);
  return fromUrl ? { raw } : { raw, lines: operationLines(text) };
}

/** Rules real specs often break without harm to the import: reported, not fatal. */
const LENIENT_RULES = {
  'duplicate-operation-id': 'warning',
  'path-parameters-not-in-path': 'warning',
  'path-parameters-not-in-parameters': 'warning',
  'array-without-items': 'warning',
  'non-optional-path-parameters': 'warning',
} as const;

/** A local input file as text, bounded; also read by the Postman and HAR importers (`what` names the kind in messages). */
export function readSpecFile(
  source: string,
  cwd: string,
  what = { kind: 'OpenAPI file', limit: MAX_SPEC_BYTES, hint: 'check the path, or give an http(s) URL' },
): string {
  const path = resolve(cwd, source);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new SpecError(source, `${what.kind} not found`, what.hint);
  }
  if (size > what.limit)
    throw new SpecError(
      source,
      `is ${size} bytes, over the ${what.limit / 1024 / 1024} MiB limit for ${what.kind === 'OpenAPI file' ? 'a spec' : `a ${what.kind}`}`,
    );
  const bytes = readFileSync(path);
  if (bytes.includes(0)) throw new SpecError(source, 'is binary, not JSON or YAML text');
  return bytes.toString('utf8');
}

/** True when some $ref points outside the document (another file): only then must the parser read from disk. */
function hasExternalRef(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length) {
    const node = pending.pop();
    if (Array.isArray(node)) pending.push(...node);
    else if (isObject(node)) {
      if (typeof node.$ref === 'string' && !node.$ref.startsWith('#')) return true;
      pending.push(...Object.values(node));
    }
  }
  return false;
}

function parseText(text: string, source: string): Record<string, unknown> {
  // Most large specs are JSON: JSON.parse reads 13 MB in a fraction of a second where the YAML
  // parser takes over 20 s and several hundred MB. Anything it refuses goes to the YAML parser.
  if (/^\s*\{/.test(text)) {
    try {
      const data: unknown = JSON.parse(text);
      if (isObject(data)) return data;
    } catch {
      // not strict JSON (comments, trailing commas, or YAML flow style): the YAML parser reads it
    }
  }
  let data: unknown;
  try {
    // YAML 1.2 is a superset of JSON: one parser reads both.
    data = parseYaml(text, { maxAliasCount: 1000, prettyErrors: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new SpecError(
      source,
      `is not valid JSON or YAML${line ? ` (line ${line})` : ''}: ${oneLine(message).replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  if (!isObject(data)) throw new SpecError(source, 'is not an OpenAPI document (expected a mapping with an openapi: key)');
  return data;
}

function checkVersion(raw: Record<string, unknown>, source: string): string {
  if (raw.swagger !== undefined) {
    throw new SpecError(source, `declares swagger: ${JSON.stringify(raw.swagger)}; preflight reads Swagger 2.0 and OpenAPI 3.0 and 3.1`);
  }
  const version = raw.openapi;
  if (version === undefined) throw new SpecError(source, 'is not an OpenAPI document (no openapi: key)', 'give an OpenAPI 3.0 or 3.1 file');
  if (typeof version !== 'string' || !/^3\.[01]\.\d+$/.test(version)) {
    throw new SpecError(source, `declares openapi: ${JSON.stringify(version)}; preflight reads OpenAPI 3.0 and 3.1`);
  }
  return version;
}

function referenceError(error: unknown, source: string): SpecError {
  const message = oneLine(error instanceof Error ? error.message : String(error));
  if (/\$ref|pointer/i.test(message))
    return new SpecError(
      source,
      `has a $ref that cannot be resolved: ${message}`,
      'fix or remove the reference; $refs to URLs are not followed, bundle the spec into one file',
    );
  return new SpecError(source, `could not be read as OpenAPI: ${message}`);
}

/** The parser's messages carry a code frame over several lines: keep the first line, and where the frame points. */
function oneLine(message: string): string {
  const [first = ''] = message.split('\n');
  const pointer = /^>\s*\d+\s*\|\s*(.+)$/m.exec(message)?.[1]?.trim();
  return pointer ? `${first.trim()} at ${pointer.replace(/[{[,]\s*$/, '').trim()}` : first.trim();
}

// The one isObject of the code base lives with the pagination helpers; the spec modules import it from here.
export { isObject };
