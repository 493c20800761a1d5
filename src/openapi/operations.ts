import type { EndpointKind, EndpointSpec } from '../types.js';
import {
  HTTP_METHODS,
  type Operation,
  type Parameter,
  type PathItem,
  type Response,
  type Schema,
  type SecurityRequirement,
} from './document.js';
import { isObject, type LoadedSpec } from './load.js';
import { headerProblem } from '../http/header-rules.js';
import { boundedSchema, WALKED_SCHEMA_REF_BUDGET } from './ref-budget.js';
import { cursorFieldOf, dataFieldOf, pagingFields, pagingHeaders, pagingParams } from './paging.js';
import { documentedValue, enumValue, jsonMedia, sampleOf } from './schema.js';

/** A value the spec does not give: the config writer marks it TODO, a run-time merge uses `sample`. */
export interface MissingValue {
  name: string;
  /** A minimal valid value from the parameter's schema, for probing when nobody filled it in. */
  sample: string;
}

export interface GuessedPagination {
  limitParam?: string;
  cursorParam?: string;
  cursorField?: string;
  /** Dot path of the items array; absent when the body is the array. */
  dataField?: string;
  maxLimit?: number;
  /** A page-number or offset parameter (preflight's pagination config follows cursors only: noted in a comment). */
  pageParam?: string;
}

export interface SpecOperation {
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  deprecated: boolean;
  kind: EndpointKind;
  /** Why it is a list or async, for the config comment. */
  kindReason?: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Required path, query and header parameters the spec gives no value for. */
  missing: { params: MissingValue[]; query: MissingValue[]; headers: MissingValue[] };
  /** Header parameters never sent (Host, framing headers, invalid names or values), one line each. */
  ignoredHeaders?: string[];
  body?: unknown;
  /** Where the body came from, or why there is none. */
  bodyNote?: string;
  pagination?: GuessedPagination;
  /** public: `security: []` (or an empty requirement); secured: some requirement applies; undeclared: none anywhere. */
  access: 'public' | 'secured' | 'undeclared';
  security?: SecurityRequirement[];
  health: boolean;
  spec: EndpointSpec;
}

const HEALTH_PATH =
  /^\/(?:api\/)?(?:v\d+\/)?(?:_?health(?:z|check)?(?:\/(?:live|ready|liveness|readiness))?|livez|readyz|ready|live|liveness|readiness|ping|heartbeat|actuator\/health)$/i;
const SUPPORTED = new Set<string>(HTTP_METHODS);

/** Every operation in the document, in document order, classified for the config. */
export function extractOperations(spec: LoadedSpec): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, item] of Object.entries(spec.document.paths ?? {})) {
    if (!isObject(item) || !path.startsWith('/')) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!SUPPORTED.has(method) || !isObject(operation)) continue;
      operations.push(toOperation(spec, path, item, method.toUpperCase(), operation as Operation));
    }
  }
  return operations;
}

