// Requests seen in a Postman collection or recorded in a HAR, written as the OpenAPI 3.0 document
// they imply, so `init --from-postman` and `init --from-har` go through the same planImport and
// config writer as `init --from-openapi`: one classification (list, write, async, pagination), one
// auth guess, one set of injection rules. No credential value is ever put in the document: auth is
// described by scheme only, and the config gets ${VARS} placeholders for it.
import type { OpenApiDocument, Operation, Parameter, Response, Schema, SecurityScheme } from './document.js';
import { SpecError } from '../config/errors.js';
import { isObject, readSpecFile, type LoadedSpec } from './load.js';

export interface ObservedOperation {
  method: string;
  /** A path template: /orders/{id}. */
  path: string;
  /** A real value for each {param}, when one is known. */
  pathExamples: Record<string, string>;
  query: Record<string, string>;
  /** Query parameters named without a usable value (documented, not sent: paging detection still sees them). */
  optionalQuery?: string[];
  /** A JSON body, as sent. */
  body?: unknown;
  /** The media type of a body that is not JSON (written as such: the writer says none is set). */
  otherBodyType?: string;
  /** Recorded or saved responses: status and parsed JSON body where there was one. */
  responses: Array<{ status: number; body?: unknown }>;
  /** public: called without credentials; secured: these scheme names apply; undeclared: nothing known. */
  access: 'public' | 'secured' | 'undeclared';
  schemes?: string[];
  summary?: string;
  tags?: string[];
}

export interface ObservedApi {
  source: string;
  title: string;
  version: string;
  /** "Postman Collection v2.1", "HAR 1.2": what the header comment says it was converted from. */
  format: string;
  /** An absolute base URL when the input names one. */
  server?: string;
  schemes: Record<string, SecurityScheme>;
  operations: ObservedOperation[];
  warnings: string[];
}

const OPENAPI_VERSION = '3.0.3';

/** The OpenAPI document the observed requests imply, as a LoadedSpec for planImport. */
export function specOf(api: ObservedApi): LoadedSpec {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const op of api.operations) {
    const item = paths[op.path] ?? {};
    paths[op.path] = item;
    const method = op.method.toLowerCase();
    const existing = item[method];
    if (existing) {
      // Seen again (another recorded call): more response codes, and secured wins over public.
      for (const response of op.responses) addResponse(existing, response);
      if (op.access === 'secured' && op.schemes?.length) existing.security = [requirement(op.schemes)];
      continue;
    }
    const parameters: Parameter[] = [
      ...[...op.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
        name: name!,
        in: 'path' as const,
        required: true,
        schema: { type: 'string' },
        ...(op.pathExamples[name!] !== undefined ? { example: op.pathExamples[name!] } : {}),
      })),
      ...Object.entries(op.query).map(([name, value]) => ({
        name,
        in: 'query' as const,
        required: true,
        schema: { type: 'string' },
        example: value,
      })),
      ...(op.optionalQuery ?? [])
        .filter((name) => !(name in op.query))
        .map((name) => ({ name, in: 'query' as const, schema: { type: 'string' } })),
    ];
    const operation: Operation = {
      ...(op.summary ? { summary: op.summary } : {}),
      ...(op.tags?.length ? { tags: op.tags } : {}),
      ...(parameters.length ? { parameters } : {}),
      responses: {},
    };
    if (op.body !== undefined) operation.requestBody = { content: { 'application/json': { example: op.body } } };
    else if (op.otherBodyType) operation.requestBody = { content: { [op.otherBodyType]: {} } };
    if (op.access === 'public') operation.security = [];
    else if (op.access === 'secured' && op.schemes?.length) operation.security = [requirement(op.schemes)];
    for (const response of op.responses) addResponse(operation, response);
    if (!Object.keys(operation.responses as object).length)
      (operation.responses as Record<string, Response>).default = { description: 'not recorded' };
    item[method] = operation;
  }
  const document: OpenApiDocument = {
    openapi: OPENAPI_VERSION,
    info: { title: api.title, version: api.version },
    ...(api.server ? { servers: [{ url: api.server }] } : {}),
    paths,
    ...(Object.keys(api.schemes).length ? { components: { securitySchemes: api.schemes } } : {}),
  } as OpenApiDocument;
  return {
    source: api.source,
    document,
    openapi: OPENAPI_VERSION,
    title: api.title,
    version: api.version,
    warnings: api.warnings,
    convertedFrom: api.format,
  };
}

function requirement(schemes: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(schemes.map((name) => [name, []]));
}

function addResponse(operation: Operation, response: { status: number; body?: unknown }): void {
  const responses = operation.responses as Record<string, Response>;
  const code = String(response.status);
  if (responses[code] || !/^[1-5]\d\d$/.test(code)) return;
  responses[code] = {
    description: 'recorded',
    ...(response.body !== undefined ? { content: { 'application/json': { schema: schemaOfValue(response.body) } } } : {}),
  };
}

