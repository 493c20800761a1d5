import { findItems, itemId, isObject, pathParams, type Endpoint, type ProbeResponse } from '../api.js';

/** The ids a JSON answer holds: its list items' ids, or the id of a single object. */
export function idsIn(response: ProbeResponse, endpoint?: Endpoint): string[] {
  const body = response.json();
  const idField = endpoint?.pagination?.idField ?? 'id';
  const lookup = findItems(body, endpoint?.pagination?.dataField);
  if (lookup.found) return lookup.items.map((item) => itemId(item, idField)).filter((id): id is string => id !== undefined);
  if (isObject(body)) {
    const id = itemId(body, idField) ?? (isObject(body.data) ? itemId(body.data, idField) : undefined);
    return id === undefined ? [] : [id];
  }
  return [];
}

export const is2xx = (status: number): boolean => status >= 200 && status < 300;
/** What an API should answer another user's object with: forbidden, or not found (hiding it). */
export const isRefusal = (status: number): boolean => status === 403 || status === 404 || status === 410;

/** The same object: an id in common, or the same bytes. */
export function sameObject(a: ProbeResponse, b: ProbeResponse): boolean {
  const ids = new Set(idsIn(a));
  return idsIn(b).some((id) => ids.has(id)) || (a.body.length > 0 && a.body.equals(b.body));
}

/** The item endpoint of a collection: GET /orders/{id} for /orders (one placeholder after it). */
export function itemEndpointOf(collection: string, endpoints: readonly Endpoint[]): Endpoint | undefined {
  return endpoints.find(
    (e) => e.method === 'GET' && pathParams(e.path).length === 1 && e.path.replace(/\/\{[^}]+\}$/, '') === collection.replace(/\/+$/, ''),
  );
}