function toOperation(spec: LoadedSpec, path: string, item: PathItem, method: string, operation: Operation): SpecOperation {
  const parameters = mergeParameters(item.parameters, operation.parameters);
  const valued = (where: Parameter['in'], onlyRequired: boolean) =>
    valuesOf(
      parameters.filter((p) => p.in === where && (!onlyRequired || p.required === true || where === 'path')),
      spec,
    );
  const pathValues = valued('path', false);
  const queryValues = valued('query', true);
  const headerValues = valued('header', true);

  const responses = isObject(operation.responses) ? (operation.responses as Record<string, Response | undefined>) : {};
  const codes = Object.keys(responses);
  const successCode = codes.filter((code) => /^2(\d\d|XX)$/i.test(code)).sort()[0];
  const success = successCode ? responses[successCode] : undefined;
  // Bounded: a schema that inlines to millions of nodes ($ref chains) is neither compared nor compiled.
  const successSchema = boundedSchema(jsonMedia(success?.content)?.media.schema, WALKED_SCHEMA_REF_BUDGET);
  const errorCode = codes.filter((code) => /^[45](\d\d|XX)$/i.test(code)).sort()[0] ?? (codes.includes('default') ? 'default' : undefined);
  const errorSchema = boundedSchema(errorCode ? jsonMedia(responses[errorCode]?.content)?.media.schema : undefined);

  const query = parameters.filter((p) => p.in === 'query');
  const paging = pagingParams(query);
  const fields = pagingFields(successSchema);
  const headers = pagingHeaders(success);
  const params = [paging.page?.name, paging.cursor?.name].filter((name): name is string => typeof name === 'string');
  const lastSegment = path.split('/').filter(Boolean).pop() ?? '';
  const endsInParam = /^\{.+\}$/.test(lastSegment);

  let kind: EndpointKind = method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write';
  let kindReason: string | undefined;
  let pagination: GuessedPagination | undefined;
  if (method === 'GET') {
    // Below /{id} a body with an array field is usually one resource ({ id, tags: [...] }): a list
    // only when it is a bare array or carries paging fields ({ total, data: [...] }).
    const found = dataFieldOf(successSchema, endsInParam ? '' : lastSegment);
    const dataField = endsInParam && found !== '' && fields.length === 0 ? undefined : found;
    const pagedByParams = paging.limit ?? paging.page ?? paging.cursor;
    if (dataField !== undefined || pagedByParams) {
      kind = 'list';
      kindReason =
        dataField === ''
          ? 'the 200 response is an array'
          : dataField
            ? `the 200 response holds an array in ${dataField}`
            : `it takes ${[paging.limit, paging.page, paging.cursor]
                .filter(Boolean)
                .map((p) => p!.name)
                .join('/')} parameters`;
      pagination = guessPagination(paging, fields, dataField);
    }
  } else if (kind === 'write' && successCode === '202' && !codes.some((code) => /^20[0-14-9]$/.test(code))) {
    kind = 'async';
    kindReason = 'its success response is 202 Accepted';
  }

  const security = operation.security ?? spec.document.security;
  const access = !Array.isArray(security)
    ? 'undeclared'
    : security.length === 0 || security.some((req) => isObject(req) && Object.keys(req).length === 0)
      ? 'public'
      : 'secured';
  const body = kind === 'write' || kind === 'async' ? bodyOf(operation, spec) : undefined;

  return {
    method,
    path,
    ...(typeof operation.operationId === 'string' ? { operationId: operation.operationId } : {}),
    ...(typeof operation.summary === 'string' ? { summary: operation.summary.trim() } : {}),
    deprecated: operation.deprecated === true,
    kind,
    ...(kindReason ? { kindReason } : {}),
    params: pathValues.values,
    query: queryValues.values,
    headers: headerValues.values,
    missing: { params: pathValues.missing, query: queryValues.missing, headers: headerValues.missing },
    ...(headerValues.ignored.length ? { ignoredHeaders: headerValues.ignored } : {}),
    ...(body?.value !== undefined ? { body: body.value } : {}),
    ...(body?.note ? { bodyNote: body.note } : {}),
    ...(pagination ? { pagination } : {}),
    access,
    ...(Array.isArray(security) ? { security } : {}),
    health: method === 'GET' && HEALTH_PATH.test(path),
    spec: {
      source: `${spec.source}#/paths/${pointerEscape(path)}/${method.toLowerCase()}`,
      ...(spec.file?.lines.has(`${method.toUpperCase()} ${path}`)
        ? { location: { uri: spec.file.uri, line: spec.file.lines.get(`${method.toUpperCase()} ${path}`)! } }
        : {}),
      ...(typeof operation.operationId === 'string' ? { operationId: operation.operationId } : {}),
      responses: codes,
      ...(successSchema !== undefined ? { successSchema } : {}),
      ...(errorSchema !== undefined ? { errorSchema } : {}),
      pagination: { fields, headers, params },
      hasPaginationField: fields.length + headers.length + params.length > 0,
      ...(tagsOf(operation).length ? { tags: tagsOf(operation) } : {}),
    },
  };
}

