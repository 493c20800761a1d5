import { dirname, join } from 'node:path';
import { artifactUri } from '../config/artifact-uri.js';
import { TODO_PLACEHOLDER } from '../config/endpoints.js';
import { loadConfigText } from '../config/load.js';
import type { ImportPlan } from './import-plan.js';
import type { SpecOperation } from './operations.js';
import { commentText, literal, yamlValue } from './yaml-out.js';

export interface InitInput {
  /** --base-url, as given. */
  baseUrl?: string;
  plan?: ImportPlan;
  /** What the header comment and the next-step line call the spec and the output file. */
  specName?: string;
  outputName: string;
  /** The $schema reference for the editor line: a path that resolves from the written file (schemaRef()). */
  schema?: string;
}

export interface WrittenConfig {
  text: string;
  /** Environment variables the config reads (placeholders the user must set). */
  env: Array<{ name: string; what: string }>;
  /** How many values are left as TODO. */
  todos: number;
  /** How many endpoints have at least one TODO (an audit skips them until they are filled in). */
  todoEndpoints: number;
  endpoints: number;
}

const BASE_URL_ENV = 'API_BASE_URL';

/**
 * A commented config for `preflight init`: from an OpenAPI plan when there is one, else a starter.
 * Hand-written text rather than a YAML dump, so each line can say where it came from. Everything from
 * the spec is untrusted: values pass literal() and yamlValue(), and every line passes commentText(),
 * so no spec string can end a comment or a value and add keys of its own.
 */
