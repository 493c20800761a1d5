import { readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, visit, isMap, isPair, isScalar, type Document, type Node, type Pair } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Endpoint, EndpointKind, Secret, Target } from '../types.js';
import { packageRoot } from '../package-info.js';
import { ConfigError } from './errors.js';
import { Redactor } from '../http/redact.js';
import { isPublicPath, pathParams } from './endpoints.js';
import { splitHeaders } from '../http/header-rules.js';
import { stackIds } from '../stack/registry.js';
import { artifactUri } from './artifact-uri.js';
import { observabilityOf, resolveObservabilityPaths, type RawObservability } from './observability.js';

const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadOptions {
  /** The environment for ${VAR} interpolation (the CLI passes process.env; checks never read it). */
  env: Record<string, string | undefined>;
  /** Folder a relative config path is read from (default: the process's). Messages show the path as given. */
  cwd?: string;
  /**
   * For commands that send nothing (plan): an unset variable gets a placeholder instead of an error,
   * and its name is passed here. An audit never sets this: it would send the placeholder.
   */
  onUnsetEnv?: (name: string) => void;
}

/** Reads, interpolates, validates and defaults a config file. Throws ConfigError (one line) on any problem. */
export async function loadConfigFile(file: string, options: LoadOptions): Promise<Target> {
  const fullPath = resolve(options.cwd ?? process.cwd(), file);
  let size: number;
  try {
    size = statSync(fullPath).size;
  } catch {
    throw new ConfigError(file, undefined, undefined, undefined, 'config file not found', 'check the path given to --config');
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      file,
      undefined,
      undefined,
      undefined,
      `config file is ${size} bytes, over the 1 MiB limit`,
      'a config is a short YAML file; check the path',
    );
  }
  const bytes = readFileSync(fullPath);
  if (bytes.includes(0)) {
    throw new ConfigError(
      file,
      undefined,
      undefined,
      undefined,
      'config file is binary, not YAML text',
      'check the path given to --config',
    );
  }
  const text = bytes.toString('utf8');
  const target = await loadConfigText(text, file, options);
  if (target.tls.ca) target.tls.ca = resolve(dirname(fullPath), target.tls.ca);
  target.configLocation = { uri: artifactUri(fullPath, options.cwd ?? process.cwd()), line: targetKeyLine(text) };
  resolveObservabilityPaths(target.observability, dirname(fullPath));
  return target;
}

/** The line of the top-level target: key (where target-wide findings point), 1 when not found. */
function targetKeyLine(text: string): number {
  const index = text.split('\n').findIndex((line) => /^target\s*:/.test(line));
  return index < 0 ? 1 : index + 1;
}

/** As loadConfigFile, from text already in memory (the demo, tests). */
export async function loadConfigText(text: string, file: string, options: LoadOptions): Promise<Target> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (node: { range?: [number, number, number] | null } | null | undefined): { line?: number; col?: number } => {
    if (!node?.range) return {};
    const pos = lineCounter.linePos(node.range[0]);
    return { line: pos.line, col: pos.col };
  };

  const syntax = doc.errors[0];
  if (syntax) {
    const pos = syntax.linePos?.[0] ?? lineCounter.linePos(syntax.pos[0]);
    const problem = syntax.message.split('\n')[0] ?? 'YAML syntax error';
    throw new ConfigError(
      file,
      pos?.line,
      pos?.col,
      undefined,
      `YAML syntax error: ${problem.replace(/ at line \d+, column \d+:?$/, '')}`,
      'fix the YAML at that line',
    );
  }
  if (!isMap(doc.contents)) {
    const where = at(doc.contents as Node | null);
    throw new ConfigError(
      file,
      where.line ?? 1,
      where.col ?? 1,
      undefined,
      'the config must be a YAML mapping with a target: key',
      'start from config.example.yaml',
    );
  }

  const secrets = interpolate(doc, file, options, at);
  let data: Record<string, unknown>;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (error) {
    // yaml refuses alias bombs ("billion laughs") and the like; say so in one line.
    throw new ConfigError(
      file,
      undefined,
      undefined,
      undefined,
      `cannot read the YAML: ${(error as Error).message}`,
      'a config needs no more than a few YAML aliases',
    );
  }

  const validate = await configValidator();
  try {
    if (!validate(data)) throw toConfigError(pickError(validate.errors ?? []), doc, data, file, at);
    return toTarget(data as unknown as RawConfig, doc, file, secrets, at);
  } catch (error) {
    // A value from the environment may be what is wrong ("got ..."): never print it.
    if (error instanceof ConfigError && secrets.length) throw redactConfigError(error, secrets);
    throw error;
  }
}