/** Path-level parameters apply to every operation below; an operation's own one with the same name and place wins. */
function mergeParameters(shared: unknown, own: unknown): Parameter[] {
  const list = (value: unknown): Parameter[] =>
    Array.isArray(value) ? value.filter((p): p is Parameter => isObject(p) && typeof p.name === 'string') : [];
  const mine = list(own);
  return [...list(shared).filter((p) => !mine.some((o) => o.name === p.name && o.in === p.in)), ...mine];
}

function valuesOf(
  parameters: Parameter[],
  spec: LoadedSpec,
): { values: Record<string, string>; missing: MissingValue[]; ignored: string[] } {
  const values: Record<string, string> = {};
  const missing: MissingValue[] = [];
  const ignored: string[] = [];
  for (const parameter of parameters) {
    const name = parameter.name!;
    if (parameter.in === 'header' && /^(authorization|content-type|accept|content-length)$/i.test(name)) continue; // the tool sets these itself
    // An id in a path must exist, so only a documented one will do; a query or header value may be
    // any the schema enumerates (status=available).
    const documented =
      firstScalar(documentedValue(parameter)) ?? (parameter.in === 'path' ? undefined : firstScalar(enumValue(parameter.schema)));
    const value = documented !== undefined ? String(documented) : undefined;
    // A served spec is untrusted: a Host header or a control character in an example is never sent.
    const problem = parameter.in === 'header' ? headerProblem(name, value ?? scalarSample(parameter.schema, spec)) : undefined;
    if (problem) ignored.push(`header ${JSON.stringify(name)} ignored: ${problem}`);
    else if (value !== undefined) values[name] = value;
    else missing.push({ name, sample: scalarSample(parameter.schema, spec) });
  }
  return { values, missing, ignored };
}

function scalarSample(schema: Schema | undefined, spec: LoadedSpec): string {
  return String(firstScalar(sampleOf(schema, spec.document)) ?? '1');
}

/** A scalar, or the first item of an array of them (a form-style query parameter sends one value). */
function firstScalar(value: unknown): string | number | boolean | undefined {
  const item = Array.isArray(value) ? value[0] : value;
  return isScalar(item) ? item : undefined;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function guessPagination(paging: ReturnType<typeof pagingParams>, fields: string[], dataField: string | undefined): GuessedPagination {
  const guess: GuessedPagination = {};
  if (paging.limit?.name) guess.limitParam = paging.limit.name;
  const maximum = paging.limit?.schema?.maximum;
  if (typeof maximum === 'number' && Number.isInteger(maximum) && maximum >= 1) guess.maxLimit = maximum;
  if (paging.cursor?.name) {
    guess.cursorParam = paging.cursor.name;
    const cursorField = cursorFieldOf(fields);
    if (cursorField) guess.cursorField = cursorField;
  }
  if (dataField) guess.dataField = dataField;
  if (paging.page?.name) guess.pageParam = paging.page.name;
  return guess;
}

function bodyOf(operation: Operation, spec: LoadedSpec): { value?: unknown; note?: string } | undefined {
  const content = operation.requestBody?.content;
  if (!isObject(content) || Object.keys(content).length === 0) return undefined;
  const json = jsonMedia(content);
  if (!json) return { note: `the spec's body is ${Object.keys(content).join(', ')}; preflight sends JSON bodies, so none is set` };
  const documented = documentedValue(json.media);
  if (documented !== undefined) return { value: documented, note: "from the spec's example" };
  const sampled = sampleOf(json.media.schema, spec.document);
  if (sampled !== undefined) return { value: sampled, note: "a minimal instance of the spec's schema: replace with realistic values" };
  return { note: "the spec's body schema could not be sampled: TODO write an example body" };
}

function tagsOf(operation: Operation): string[] {
  return Array.isArray(operation.tags) ? operation.tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