export function renderConfig(input: InitInput): WrittenConfig {
  const { plan } = input;
  const noun = nounOf(plan);
  const env: WrittenConfig['env'] = [];
  const out: string[] = [];
  const line = (text = ''): void => void out.push(commentText(text));
  let todos = 0;
  let todoEndpoints = 0;

  line(`# yaml-language-server: $schema=${input.schema ?? './node_modules/api-preflight/schema/config.schema.json'}`);
  if (plan) {
    line(`# Written by \`preflight init\` from ${input.specName ?? plan.spec.source}`);
    line(
      `# (${plan.spec.title}${plan.spec.version ? ` ${plan.spec.version}` : ''}, ${plan.spec.convertedFrom ? `converted from ${plan.spec.convertedFrom} to ` : ''}OpenAPI ${plan.spec.openapi}): ${plan.operations.length} operations.`,
    );
  } else {
    line('# Written by `preflight init`: a starter config. List your endpoints below, or run');
    line('#   preflight init --from-openapi openapi.yaml --force   to fill them in from your OpenAPI document.');
  }
  line('# Every key, with its default, is described in config.example.yaml. ${VARS} are read from the');
  line('# environment and never printed.');
  line();

  // target
  const base = baseUrlOf(input);
  if (base.env) env.push({ name: BASE_URL_ENV, what: "the API's base URL (staging, not production)" });
  line('target:');
  if (plan) line(`  name: ${scalar(literal(plan.spec.title))}`);
  line(`  baseUrl: ${scalar(base.value)}${base.comment ? `   # ${base.comment}` : ''}`);
  line();

  // auth
  const auth = plan
    ? plan.auth
    : {
        headers: { Authorization: 'Bearer ${API_TOKEN}' },
        query: {},
        env: [{ name: 'API_TOKEN', what: 'a token the API accepts' }],
        from: [],
        unsupported: [],
      };
  if (auth && (Object.keys(auth.headers).length || Object.keys(auth.query).length)) {
    env.push(...auth.env);
    line(`# What makes a request authenticated${auth.from.length ? `: from securitySchemes ${auth.from.join(', ')}` : ''}.`);
    if (auth.unsupported.length) line(`# Not expressible here (send them another way or audit without): ${auth.unsupported.join(', ')}.`);
    line('auth:');
    if (Object.keys(auth.headers).length) line(`  headers: ${flow(auth.headers)}`);
    if (Object.keys(auth.query).length) line(`  query: ${flow(auth.query)}`);
  } else if (plan) {
    line(
      `# The ${noun} declares no security${auth?.unsupported.length ? ` preflight can send (${auth.unsupported.join(', ')})` : ''}. If the API needs credentials, add them:`,
    );
    line('# auth:');
    line('#   headers: { Authorization: "Bearer ${API_TOKEN}" }');
  }
  line();

  // publicPaths
  const publicPaths = plan ? plan.publicPaths : ['/health'];
  line('# The allow-list: paths anyone may call. Everything else must refuse anonymous requests.');
  if (plan) line(`# From the ${PUBLIC_FROM[noun]}${publicPaths.length ? '' : ' (there are none)'}.`);
  if (plan?.mixedPaths.length)
    line(`# Public for some methods only (the list is per path, so they are left out): ${plan.mixedPaths.join(', ')}`);
  if (plan?.undeclared.length)
    line(`# No security requirement in the ${noun} (add them here if anyone may call them): ${abbreviate(plan.undeclared)}`);
  line(`publicPaths: ${flow(literal(publicPaths))}`);
  line();

  // endpoints
  if (plan) {
    line(
      `# One per ${noun === 'spec' ? 'operation' : 'request'} in the ${noun}${plan.health ? ` (${plan.health} is the health endpoint below)` : ''}. kind: list = paginated collection,`,
    );
    line('# write = state-changing (probed only with allowWrites), async = should answer 202 fast, read = the rest.');
    line(plan.endpoints.length ? 'endpoints:' : 'endpoints: []');
    for (const op of plan.endpoints) {
      const left = writeEndpoint(op, line, noun);
      todos += left;
      if (left) todoEndpoints++;
    }
  } else {
    line('# What to probe: list every endpoint (method defaults to GET). For example:');
    line(
      '#   - { method: GET, path: /api/orders, kind: list, pagination: { limitParam: limit, cursorParam: cursor, cursorField: next_cursor, dataField: data } }',
    );
    line('#   - { method: POST, path: /api/orders, kind: write, body: { sku: A1, qty: 1 } }');
    line('#   - { method: GET, path: "/api/orders/{id}", params: { id: ord_123 } }');
    line('endpoints: []');
  }
  line();

  const health = plan ? plan.health : undefined;
  if (health) line(`health: ${scalar(literal(health))}                          # answers 2xx fast, without auth`);
  else
    line(
      `# health: /health                         # ${plan ? `the ${noun} has no health-like path; ` : ''}without it, /health, /healthz, /readyz and /livez are tried`,
    );
  line(
    'allowWrites: false                         # POST/PUT/PATCH/DELETE probes only when true (or --allow-writes): use a test environment',
  );
  if (plan?.verify)
    line(
      `idempotency: ${flow({ verify: literal(plan.verify) })}   # a list whose count must grow by one, not two, after a replayed create`,
    );

  line('');
  for (const comment of OBSERVABILITY_LINES) line(comment);

  const text = `${out.join('\n')}\n`;
  return { text, env, todos, todoEndpoints, endpoints: plan?.endpoints.length ?? 0 };
}

/** One endpoint as a block item, with a comment saying what it is and where each guess came from. Returns its TODO count. */
function writeEndpoint(op: SpecOperation, line: (text?: string) => void, noun: Noun): number {
  let todos = 0;
  const about = [op.operationId, op.summary].filter(Boolean).join(': ');
  const notes = [about, op.kindReason ? `${op.kind}: ${op.kindReason}` : '', op.deprecated ? 'deprecated' : ''].filter(Boolean).join(' · ');
  if (notes) line(`  # ${oneLine(notes)}`);
  line(`  - method: ${op.method}`);
  line(`    path: ${scalar(literal(op.path))}`);
  const defaultKind = op.method === 'GET' || op.method === 'HEAD' || op.method === 'OPTIONS' ? 'read' : 'write';
  if (op.kind !== defaultKind || op.kind === 'write') line(`    kind: ${op.kind}`);
  for (const [key, documented, missing] of [
    ['params', op.params, op.missing.params],
    ['query', op.query, op.missing.query],
    ['headers', op.headers, op.missing.headers],
  ] as const) {
    const values: Record<string, string> = { ...documented };
    for (const m of missing) values[m.name] = TODO_PLACEHOLDER;
    if (!Object.keys(values).length) continue;
    todos += missing.length;
    const comment = missing.length
      ? `   # TODO: ${missing.map((m) => m.name).join(', ')}: the ${noun} gives no example; use an existing value`
      : '';
    line(`    ${key}: ${flow(literal(values))}${comment}`);
  }
  for (const ignored of op.ignoredHeaders ?? []) line(`    # ${ignored}`);
  if (op.pagination) {
    const { pageParam, ...pagination } = op.pagination;
    const comment = pageParam
      ? `   # pages with ${pageParam} too: the audit finds page/offset paging (${pageParam}) by itself; pagination: here names cursors`
      : '';
    if (Object.keys(pagination).length) line(`    pagination: ${flow(literal(pagination))}${comment}`);
    else if (comment) line(`    #${comment.trim().slice(1)}`);
  }
  if (op.body !== undefined) {
    const inline = flow(literal(op.body));
    const comment = op.bodyNote ? `   # ${ownNote(op.bodyNote, noun)}` : '';
    if (inline.length <= 100) line(`    body: ${inline}${comment}`);
    else {
      line(`    body:${comment}`);
      for (const bodyLine of yamlValue(literal(op.body)).split('\n')) line(`      ${bodyLine}`);
    }
  } else if (op.bodyNote) {
    line(`    # body: ${ownNote(op.bodyNote, noun)}`);
  }
  return todos;
}

function baseUrlOf(input: InitInput): { value: string; env?: boolean; comment?: string } {
  const server = input.plan?.server;
  if (input.baseUrl) {
    const prefix =
      server && !server.absolute && server.url.startsWith('/') && !new URL(input.baseUrl).pathname.replace(/\/+$/, '')
        ? server.url
        : undefined;
    return {
      value: input.baseUrl,
      ...(prefix ? { comment: `the spec's paths are below ${prefix}: add it here if the API is served there` } : {}),
    };
  }
  if (server?.absolute)
    return {
      value: literal(server.url),
      comment: `${nounOf(input.plan) === 'spec' ? "the spec's servers[0]" : `from the ${nounOf(input.plan)}`}: point it at staging, not production`,
    };
  return {
    value: `\${${BASE_URL_ENV}}`,
    env: true,
    comment: server?.url
      ? `the spec's servers[0] is ${server.url}: set ${BASE_URL_ENV} to a full URL`
      : `set ${BASE_URL_ENV}, or write the URL here`,
  };
}

type Noun = 'spec' | 'collection' | 'recording';

/** What the comments call the input: the importers' documents are written by preflight, not by the API's owners. */
export function nounOf(plan: ImportPlan | undefined): Noun {
  const from = plan?.spec.convertedFrom ?? '';
  return from.startsWith('Postman') ? 'collection' : from.startsWith('HAR') ? 'recording' : 'spec';
}

/** The planner's notes speak of "the spec": an imported collection or recording is called what it is. */
function ownNote(note: string, noun: Noun): string {
  return noun === 'spec' ? note : note.replace(/\bthe spec's\b/g, `the ${noun}'s`);
}

const PUBLIC_FROM: Record<Noun, string> = {
  spec: 'operations documented with `security: []`',
  collection: 'requests whose auth is "No Auth"',
  recording: 'calls recorded without credentials that succeeded',
};

function scalar(value: unknown): string {
  return yamlValue(value);
}

function flow(value: unknown): string {
  return yamlValue(value, { collectionStyle: 'flow' });
}

function oneLine(text: string): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > 160 ? `${single.slice(0, 157)}...` : single;
}

function abbreviate(labels: readonly string[]): string {
  return labels.length > 8 ? `${labels.slice(0, 8).join(', ')} and ${labels.length - 8} more` : labels.join(', ');
}

/**
 * Loads the written text through the real config loader, placeholders filled, so `init` never
 * writes a file `audit` would refuse. Throws the loader's ConfigError if it would.
 */
export async function assertLoads(written: WrittenConfig, file: string): Promise<void> {
  const env = Object.fromEntries(
    written.env.map((e) => [e.name, e.name === BASE_URL_ENV ? 'https://staging.example.com' : `placeholder-${e.name.toLowerCase()}`]),
  );
  await loadConfigText(written.text, file, { env });
}

/**
 * The config schema of the install that runs init, as the written file's editor will resolve it:
 * relative to the file when this install is below its folder (node_modules of the project, or a
 * checkout), else absolute (a global or npx install: ./node_modules/… would not exist there).
 */
export function schemaRef(outputPath: string, packageRootDir: string): string {
  const uri = artifactUri(join(packageRootDir, 'schema', 'config.schema.json'), dirname(outputPath));
  return uri.startsWith('file:') ? uri : `./${uri}`;
}

/**
 * Item 9, commented out: where the service's own metrics, alert rules and logs can be read. Never a
 * logs command: a command runs on the auditor's machine, so only the user writes one.
 */
const OBSERVABILITY_LINES = [
  '# Item 9 (observability) is "not audited" until you say where the service\'s own telemetry can be read;',
  "# the audit then checks that its metrics, alert rules and logs saw the audit's own requests.",
  '# observability:',
  '#   metrics: { url: https://staging.example.com/metrics }      # or { prometheus: http://prometheus:9090, selector: \'{job="api"}\' }',
  '#   alertRules: { files: [deploy/prometheus/rules/*.yml] }     # or { prometheus: http://prometheus:9090 }',
  '#   logs: { file: ./api.log }                                  # or a command (argv, no shell): see config.example.yaml',
];
