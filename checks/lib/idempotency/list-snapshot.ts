import { fillPath, findItems, findNextPage, guessCursorParam, itemId, type Endpoint, type Exchange, type HttpClient } from '../../api.js';
import { matchesBody } from './json.js';

/** Enough for 10,000 items at 100 a page; a longer list is read in part and the count called inconclusive. */
const MAX_PAGES = 100;

export interface ListSnapshot {
  items: unknown[];
  /** False when the walk stopped before the last page; the reason says why. */
  complete: boolean;
  reason?: string;
  pages: number;
  firstPage?: Exchange;
}

/**
 * Every item of a list endpoint, page by page at the largest page size the config allows, read the
 * way the list checks read them (src/pagination). It is how `idempotency.verify` counts side effects.
 */
export async function readList(http: HttpClient, endpoint: Endpoint): Promise<ListSnapshot> {
  const pagination = endpoint.pagination;
  const query: Record<string, string> = { ...endpoint.query };
  if (pagination?.limitParam) query[pagination.limitParam] = String(pagination.maxLimit);
  const snapshot: ListSnapshot = { items: [], complete: false, pages: 0 };
  let path = fillPath(endpoint);
  let pageQuery: Record<string, string> | undefined = query;
  while (snapshot.pages < MAX_PAGES) {
    const response = await http.send({
      method: 'GET',
      path,
      ...(pageQuery ? { query: pageQuery } : {}),
      headers: endpoint.headers,
      purpose: `idempotency.verify: count the items, page ${snapshot.pages + 1}`,
    });
    snapshot.pages++;
    snapshot.firstPage ??= response.exchange;
    const where = `${endpoint.label} page ${snapshot.pages}`;
    if (response.status !== 200) return { ...snapshot, reason: `${where} answered ${response.status}` };
    const found = findItems(response.json(), pagination?.dataField);
    if (!found.found) return { ...snapshot, reason: `${where}: ${found.problem}` };
    snapshot.items.push(...found.items);
    const next = findNextPage(response, pagination?.cursorField);
    if (!next?.value) return { ...snapshot, complete: true };
    if (next.isLink) {
      path = new URL(next.value, response.exchange.url).href;
      pageQuery = undefined;
    } else {
      pageQuery = { ...query, [pagination?.cursorParam ?? guessCursorParam(next.source)]: next.value };
    }
  }
  return { ...snapshot, reason: `${endpoint.label} has more than ${MAX_PAGES} pages` };
}

export interface Growth {
  /** Items in `after` and not in `before` that look like the body sent (all new items when none do). */
  added: unknown[];
  /** The ids of `added`, when items have one. */
  addedIds: string[];
}

/**
 * What appeared between two snapshots. Items are told apart by `idField`; without ids only the count
 * can grow. Of the new items, those matching the sent body are ours (others may be other users' writes).
 */
export function growth(before: ListSnapshot, after: ListSnapshot, idField: string, body: unknown): Growth {
  const idOf = (item: unknown): string | undefined => itemId(item, idField);
  const known = new Set(before.items.map(idOf).filter((id): id is string => id !== undefined));
  const withIds = after.items.every((item) => idOf(item) !== undefined) && known.size === before.items.length;
  // Without ids only the count can tell: how many more there are (which ones is unknowable).
  if (!withIds) return { added: after.items.slice(before.items.length), addedIds: [] };
  const fresh = after.items.filter((item) => !known.has(idOf(item)!));
  const ours = fresh.filter((item) => matchesBody(item, body));
  const added = ours.length ? ours : fresh;
  return { added, addedIds: added.map(idOf).filter((id): id is string => id !== undefined) };
}
