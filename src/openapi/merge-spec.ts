import { isPublicPath } from '../config/endpoints.js';
import type { Endpoint, Target } from '../types.js';
import type { SpecOperation } from './operations.js';
import { loadSpec } from './load.js';
import { label, planImport, type ImportPlan } from './import-plan.js';

export interface MergeResult {
  target: Target;
  /** Endpoints the spec added (the config did not list them). */
  added: Endpoint[];
  /** Added endpoints probed with made-up values for parameters the spec gives no example for. */
  placeholders: string[];
}

/** "/orders/{orderId}" and "/orders/{id}" name the same route. */
const routeKey = (method: string, path: string): string =>
  `${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, '{}').replace(/(.)\/+$/, '$1')}`;

/**
 * `audit --openapi`: every operation the spec lists and the config does not is added as an endpoint,
 * so nothing documented goes unprobed. Where both speak the config wins: its endpoints, allow-list
 * entries, health path and auth stay as written; spec facts (response schemas) are attached to them.
 */
export function mergeSpec(target: Target, plan: ImportPlan): MergeResult {
  const byRoute = new Map(plan.operations.map((op) => [routeKey(op.method, op.path), op]));
  const configured = new Set(target.endpoints.map((e) => routeKey(e.method, e.path)));
  const configuredPaths = new Set(target.endpoints.map((e) => routeKey('', e.path)));
  const health = target.health ?? plan.health;

  const publicPaths = [...target.publicPaths];
  for (const path of plan.publicPaths) {
    if (!configuredPaths.has(routeKey('', path)) && !publicPaths.includes(path)) publicPaths.push(path);
  }

  const endpoints: Endpoint[] = target.endpoints.map((endpoint) => {
    const op = byRoute.get(routeKey(endpoint.method, endpoint.path));
    return op && !endpoint.spec ? { ...endpoint, spec: op.spec } : endpoint;
  });
  const added: Endpoint[] = [];
  const placeholders: string[] = [];
  for (const op of plan.operations) {
    if (configured.has(routeKey(op.method, op.path))) continue;
    if (op.method === 'GET' && op.path === health) continue; // probed as the health endpoint
    const endpoint = toEndpoint(op, publicPaths);
    if (op.missing.params.length + op.missing.query.length + op.missing.headers.length > 0) placeholders.push(endpoint.label);
    added.push(endpoint);
  }
  endpoints.push(...added);

  return {
    target: { ...target, endpoints, publicPaths, ...(health ? { health } : {}), spec: plan.targetSpec },
    added,
    placeholders,
  };
}

function toEndpoint(op: SpecOperation, publicPaths: readonly string[]): Endpoint {
  const sampled = (values: Record<string, string>, missing: SpecOperation['missing']['params']): Record<string, string> => ({
    ...values,
    ...Object.fromEntries(missing.map((m) => [m.name, m.sample])),
  });
  const { pageParam: _pageParam, ...pagination } = op.pagination ?? {};
  return {
    label: label(op),
    method: op.method,
    path: op.path,
    kind: op.kind,
    params: sampled(op.params, op.missing.params),
    query: sampled(op.query, op.missing.query),
    headers: sampled(op.headers, op.missing.headers),
    ...(op.body !== undefined ? { body: op.body } : {}),
    // The loader's defaults, as for a list written in the config.
    ...(op.kind === 'list' ? { pagination: { idField: 'id', maxLimit: 100, maxPages: 20, ...pagination } } : {}),
    public: isPublicPath(op.path, publicPaths),
    spec: op.spec,
    fromSpec: true,
  };
}

/** Loads the spec named by --openapi and merges it; warnings (spec problems, placeholder values) go to `warn`. */
export async function mergeSpecSource(
  target: Target,
  source: string,
  options: { cwd: string; warn: (message: string) => void },
): Promise<MergeResult> {
  // An audit talks to its target only: a spec URL must be on the target's origin.
  const spec = await loadSpec(source, { cwd: options.cwd, requireOrigin: new URL(target.baseUrl).origin, tls: target.tls });
  for (const warning of spec.warnings) options.warn(`${source}: ${warning}`);
  const plan = planImport(spec);
  const result = mergeSpec(target, plan);
  const added = new Set(result.added.map((e) => e.label));
  for (const op of plan.operations) {
    if (added.has(label(op))) for (const line of op.ignoredHeaders ?? []) options.warn(`${source}: ${label(op)}: ${line}`);
  }
  if (result.placeholders.length) {
    options.warn(
      `${source}: ${result.placeholders.length} endpoint(s) have parameters the spec gives no example for and are probed with sample values (list them in the config with real values): ${result.placeholders.slice(0, 5).join(', ')}${result.placeholders.length > 5 ? ', ...' : ''}`,
    );
  }
  return result;
}
