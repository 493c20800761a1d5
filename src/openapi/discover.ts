import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { HttpClient } from '../http/types.js';
import type { Target } from '../types.js';
import { isObject, loadSpec, MAX_SPEC_BYTES } from './load.js';
import { mergeSpec, type MergeResult } from './merge-spec.js';
import { planImport } from './import-plan.js';

/**
 * Where frameworks serve their own OpenAPI or Swagger 2.0 document (FastAPI, springdoc, Swashbuckle,
 * NestJS, Springfox's /v2/api-docs, Jupyter Server's /api/spec.yaml, ...).
 */
export const SPEC_PATHS = [
  '/openapi.json',
  '/openapi.yaml',
  '/swagger.json',
  '/v3/api-docs',
  '/v2/api-docs',
  '/api-docs',
  '/docs/openapi.json',
  '/swagger/v1/swagger.json',
  '/api/spec.yaml',
];

/** A handful of GETs at most: discovery must not read like a scan. */
export const MAX_DISCOVERY_REQUESTS = 12;
/** Per GET: a target that hangs on a spec path costs the audit seconds, not minutes (the first failure ends the search). */
const DISCOVERY_TIMEOUT_MS = 5000;

export interface Discovered {
  /** The absolute URL it was served at (on the target's origin). */
  url: string;
  /** True when it answered without credentials. */
  public: boolean;
  merged: MergeResult;
}

/** Candidate paths, absolute on the origin: under the base URL's prefix first, then at the root. */
export function candidatePaths(baseUrl: string): string[] {
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return SPEC_PATHS.flatMap((path) => (prefix ? [`${prefix}${path}`, path] : [path]));
}

/**
 * Looks for an OpenAPI 3.x document the target serves itself, on its own origin only, through the
 * given client (its origin guard, limits and redaction). Each path is asked anonymously first; a
 * 401/403 is asked again with the configured credentials. The first valid document is merged like
 * --openapi (the config wins where both speak). Undefined when none is found.
 */
export async function discoverSpec(
  target: Target,
  http: HttpClient,
  options: { warn: (message: string) => void },
): Promise<Discovered | undefined> {
  const origin = new URL(target.baseUrl).origin;
  let sent = 0;
  for (const path of candidatePaths(target.baseUrl)) {
    for (const anonymous of [true, false]) {
      if (sent >= MAX_DISCOVERY_REQUESTS) return undefined;
      sent++;
      const url = `${origin}${path}`;
      const response = await http
        .send({
          method: 'GET',
          path: url,
          auth: !anonymous,
          followRedirects: false,
          retryOn429: false,
          timeoutMs: Math.min(target.limits.timeoutMs, DISCOVERY_TIMEOUT_MS),
          purpose: 'looking for a served OpenAPI document',
        })
        .catch(() => undefined);
      if (!response) return undefined; // the target does not answer: the audit will say so
      if (anonymous && (response.status === 401 || response.status === 403)) continue;
      const document = response.status === 200 && !response.truncated ? openApiDocument(response.text()) : undefined;
      if (document) return { url, public: anonymous, merged: await mergeDocument(target, document, url, options.warn) };
      break;
    }
  }
  return undefined;
}

/** The parsed document when the text is an OpenAPI 3.x or Swagger 2.0 document with paths, else undefined (a 2.0 one is converted on loading). */
function openApiDocument(text: string): Record<string, unknown> | undefined {
  if (text.length > MAX_SPEC_BYTES) return undefined;
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 1000 });
  } catch {
    return undefined;
  }
  const version = isObject(data) && (data.swagger === '2.0' || (typeof data.openapi === 'string' && /^3\.[01]\.\d+/.test(data.openapi)));
  return version && isObject(data) && isObject(data.paths) ? data : undefined;
}

/**
 * Loads the served document with the same loader as --openapi. It goes through a private temporary
 * file; references outside the document are dropped first, so a hostile spec cannot make the tool
 * read local files (and send them to the target as request bodies).
 */
async function mergeDocument(
  target: Target,
  document: Record<string, unknown>,
  url: string,
  warn: (message: string) => void,
): Promise<MergeResult> {
  const dropped = dropExternalRefs(document);
  if (dropped) warn(`${url}: ${dropped} reference(s) outside the document were not followed`);
  const dir = mkdtempSync(join(tmpdir(), 'preflight-discovered-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document), { mode: 0o600 });
    const spec = { ...(await loadSpec(file, { cwd: dir })), source: url };
    for (const warning of spec.warnings) warn(`${url}: ${warning}`);
    return mergeSpec(target, planImport(spec));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces every $ref that does not point inside the document ("#/...") with an empty schema; returns how many. */
function dropExternalRefs(value: unknown): number {
  let count = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isObject(node)) return;
    if (typeof node.$ref === 'string' && !node.$ref.startsWith('#')) {
      delete node.$ref;
      count++;
    }
    Object.values(node).forEach(visit);
  };
  visit(value);
  return count;
}
