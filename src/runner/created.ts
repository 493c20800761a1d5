// Nothing left behind: what the audit's write probes created on the target, found in the run's
// recorded exchanges (201/202 with a Location, or an id in a 2xx JSON answer to POST), listed in every
// report with a DELETE curl line where the API has one, and deleted at the end with cleanup. What is
// written here is raw (the DELETE needs the real id); buildReport redacts every string of it, once.
import { getProperty } from 'dot-prop';
import { toCurl } from '../http/curl.js';
import { ProbeError, type HttpClient, type RecordedResponse } from '../http/types.js';
import type { CreatedResource } from '../report/types.js';
import type { Endpoint, Target } from '../types.js';
import { pathWithinBase, templateRegex } from '../config/endpoints.js';
import { recordSegmentIsPlain } from '../http/write-scope.js';

/** Fields tried for a created record's id after the configured idempotency.idField. */
const ID_FIELDS = ['id', '_id', 'uuid', 'data.id'];
/** A mask of a credential: a value that holds one cannot name a URL to delete. */
const MASKED = /\[[^[\]]{1,120}, \d+ chars/;

/**
 * Lists what the run created and, with cleanup on (and writes allowed), deletes it: the biggest
 * probe records first (10 MiB bodies weigh most on the target), then the rest. Returns the list and
 * a note for the report.
 */
export async function settleCreated(http: HttpClient, target: Target): Promise<{ created: CreatedResource[]; notes: string[] }> {
  const created = findCreated(http.eachRecorded(), target, http);
  if (!created.length) return { created, notes: [] };
  if (!target.cleanup || !target.allowWrites) {
    return {
      created,
      notes: [
        `this audit created ${count(created.length)} on the target and left ${created.length > 1 ? 'them' : 'it'} there (listed under "Created by this audit"; cleanup: true or --cleanup deletes them at the end of the run)`,
      ],
    };
  }
  const order = [...created].sort((a, b) => (b.requestBodyBytes ?? 0) - (a.requestBodyBytes ?? 0));
  for (const resource of order) resource.cleanup = await deleteOne(resource, http);
  const failed = created.filter((r) => !r.cleanup?.deleted).length;
  const deleted = created.length - failed;
  return {
    created,
    notes: [
      `cleanup: deleted ${deleted} of the ${count(created.length)} this audit created${failed ? `; ${failed} could not be deleted (see "Created by this audit")` : ''}`,
      ...notDeleted(created),
    ],
  };
}

/** The records the run's write probes created, once each, in the order they were made. */
export function findCreated(records: Iterable<RecordedResponse>, target: Target, http: Pick<HttpClient, 'authHeaders'>): CreatedResource[] {
  const origin = new URL(target.baseUrl).origin;
  const seen = new Set<string>();
  const out: CreatedResource[] = [];
  for (const { exchange, bodyText } of records) {
    const status = exchange.status ?? 0;
    if (status < 200 || status > 299 || (exchange.method !== 'POST' && exchange.method !== 'PUT')) continue;
    const location = locationOf(exchange.responseHeaders?.location, exchange.url, origin, status);
    const id = exchange.method === 'POST' ? idOf(bodyText, target.idempotency.idField) : undefined;
    if (!location && id === undefined) continue;
    const requestPath = pathWithinBase(exchange.url, target.baseUrl);
    const key = location ?? `${requestPath}#${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const candidate = location ? { url: location, from: 'location' as const } : deleteEndpoint(target, requestPath, id!);
    // The server names the URL: it is deleted only when it is provably a record of this collection.
    const outside = candidate
      ? outsideCollection(candidate.url, exchange.method === 'POST' ? requestPath : parentOf(requestPath), target)
      : undefined;
    const deleteUrl = outside ? undefined : candidate;
    out.push({
      request: `${exchange.method} ${exchange.url}`,
      status,
      exchangeId: exchange.id,
      curl: exchange.curl,
      ...(exchange.requestBodyBytes !== undefined ? { requestBodyBytes: exchange.requestBodyBytes } : {}),
      ...(id !== undefined ? { id } : {}),
      ...(location ? { location } : {}),
      ...(deleteUrl ? { delete: { ...deleteUrl, curl: deleteCurl(deleteUrl.url, target, http) } } : {}),
      ...(outside ? { notDeletable: `not deleted: Location outside the collection (${outside})` } : {}),
    });
  }
  return out;
}

async function deleteOne(resource: CreatedResource, http: HttpClient): Promise<NonNullable<CreatedResource['cleanup']>> {
  if (resource.notDeletable) return { deleted: false, message: resource.notDeletable };
  if (!resource.delete)
    return {
      deleted: false,
      message: 'not deleted: no DELETE is known for it (no Location, and no DELETE endpoint on its item path in the config or spec)',
    };
  try {
    const response = await http.send({
      method: 'DELETE',
      path: resource.delete.url,
      followRedirects: false,
      cleanup: true,
      purpose: `cleanup: delete what ${resource.request} created`,
    });
    const { status } = response;
    if (status >= 200 && status < 300) return { deleted: true, message: `deleted (${status})`, status };
    if (status === 404 || status === 410) return { deleted: true, message: `already gone (${status})`, status };
    const reason = reasonOf(response.text());
    return {
      deleted: false,
      message: `not deleted: DELETE answered ${status}${reason ? ` (${reason})` : ''}`,
      status,
      ...(reason ? { reason } : {}),
    };
  } catch (error) {
    const message = error instanceof ProbeError || error instanceof Error ? error.message : String(error);
    return { deleted: false, message: `not deleted: ${message}` };
  }
}

/** An absolute same-origin Location from a 201/202 (or a Location on any 2xx PUT/POST that created). */
function locationOf(value: string | undefined, requestUrl: string, origin: string, status: number): string | undefined {
  if (!value || (status !== 201 && status !== 202) || MASKED.test(value)) return undefined;
  try {
    const url = new URL(value, requestUrl);
    return url.origin === origin ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function idOf(bodyText: string, idField: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  for (const field of [idField, ...ID_FIELDS]) {
    const value: unknown = getProperty(body, field);
    if ((typeof value === 'string' && value !== '' && !MASKED.test(value)) || typeof value === 'number') return String(value);
  }
  return undefined;
}

/** A DELETE endpoint (config or spec) on the item path below the collection the record was POSTed to. */
function deleteEndpoint(target: Target, collectionPath: string, id: string): { url: string; from: 'endpoint' } | undefined {
  const collection = collectionPath.replace(/\/+$/, '');
  const found = target.endpoints.find(
    (e: Endpoint) =>
      e.method === 'DELETE' && /\/\{[^}]+\}$/.test(e.path) && templateRegex(e.path.replace(/\/\{[^}]+\}$/, '')).test(collection),
  );
  if (!found) return undefined;
  return { url: `${target.baseUrl}${collection}/${encodeURIComponent(id)}`, from: 'endpoint' };
}

/**
 * Why a URL is not provably a record this audit created in `collection` (undefined when it is): it
 * must be on the target's origin, inside the base URL's prefix, and the collection plus exactly one
 * segment once dot segments are resolved and percent-encoding decoded.
 */
export function outsideCollection(url: string, collection: string, target: Pick<Target, 'baseUrl'>): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  const base = new URL(target.baseUrl);
  if (parsed.origin !== base.origin) return `${parsed.origin} is not the target's origin`;
  const basePath = base.pathname.replace(/\/+$/, '');
  // The URL parser resolves "..", "." and their %2e spellings; what is left must sit below the base path.
  const pathname = parsed.pathname;
  if (basePath && !pathname.startsWith(`${basePath}/`)) return `${pathname} is outside the base URL's path ${basePath}`;
  const relative = pathname.slice(basePath.length);
  const prefix = `${collection.replace(/\/+$/, '')}/`;
  if (!relative.startsWith(prefix)) return `${relative} is not below ${collection}, the collection the audit wrote to`;
  const segment = relative.slice(prefix.length).replace(/\/$/, '');
  if (!segment || segment.includes('/')) return `${relative} is not one record below ${collection}`;
  if (!recordSegmentIsPlain(segment)) return `${relative}: its last segment decodes to a path ("${segment}"), not one record`;
  return undefined;
}

function parentOf(path: string): string {
  return path.replace(/\/+$/, '').replace(/\/[^/]*$/, '') || '/';
}

/** The DELETE as a curl line, with the configured credentials as $VAR references (the rest is masked by buildReport). */
function deleteCurl(url: string, target: Target, http: Pick<HttpClient, 'authHeaders'>): string {
  const withQuery = new URL(url);
  for (const [key, value] of Object.entries(target.auth.query)) withQuery.searchParams.append(key, value);
  return toCurl({ method: 'DELETE', url: withQuery.href, headers: { ...http.authHeaders }, rawPath: false }, target.secrets);
}

function count(n: number): string {
  return `${n} record${n > 1 ? 's' : ''}`;
}

/** How many records that could not be deleted the notes name one by one (the report lists them all). */
const NAMED_FAILURES = 5;

/** One note per record cleanup could not delete: which record, and why. */
function notDeleted(created: readonly CreatedResource[]): string[] {
  const failed = created.filter((r) => r.cleanup && !r.cleanup.deleted);
  const notes = failed
    .slice(0, NAMED_FAILURES)
    .map((r) => `cleanup: ${r.location ?? `${r.request}${r.id === undefined ? '' : ` (id ${r.id})`}`} ${r.cleanup!.message}`);
  if (failed.length > NAMED_FAILURES)
    notes.push(`cleanup: ${failed.length - NAMED_FAILURES} more not deleted (see "Created by this audit")`);
  return notes;
}

/** The API's own words for a refused DELETE: a JSON error message, else the start of the text; one line (raw: see buildReport). */
function reasonOf(body: string): string | undefined {
  let text = body;
  try {
    const json: unknown = JSON.parse(body);
    const pick = (value: unknown): string | undefined => {
      if (typeof value === 'string') return value;
      if (!value || typeof value !== 'object') return undefined;
      const o = value as Record<string, unknown>;
      return pick(o.message) ?? pick(o.detail) ?? pick(o.title) ?? pick(o.error) ?? pick(o.errors);
    };
    text = pick(Array.isArray(json) ? json[0] : json) ?? body;
  } catch {
    // not JSON: the text itself
  }
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (!line) return undefined;
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