function redactConfigError(error: ConfigError, secrets: readonly Secret[]): ConfigError {
  const redactor = new Redactor(secrets);
  return new ConfigError(
    error.file,
    error.line,
    error.col,
    error.path,
    redactor.text(error.problem),
    error.hint === undefined ? undefined : redactor.text(error.hint),
  );
}

type At = (node: { range?: [number, number, number] | null } | null | undefined) => { line?: number; col?: number };

/** Keys whose interpolated values are shown in reports by design (where the audit went). */
const PUBLIC_KEYS = new Set([
  'target.baseUrl',
  'target.name',
  // Where the service's telemetry is read (a metrics URL, a Prometheus server, rule files, a log file).
  'observability.metrics.url',
  'observability.metrics.prometheus',
  'observability.alertRules.files',
  'observability.alertRules.prometheus',
  'observability.logs.file',
]);

/**
 * Replaces ${VAR} (and ${VAR:-default}) in string values; $${VAR} stays literal. Every value taken
 * from the environment is treated as a secret, except the target's name and base URL.
 */
function interpolate(doc: Document, file: string, options: LoadOptions, at: At): Secret[] {
  const { env, onUnsetEnv } = options;
  const secrets: Secret[] = [];
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const keyPath = ancestors
        .filter((a): a is Pair => isPair(a))
        .map((pair) => (isScalar(pair.key) ? String(pair.key.value) : '?'))
        .join('.');
      const isPublic = PUBLIC_KEYS.has(keyPath);
      node.value = node.value.replace(/\$?\$\{([^}]*)\}/g, (match: string, inner: string) => {
        if (match.startsWith('$$')) return match.slice(1);
        const [, name, fallback] = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/.exec(inner) ?? [];
        const where = at(node);
        if (!name) {
          throw new ConfigError(
            file,
            where.line,
            where.col,
            undefined,
            `"\${${inner}}" is not a valid variable reference`,
            'write ${NAME} or ${NAME:-default}; $${...} for a literal',
          );
        }
        let value = env[name] ?? fallback;
        if (value === undefined && onUnsetEnv) {
          onUnsetEnv(name);
          value = keyPath === 'target.baseUrl' ? 'http://unset.invalid' : `unset-${name}`;
        }
        if (value === undefined) {
          throw new ConfigError(
            file,
            where.line,
            where.col,
            undefined,
            `environment variable ${name} is not set`,
            `export ${name}=... before running, or write \${${name}:-default}`,
          );
        }
        if (env[name] !== undefined && !isPublic) secrets.push({ value, envVar: name });
        return value;
      });
    },
  });
  return secrets;
}

let compiled: ValidateFunction | undefined;

async function configValidator(): Promise<ValidateFunction> {
  if (compiled) return compiled;
  // ajv costs ~40 ms to import: loaded only when a config is read.
  const { default: Ajv } = await import('ajv');
  const schema = JSON.parse(readFileSync(join(packageRoot(), 'schema', 'config.schema.json'), 'utf8')) as object;
  const ajv = new Ajv.default({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true });
  compiled = ajv.compile(schema);
  return compiled;
}

/** The most useful of ajv's errors: the deepest, and a typo (unknown key) before what it caused. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject): number => (e.keyword === 'additionalProperties' ? 2 : e.keyword === 'required' ? 1 : 0);
  const sorted = [...errors].sort((a, b) => depth(b) - depth(a) || rank(b) - rank(a));
  const first = sorted[0];
  if (!first) throw new Error('ajv reported failure without errors');
  return first;
}

function depth(error: ErrorObject): number {
  return error.instancePath.split('/').length + (error.keyword === 'additionalProperties' ? 1 : 0);
}

function segments(instancePath: string): Array<string | number> {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export function displayPath(parts: ReadonlyArray<string | number>): string {
  return parts.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

/** Friendly words for the patterns in the schema, keyed by the property they constrain. */
const PATTERN_HINTS: Record<string, { problem: string; hint: string }> = {
  baseUrl: {
    problem: 'must be an http:// or https:// URL without query or fragment',
    hint: 'e.g. https://staging.example.com or http://127.0.0.1:8080/v1',
  },
  path: { problem: 'must start with /', hint: 'e.g. /api/orders/{id}' },
  publicPaths: { problem: 'must start with /', hint: 'e.g. /health or /public/*' },
  health: { problem: 'must start with /', hint: 'e.g. /health' },
  header: { problem: 'is not a valid HTTP header name', hint: 'letters, digits and - only, e.g. X-Request-Id' },
  expires: { problem: 'must be a date YYYY-MM-DD', hint: 'e.g. 2027-01-31' },
  verify: { problem: 'must be a GET endpoint path', hint: 'e.g. "GET /api/orders"' },
};