/**
 * The shape of a JSON value as a schema (types and property names only, never the values: a
 * recorded response may hold anything), deep enough for list and paging detection.
 */
export function schemaOfValue(value: unknown, depth = 0): Schema {
  if (Array.isArray(value)) return { type: 'array', items: depth < 3 && value.length ? schemaOfValue(value[0], depth + 1) : {} };
  if (isObject(value)) {
    if (depth >= 3) return { type: 'object' };
    const entries = Object.entries(value).slice(0, 200);
    return { type: 'object', properties: Object.fromEntries(entries.map(([key, inner]) => [key, schemaOfValue(inner, depth + 1)])) };
  }
  if (value === null) return { nullable: true };
  return { type: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string' };
}

/** Names that carry credentials wherever they appear (query parameters, headers, body fields, variables). */
export const SECRET_NAME =
  /(pass(word|wd)?|secret|token|api[-_]?key|apikey|authori[sz]ation|auth[-_]?token|session|cookie|credential|signature|private[-_]?key|bearer|jwt)/i;

/**
 * Replaces every string that holds a known secret, or sits under a secret-looking key, with "TODO"
 * (so the writer marks it and an audit skips it until filled in). Returns how many were replaced.
 */
export function scrubSecrets(value: unknown, secrets: readonly string[]): { value: unknown; scrubbed: number } {
  let scrubbed = 0;
  const holds = (text: string): boolean => secrets.some((secret) => secret.length >= 4 && text.includes(secret));
  const visit = (node: unknown, key?: string): unknown => {
    if (typeof node === 'string') {
      if ((key !== undefined && SECRET_NAME.test(key)) || holds(node)) {
        scrubbed++;
        return 'TODO';
      }
      return node;
    }
    if (Array.isArray(node)) return node.map((item) => visit(item, key));
    if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v, k)]));
    if (key !== undefined && SECRET_NAME.test(key) && (typeof node === 'number' || typeof node === 'boolean')) {
      scrubbed++;
      return 'TODO';
    }
    return node;
  };
  return { value: visit(value), scrubbed };
}

/** A header, cookie or query parameter name that can be written as a config key (an RFC 9110 token: no "${", no spaces). */
export const TOKEN_NAME = /^[!#%&'*+.^`|~\w-]{1,100}$/;

/** A {param} name from untrusted text: letters, digits and _ only, never empty. */
export function paramName(text: string, fallback = 'id'): string {
  const clean = text.replace(/[^A-Za-z0-9_]/g, '_').replace(/^_+|_+$/g, '');
  return clean ? clean.slice(0, 40) : fallback;
}

/** The schemes a recorded credential header implies (its value is never used); none for any other header. */
export function credentialSchemes(header: { name: string; value: string }, schemes: Record<string, SecurityScheme>): string[] {
  const name = header.name.toLowerCase();
  if (name === 'authorization') {
    const basic = /^\s*basic\s/i.test(header.value);
    const id = basic ? 'basicAuth' : 'bearerAuth';
    schemes[id] = { type: 'http', scheme: basic ? 'basic' : 'bearer', 'x-preflight-seen': `the recorded ${header.name} header` };
    return [id];
  }
  if (name === 'cookie') {
    // One scheme per cookie: each becomes its own placeholder (Cookie: session=${API_KEY}; csrf=${API_KEY_2}).
    return header.value
      .split(';')
      .map((pair) => pair.split('=')[0]?.trim() ?? '')
      .filter((cookie) => TOKEN_NAME.test(cookie))
      .map((cookie) => {
        const id = `cookie_${paramName(cookie)}`;
        schemes[id] = { type: 'apiKey', in: 'cookie', name: cookie, 'x-preflight-seen': `the recorded cookie ${cookie}` };
        return id;
      });
  }
  if (name === 'proxy-authorization' || !SECRET_NAME.test(name) || !TOKEN_NAME.test(name)) return [];
  const id = `header_${paramName(header.name)}`;
  schemes[id] = { type: 'apiKey', in: 'header', name: header.name, 'x-preflight-seen': `the recorded header ${header.name}` };
  return [id];
}

/** A collection, environment or HAR file: bounded, JSON, an object at the top; else one SpecError line. */
export function readJsonInput(source: string, cwd: string, kind: string, limit: number): Record<string, unknown> {
  const text = readSpecFile(source, cwd, { kind, limit, hint: 'check the path' });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SpecError(source, `is not valid JSON: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
  }
  if (!isObject(data)) throw new SpecError(source, `is not a ${kind} (expected a JSON object)`);
  return data;
}
