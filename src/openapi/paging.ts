import type { Parameter, Response, Schema } from './document.js';
import { isObject } from './load.js';
import { isArraySchema, propertiesOf } from './schema.js';

/**
 * How list operations name their paging, as seen across public APIs (Stripe, GitHub, Django REST,
 * JSON:API, OData, Google, Slack...). Names are compared lower-case without _ and -.
 */
const LIMIT_PARAMS = new Set([
  'limit',
  'perpage',
  'pagesize',
  'size',
  'maxresults',
  'top',
  'first',
  'take',
  'pagelimit',
  'maxitems',
  'count',
]);
const PAGE_PARAMS = new Set(['page', 'pagenumber', 'pageno', 'pagenum', 'offset', 'skip', 'startindex']);
const CURSOR_PARAMS = new Set([
  'cursor',
  'after',
  'before',
  'startingafter',
  'endingbefore',
  'pagetoken',
  'nextpagetoken',
  'nexttoken',
  'continuation',
  'continuationtoken',
  'marker',
  'pagecursor',
]);

/** Response fields that carry the next page's token. */
const CURSOR_FIELDS = new Set([
  'nextcursor',
  'cursor',
  'nextpagetoken',
  'nexttoken',
  'pagetoken',
  'continuationtoken',
  'endcursor',
  'after',
  'nextmarker',
  'marker',
]);
/** Response fields that show paging at all: a next link, a has-more flag, a page number or a total. */
const PAGING_FIELDS = new Set([
  ...CURSOR_FIELDS,
  'next',
  'nextpage',
  'nexturl',
  'nextlink',
  'hasmore',
  'hasnext',
  'hasnextpage',
  'more',
  'islastpage',
  'total',
  'totalcount',
  'totalpages',
  'totalresults',
  'totalitems',
  'totalsize',
  'page',
  'pagenumber',
  'currentpage',
  'lastpage',
  'offset',
  'pageinfo',
  'paging',
  'pagination',
]);
/** Objects that hold paging fields one level down: links.next, meta.next_cursor, _links.next.href. */
const PAGING_HOLDERS = new Set(['links', 'link', 'meta', 'metadata', 'pageinfo', 'paging', 'pagination', 'page', 'cursor', 'cursors']);
/** Where list bodies keep their items. */
const DATA_FIELDS = new Set([
  'data',
  'items',
  'results',
  'records',
  'entries',
  'list',
  'content',
  'values',
  'objects',
  'elements',
  'rows',
  'hits',
  'nodes',
  'edges',
  'collection',
  'resources',
]);
const PAGING_HEADER = /^(link|x-next.*|x-total.*|x-page.*|x-pagination.*|x-per-page|x-.*cursor.*|x-has-more|x-continuation.*)$/i;

const normal = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

export interface PagingParams {
  limit?: Parameter;
  page?: Parameter;
  cursor?: Parameter;
}

export function pagingParams(query: readonly Parameter[]): PagingParams {
  const named = (names: Set<string>): Parameter | undefined => query.find((p) => typeof p.name === 'string' && names.has(normal(p.name)));
  const found: PagingParams = {};
  const limit = named(LIMIT_PARAMS);
  const page = named(PAGE_PARAMS);
  const cursor = named(CURSOR_PARAMS);
  if (limit) found.limit = limit;
  if (page) found.page = page;
  if (cursor) found.cursor = cursor;
  return found;
}

/** Where a list body keeps its items: "" for a bare array, a property name, or undefined when it is no list. */
export function dataFieldOf(schema: Schema | undefined, lastSegment: string): string | undefined {
  if (isArraySchema(schema)) return '';
  const properties = propertiesOf(schema);
  const arrays = Object.keys(properties).filter((name) => isArraySchema(properties[name]));
  const byName = arrays.find((name) => DATA_FIELDS.has(normal(name)));
  if (byName) return byName;
  if (arrays.length !== 1) return undefined;
  // One array beside paging fields ({ page: {...}, animals: [...] }), or named for the resource (/pets → pets).
  const only = arrays[0]!;
  const resource = normal(lastSegment);
  if (pagingFields(schema).length > 0 || (resource && (normal(only) === resource || normal(only) === `${resource}s`))) return only;
  return undefined;
}

/** Dot paths of the paging fields in a response body schema (two levels deep at most). */
export function pagingFields(schema: Schema | undefined): string[] {
  const found: string[] = [];
  const properties = propertiesOf(schema);
  for (const [name, property] of Object.entries(properties)) {
    if (PAGING_FIELDS.has(normal(name))) found.push(name);
    else if (PAGING_HOLDERS.has(normal(name))) {
      for (const inner of Object.keys(propertiesOf(property))) if (PAGING_FIELDS.has(normal(inner))) found.push(`${name}.${inner}`);
    }
  }
  return found;
}

/** The field a client copies into the cursor parameter: a name with cursor/token first, a bare `next` last. */
export function cursorFieldOf(fields: readonly string[]): string | undefined {
  const leaf = (path: string): string => normal(path.split('.').pop() ?? path);
  return fields.find((path) => CURSOR_FIELDS.has(leaf(path))) ?? fields.find((path) => leaf(path) === 'next');
}

export function pagingHeaders(response: Response | undefined): string[] {
  return isObject(response?.headers) ? Object.keys(response.headers).filter((name) => PAGING_HEADER.test(name)) : [];
}