function toConfigError(error: ErrorObject, doc: Document, data: unknown, file: string, at: At): ConfigError {
  const parts = segments(error.instancePath);
  const node = doc.getIn(parts, true) as Node | undefined;
  const value = parts.reduce<unknown>((current, part) => (current as Record<string | number, unknown> | undefined)?.[part], data);
  const path = displayPath(parts);
  const params = error.params as Record<string, unknown>;
  const where = at(node);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const pair = isMap(node) ? node.items.find((item: Pair) => isScalar(item.key) && item.key.value === key) : undefined;
      const keyAt = at(pair && isPair(pair) ? (pair.key as Node) : node);
      const allowed = allowedKeys(error.parentSchema);
      const guess = closest(key, allowed);
      const hint = guess ? `did you mean "${guess}"?` : `allowed keys: ${allowed.join(', ')}`;
      return new ConfigError(file, keyAt.line, keyAt.col, displayPath([...parts, key]), `unknown key "${key}"`, hint);
    }
    case 'required': {
      const missing = String(params.missingProperty);
      return new ConfigError(
        file,
        where.line ?? 1,
        where.col ?? 1,
        path || undefined,
        `missing required key "${missing}"`,
        missing === 'baseUrl'
          ? 'add baseUrl: https://your-api.example.com under target:'
          : `add ${missing}: under ${path || 'the top level'}`,
      );
    }
    case 'type':
      return new ConfigError(
        file,
        where.line,
        where.col,
        path,
        `must be ${article(String(params.type))}, got ${describe(value)}`,
        'see config.example.yaml for this key',
      );
    case 'enum':
      return new ConfigError(
        file,
        where.line,
        where.col,
        path,
        `must be one of ${(params.allowedValues as unknown[]).join(', ')}, got ${describe(value)}`,
      );
    case 'pattern': {
      const key = [...parts].reverse().find((part): part is string => typeof part === 'string') ?? '';
      const friendly = PATTERN_HINTS[key];
      return new ConfigError(
        file,
        where.line,
        where.col,
        path,
        friendly ? `${friendly.problem}, got ${describe(value)}` : `does not match ${String(params.pattern)}`,
        friendly?.hint,
      );
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '>=', maximum: '<=', exclusiveMinimum: '>', exclusiveMaximum: '<' }[error.keyword];
      return new ConfigError(file, where.line, where.col, path, `must be ${op} ${String(params.limit)}, got ${describe(value)}`);
    }
    case 'minLength':
      return new ConfigError(file, where.line, where.col, path, 'must not be empty');
    default:
      return new ConfigError(file, where.line, where.col, path || undefined, error.message ?? 'is not valid');
  }
}

