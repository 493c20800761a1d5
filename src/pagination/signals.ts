import { getProperty } from 'dot-prop';
import { isObject } from './items.js';
import { findNextPage, type NextPage } from './next-page.js';

// What a list page says about the rest of the list besides its items: a next pointer, how many items
// or pages there are in all, and which page it is. Real APIs say it in many ways (json-server's
// X-Total-Count, Elasticsearch's hits.total.value, Laravel's last_page, ...): all of them count.

/** Fields that state how many items the collection holds in all. */
const TOTAL_FIELDS = [
  'total',
  'total_count',
  'totalCount',
  'totalItems',
  'total_items',
  'total_results',
  'totalResults',
  'total.value',
  'hits.total.value',
  'hits.total',
  'meta.total',
  'meta.total_count',
  'meta.totalCount',
  'pagination.total',
  'pagination.total_count',
  'pagination.totalCount',
  'paging.total',
];
const TOTAL_HEADERS = ['x-total-count', 'x-total', 'x-pagination-total-count'];

/** Fields that state how many pages there are. */
const TOTAL_PAGES_FIELDS = [
  'total_pages',
  'totalPages',
  'page_count',
  'pageCount',
  'last_page',
  'lastPage',
  'meta.total_pages',
  'meta.totalPages',
  'meta.last_page',
  'meta.page_count',
  'pagination.total_pages',
  'pagination.totalPages',
  'pagination.last_page',
  'pagination.pages',
  'paging.pages',
];
const TOTAL_PAGES_HEADERS = ['x-total-pages', 'x-pagination-page-count'];

/** Fields that state which page this is. */
const PAGE_FIELDS = [
  'page',
  'current_page',
  'currentPage',
  'page_number',
  'pageNumber',
  'meta.page',
  'meta.current_page',
  'pagination.page',
  'pagination.current_page',
  'paging.page',
];

/** A figure a page states, and where it said it ("X-Total-Count", "hits.total.value"). */
export interface Stated {
  value: number;
  source: string;
}

export interface PageSignals {
  next?: NextPage;
  total?: Stated;
  totalPages?: Stated;
  /** The page number the body says this is. */
  page?: number;
}

interface PageResponse {
  headers: Record<string, string>;
  json(): unknown;
}

export function pageSignals(response: PageResponse, cursorField?: string): PageSignals {
  const body = response.json();
  const next = findNextPage(response, cursorField);
  const total = statedIn(body, TOTAL_FIELDS) ?? statedInHeaders(response.headers, TOTAL_HEADERS);
  const totalPages = statedIn(body, TOTAL_PAGES_FIELDS) ?? statedInHeaders(response.headers, TOTAL_PAGES_HEADERS);
  const page = statedIn(body, PAGE_FIELDS)?.value;
  return {
    ...(next ? { next } : {}),
    ...(total ? { total } : {}),
    ...(totalPages ? { totalPages } : {}),
    ...(page !== undefined ? { page } : {}),
  };
}

/**
 * How many items the server is known to hold, from one page that showed `items` of them: a stated
 * total, or at least one more than shown when a next pointer or a later page is announced.
 */
export function knownItems(signals: PageSignals, items: number): number {
  const more = Boolean(signals.next?.value) || (signals.totalPages !== undefined && signals.totalPages.value > (signals.page ?? 1));
  return Math.max(signals.total?.value ?? 0, items + (more ? 1 : 0));
}

/** The collection's total size, when the body states it. */
export function statedTotal(body: unknown): number | undefined {
  return statedIn(body, TOTAL_FIELDS)?.value;
}

function statedIn(body: unknown, fields: readonly string[]): Stated | undefined {
  if (!isObject(body)) return undefined;
  for (const field of fields) {
    const value = count(getProperty(body, field));
    if (value !== undefined) return { value, source: field };
  }
  return undefined;
}

function statedInHeaders(headers: Record<string, string>, names: readonly string[]): Stated | undefined {
  for (const name of names) {
    const value = count(headers[name] !== undefined && /^\s*\d+\s*$/.test(headers[name]) ? Number(headers[name]) : undefined);
    if (value !== undefined) return { value, source: canonicalHeader(name) };
  }
  return undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** x-total-count → X-Total-Count, for messages. */
function canonicalHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_all, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
}
