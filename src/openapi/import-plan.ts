import type { TargetSpec } from '../types.js';
import type { LoadedSpec } from './load.js';
import { extractOperations, type SpecOperation } from './operations.js';
import { authFromSpec, type AuthGuess } from './security.js';

/** What an OpenAPI document says the config should hold: shared by `preflight init` and `audit --openapi`. */
export interface ImportPlan {
  spec: LoadedSpec;
  /** Every operation, in document order. */
  operations: SpecOperation[];
  /** The operations that become endpoints: all but the one serving as the health endpoint. */
  endpoints: SpecOperation[];
  health?: string;
  /** Paths whose every operation is documented as callable without credentials (`security: []`). */
  publicPaths: string[];
  /** Paths where some operations are public and others are not (the allow-list is per path: left to the user). */
  mixedPaths: string[];
  /** Operations with no security requirement while others have one: maybe public, maybe a gap in the spec. */
  undeclared: string[];
  auth?: AuthGuess;
  /** servers[0].url with its variables filled from their defaults. */
  server?: { url: string; absolute: boolean };
  /** A list at the same path as a create ("GET /orders" for POST /orders): the idempotency check counts it. */
  verify?: string;
  targetSpec: TargetSpec;
}

export function planImport(spec: LoadedSpec): ImportPlan {
  const operations = extractOperations(spec);
  const healthOperation = operations.find((op) => op.health && !op.path.includes('{'));
  const endpoints = operations.filter((op) => op !== healthOperation);

  const byPath = new Map<string, SpecOperation[]>();
  for (const op of operations) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  const publicPaths: string[] = [];
  const mixedPaths: string[] = [];
  for (const [path, ops] of byPath) {
    const open = ops.filter((op) => op.access === 'public').length;
    if (open === ops.length) publicPaths.push(path);
    else if (open > 0) mixedPaths.push(path);
  }
  const anySecured = operations.some((op) => op.access === 'secured');
  const undeclared = anySecured ? operations.filter((op) => op.access === 'undeclared').map(label) : [];

  const list = endpoints.find(
    (op) => op.kind === 'list' && endpoints.some((w) => w.method === 'POST' && w.path === op.path && w.kind === 'write'),
  );
  const server = serverOf(spec);
  const auth = authFromSpec(spec.document, operations);
  return {
    spec,
    operations,
    endpoints,
    ...(healthOperation ? { health: healthOperation.path } : {}),
    publicPaths,
    mixedPaths,
    undeclared,
    ...(auth ? { auth } : {}),
    ...(server ? { server } : {}),
    ...(list ? { verify: label(list) } : {}),
    targetSpec: targetSpecOf(spec, operations),
  };
}

export function label(op: Pick<SpecOperation, 'method' | 'path'>): string {
  return `${op.method} ${op.path}`;
}

function serverOf(spec: LoadedSpec): ImportPlan['server'] {
  const first = spec.document.servers?.[0];
  if (typeof first?.url !== 'string') return undefined;
  const variables = first.variables ?? {};
  const url = first.url.replace(/\{([^}]+)\}/g, (match, name: string) => variables[name]?.default ?? match).replace(/\/+$/, '');
  return { url, absolute: /^https?:\/\/[^\s/?#{}]+[^\s?#{}]*$/.test(url) };
}

/** The error body most operations document: what error-hygiene compares real errors with. */
function targetSpecOf(spec: LoadedSpec, operations: readonly SpecOperation[]): TargetSpec {
  const tally = new Map<string, { schema: unknown; users: string[] }>();
  for (const op of operations) {
    if (op.spec.errorSchema === undefined) continue;
    const key = JSON.stringify(op.spec.errorSchema);
    const entry = tally.get(key) ?? { schema: op.spec.errorSchema, users: [] };
    entry.users.push(label(op));
    tally.set(key, entry);
  }
  const common = [...tally.values()].sort((a, b) => b.users.length - a.users.length)[0];
  return {
    source: spec.source,
    title: spec.title,
    version: spec.version,
    openapi: spec.openapi,
    ...(spec.convertedFrom ? { convertedFrom: spec.convertedFrom } : {}),
    ...(common ? { errorSchema: common.schema } : {}),
    errorSchemaUsedBy: common?.users ?? [],
  };
}
