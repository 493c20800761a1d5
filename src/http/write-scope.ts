// The write half of the safety invariant: allowWrites opts in to writes for the write endpoints the
// user configured, nothing more. An operation known only from a spec (discovered or --openapi) is
// probed read-only unless allowSpecWrites names it; the records the audit creates (one segment below
// a collection it may POST to) may be changed and deleted by the probes and clean-up that follow.
import { templateRegex } from '../config/endpoints.js';
import type { Endpoint, Target } from '../types.js';
import { isWriteMethod } from './methods.js';

/** A (method, path template) pair the client may send a write to. */
export interface WritableRoute {
  method: string;
  path: string;
}

/** What a run may write to, and where it came from: every report and `plan` say it. */
export interface WriteScope {
  allowWrites: boolean;
  /** Write endpoints the config lists. */
  configured: number;
  /** Write operations only a spec lists. */
  specOnly: number;
  /** Of those, the ones allowSpecWrites lets the audit write to. */
  specWritable: number;
  specWrites: boolean | string[];
  line: string;
}

const routeOf = (label: string): string =>
  label
    .trim()
    .replace(/\s+/, ' ')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/(.)\/+$/, '$1');

function specOptIn(target: Pick<Target, 'allowSpecWrites'>, endpoint: Endpoint): boolean {
  const optIn = target.allowSpecWrites;
  if (optIn === true) return true;
  if (!Array.isArray(optIn)) return false;
  const own = routeOf(`${endpoint.method.toUpperCase()} ${endpoint.path}`);
  return optIn.some((label) => routeOf(label.replace(/^\S+/, (m) => m.toUpperCase())) === own);
}

/** True when the audit may send this endpoint its own (write) method. */
export function mayWrite(target: Pick<Target, 'allowWrites' | 'allowSpecWrites'>, endpoint: Endpoint): boolean {
  return target.allowWrites && isWriteMethod(endpoint.method) && (!endpoint.fromSpec || specOptIn(target, endpoint));
}

/** Why a write endpoint gets no write probes (undefined when it does). */
export function writeRefusal(target: Pick<Target, 'allowWrites' | 'allowSpecWrites'>, endpoint: Endpoint): string | undefined {
  if (!isWriteMethod(endpoint.method) || mayWrite(target, endpoint)) return undefined;
  if (!target.allowWrites) return `${endpoint.method} probes of ${endpoint.label} are sent only with allowWrites: true (or --allow-writes)`;
  return `${endpoint.label} is known only from the OpenAPI document, not the config: it is probed read-only (list it under endpoints, or name it in allowSpecWrites, to send it writes)`;
}

/** The routes the run's client may write to. */
export function writableRoutes(target: Pick<Target, 'allowWrites' | 'allowSpecWrites' | 'endpoints'>): WritableRoute[] {
  return target.endpoints
    .filter((endpoint) => mayWrite(target, endpoint))
    .map(({ method, path }) => ({ method: method.toUpperCase(), path }));
}

export function writeScopeOf(target: Pick<Target, 'allowWrites' | 'allowSpecWrites' | 'endpoints'>): WriteScope {
  const writeEndpoints = target.endpoints.filter((e) => isWriteMethod(e.method));
  const configured = writeEndpoints.filter((e) => !e.fromSpec).length;
  const specOnly = writeEndpoints.filter((e) => e.fromSpec);
  const specWritable = specOnly.filter((e) => mayWrite(target, e)).length;
  const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
  const spec = specOnly.length
    ? specWritable === 0
      ? `; ${plural(specOnly.length, 'spec-only write operation')} probed read-only`
      : `; ${plural(specWritable, 'spec-only write operation')} written to (allowSpecWrites)${specWritable < specOnly.length ? `, ${specOnly.length - specWritable} probed read-only` : ''}`
    : '';
  const line = target.allowWrites
    ? `writes: ${plural(configured, 'configured endpoint')}${spec}`
    : `writes: none sent (allowWrites is off); ${plural(configured + specOnly.length, 'write endpoint')} probed read-only`;
  return {
    allowWrites: target.allowWrites,
    configured,
    specOnly: specOnly.length,
    specWritable: target.allowWrites ? specWritable : 0,
    specWrites: target.allowSpecWrites ?? false,
    line,
  };
}

/**
 * The client's test for one write: its method and path (relative to the base path, dot segments
 * resolved) match a writable route, or it is a PUT/PATCH/DELETE of one record below a collection
 * the audit may POST to (what the audit itself created there).
 */
export class WriteGate {
  private readonly routes: Array<{ method: string; exact: RegExp; child?: RegExp }>;
  constructor(routes: readonly WritableRoute[]) {
    this.routes = routes.map((route) => ({
      method: route.method.toUpperCase(),
      exact: templateRegex(route.path),
      ...(route.method.toUpperCase() === 'POST' ? { child: templateRegex(`${route.path.replace(/\/+$/, '')}/{id}`) } : {}),
    }));
  }

  allows(method: string, path: string): boolean {
    const upper = method.toUpperCase();
    if (this.routes.some((route) => route.method === upper && route.exact.test(path))) return true;
    if (upper !== 'PUT' && upper !== 'PATCH' && upper !== 'DELETE') return false;
    return recordSegmentIsPlain(path) && this.routes.some((route) => route.child?.test(path));
  }
}

/** The last segment names one record: no encoded slash or backslash, not a dot segment, decodable. */
export function recordSegmentIsPlain(path: string): boolean {
  const last = path.replace(/\/+$/, '').split('/').pop() ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(last);
  } catch {
    return false;
  }
  return decoded !== '' && decoded !== '.' && decoded !== '..' && !/[/\\]/.test(decoded);
}