function allowedKeys(parentSchema: unknown): string[] {
  const properties = (parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

function article(type: string): string {
  const words = type
    .split(',')
    .map((t) => (t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`));
  return words.join(' or ');
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The allowed key nearest to a typo (edit distance ≤ 2, or a case-insensitive match). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

interface RawEndpoint {
  method: string;
  path: string;
  kind?: EndpointKind;
  params: Record<string, string | number>;
  query: Record<string, string | number | boolean>;
  headers: Record<string, string>;
  body?: unknown;
  pagination?: {
    limitParam?: string;
    cursorParam?: string;
    cursorField?: string;
    dataField?: string;
    idField: string;
    maxLimit: number;
    maxPages: number;
  };
}

type RawConfig = Omit<Target, 'endpoints' | 'name' | 'baseUrl' | 'secrets' | 'configFile' | 'discover' | 'stack'> & {
  discover: boolean;
  stack?: string | string[];
  target: { name?: string; baseUrl: string };
  endpoints: RawEndpoint[];
  secrets: { values: string[] };
  observability?: RawObservability;
};

/** `stack: fastapi` or `stack: [fastapi, nginx]`: each must name a pack in stacks/ (listed, not loaded). */
function stackOf(
  raw: string | string[] | undefined,
  fail: (parts: Array<string | number>, problem: string, hint?: string) => never,
): string[] {
  if (raw === undefined) return [];
  const names = typeof raw === 'string' ? [raw] : raw;
  const known = stackIds();
  names.forEach((name, index) => {
    if (!known.includes(name)) {
      const near = closest(name, known);
      fail(
        typeof raw === 'string' ? ['stack'] : ['stack', index],
        `unknown stack "${name}"`,
        `${near ? `did you mean ${near}? ` : ''}use one of: ${known.join(', ')}`,
      );
    }
  });
  return [...new Set(names)];
}

/** Checks the schema cannot express, then builds the typed target. */
function toTarget(raw: RawConfig, doc: Document, file: string, secrets: Secret[], at: At): Target {
  const fail = (parts: Array<string | number>, problem: string, hint?: string): never => {
    const where = at(doc.getIn(parts, true) as Node | undefined);
    throw new ConfigError(file, where.line, where.col, displayPath(parts), problem, hint);
  };

  const warnings: string[] = [];
  // Host, framing headers and invalid names/values are never sent: dropped, one warning line each.
  const allowedHeaders = (headers: Record<string, string>, parts: Array<string | number>): Record<string, string> => {
    const { kept, ignored } = splitHeaders(headers);
    const where = at(doc.getIn(parts, true) as Node | undefined);
    for (const line of ignored) warnings.push(`${file}:${where.line ?? 1}:${where.col ?? 1}: ${displayPath(parts)}: ${line}`);
    return kept;
  };
  const lineOf = (parts: Array<string | number>): { line?: number } => {
    const { line } = at(doc.getIn(parts, true) as Node | undefined);
    return line ? { line } : {};
  };
  const seen = new Map<string, number>();
  const endpoints: Endpoint[] = raw.endpoints.map((e, index) => {
    const method = e.method.toUpperCase();
    const label = `${method} ${e.path}`;
    if (seen.has(label))
      fail(['endpoints', index], `duplicate endpoint ${label} (also endpoints[${seen.get(label)}])`, 'list each method and path once');
    seen.set(label, index);
    const params = Object.fromEntries(Object.entries(e.params).map(([k, v]) => [k, String(v)]));
    for (const name of pathParams(e.path)) {
      if (!name) fail(['endpoints', index, 'path'], 'has an empty {} placeholder');
      if (params[name] === undefined)
        fail(
          ['endpoints', index, 'path'],
          `placeholder {${name}} has no value`,
          `add params: { ${name}: <an existing id> } to this endpoint`,
        );
    }
    const safe = method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
    const kind: EndpointKind = e.kind ?? (safe ? 'read' : 'write');
    if (kind === 'list' && method !== 'GET') fail(['endpoints', index, 'kind'], `kind list needs method GET, got ${method}`);
    return {
      label,
      method,
      path: e.path,
      kind,
      params,
      query: Object.fromEntries(Object.entries(e.query).map(([k, v]) => [k, String(v)])),
      headers: allowedHeaders(e.headers, ['endpoints', index, 'headers']),
      ...(e.body !== undefined ? { body: e.body } : {}),
      ...(kind === 'list'
        ? { pagination: e.pagination ?? { idField: 'id', maxLimit: 100, maxPages: 20 } }
        : e.pagination
          ? { pagination: e.pagination }
          : {}),
      public: isPublicPath(e.path, raw.publicPaths),
      ...lineOf(['endpoints', index]),
    };
  });

  const stack = stackOf(raw.stack, fail);
  raw.waivers.forEach((waiver, index) => {
    const date = new Date(`${waiver.expires}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== waiver.expires) {
      fail(['waivers', index, 'expires'], `"${waiver.expires}" is not a real date`, 'use YYYY-MM-DD');
    }
  });
  if (raw.thresholds.p99Ms < raw.thresholds.p95Ms) {
    fail(
      ['thresholds', 'p99Ms'],
      `p99Ms (${raw.thresholds.p99Ms}) is below p95Ms (${raw.thresholds.p95Ms})`,
      'p99 can never be faster than p95; raise p99Ms',
    );
  }
  if (raw.limits.timeoutMs > raw.limits.maxDurationMs) {
    fail(
      ['limits', 'timeoutMs'],
      `one request may take ${raw.limits.timeoutMs} ms but the whole run only ${raw.limits.maxDurationMs} ms`,
      'lower timeoutMs or raise maxDurationMs',
    );
  }
  if (raw.idempotency.verify) {
    const verify = raw.idempotency.verify.replace(/^GET\s+/, '');
    if (!endpoints.some((e) => e.method === 'GET' && e.path === verify)) {
      fail(['idempotency', 'verify'], `no GET endpoint ${verify} is configured`, 'add it under endpoints, or remove verify');
    }
  }
  let ca: string | undefined;
  if (raw.tls.ca) {
    ca = raw.tls.ca;
    if (!existsSync(resolve(dirname(file), ca)))
      fail(['tls', 'ca'], `CA file ${raw.tls.ca} not found`, 'give a PEM file path relative to the config file');
  }
  for (const [name, value] of Object.entries(raw.auth.headers)) {
    if (/[\r\n]/.test(value))
      fail(['auth', 'headers', name], 'header value contains a line break', 'check the environment variable it comes from');
  }
  const identities = raw.auth.identities ?? {};
  for (const [identity, credentials] of Object.entries(identities)) {
    for (const [name, value] of Object.entries(credentials.headers)) {
      if (/[\r\n]/.test(value))
        fail(
          ['auth', 'identities', identity, 'headers', name],
          'header value contains a line break',
          'check the environment variable it comes from',
        );
    }
  }
  const identityValues = Object.values(identities).flatMap((c) => [...Object.values(c.headers), ...Object.values(c.query)]);
  const writtenAuthHeaders = raw.auth.headers;
  raw.auth.headers = allowedHeaders(raw.auth.headers, ['auth', 'headers']);
  for (const [identity, credentials] of Object.entries(identities)) {
    credentials.headers = allowedHeaders(credentials.headers, ['auth', 'identities', identity, 'headers']);
  }

  // Every credential is a secret, even one written literally in the file (or ignored above).
  const allSecrets: Secret[] = [...secrets];
  for (const value of [...Object.values(writtenAuthHeaders), ...Object.values(raw.auth.query), ...identityValues, ...raw.secrets.values]) {
    const bare = value.replace(/^(Bearer|Basic|Token|Bot)\s+/i, '');
    if (!allSecrets.some((s) => s.value === value)) allSecrets.push({ value });
    if (bare !== value && bare.length >= 4 && !allSecrets.some((s) => s.value === bare)) allSecrets.push({ value: bare });
  }

  const observability = observabilityOf(raw.observability, fail);
  for (const secret of observability.secrets) if (!allSecrets.some((s) => s.value === secret.value)) allSecrets.push(secret);

  // A secret interpolated into a path (a tenant id) must not show in labels: findings, progress, reports.
  const labels = new Redactor(allSecrets);
  for (const endpoint of endpoints) endpoint.label = labels.text(endpoint.label);

  const baseUrl = raw.target.baseUrl.replace(/\/+$/, '');
  return {
    name: raw.target.name ?? new URL(baseUrl).host,
    baseUrl,
    configFile: file,
    auth: raw.auth,
    discover: raw.discover,
    publicPaths: raw.publicPaths,
    endpoints,
    ...(raw.health ? { health: raw.health } : {}),
    allowWrites: raw.allowWrites,
    ...(raw.allowSpecWrites ? { allowSpecWrites: raw.allowSpecWrites } : {}),
    cleanup: raw.cleanup === true,
    requestId: raw.requestId,
    limits: raw.limits,
    thresholds: raw.thresholds,
    latency: raw.latency,
    idempotency: raw.idempotency,
    waivers: raw.waivers,
    ...(stack.length ? { stack } : {}),
    tls: { insecure: raw.tls.insecure, ...(ca ? { ca } : {}) },
    secrets: allSecrets,
    ...(observability.config ? { observability: observability.config } : {}),
    ...(warnings.length ? { warnings: warnings.map((w) => labels.text(w)) } : {}),
  };
}
