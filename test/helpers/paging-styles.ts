// List endpoints that page the ways real servers do (issue 13, class 9), each as a small node:http
// server: json-server's _page/_limit with Link and X-Total-Count, Elasticsearch's from/size with
// hits.total, page + total_pages in the body, a cursor only in a Link header, and a list that
// returns everything with no way to a next page.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, startServer, type TestServer } from './servers.js';

export interface StyleOptions {
  /** Items the server holds. */
  total: number;
  /** Server-side page-size cap. */
  cap?: number;
  /** Page size when none is asked for. */
  defaultSize?: number;
}

const itemsOf = (total: number) => Array.from({ length: total }, (_, i) => ({ id: `it_${i + 1}`, name: `item ${i + 1}` }));

/** A page size from a query value: a positive integer clamped to the cap, else the default. */
function sizeFrom(text: string | null, options: StyleOptions, fallback: number): number {
  const asked = text !== null && /^\d+$/.test(text) && Number(text) >= 1 ? Number(text) : (options.defaultSize ?? fallback);
  return Math.min(asked, options.cap ?? 100);
}

function serve(route: (url: URL, res: ServerResponse, req: IncomingMessage) => void): Promise<TestServer> {
  return startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api/items') return json(res, 404, { error: 'not found' });
    route(url, res, req);
  });
}

/**
 * json-server (v0.17) style: a bare array; ?_page= (with _limit, default 10) gives a page with
 * X-Total-Count and a Link header (first/prev/next/last); _limit alone slices with X-Total-Count;
 * neither answers every item, as json-server does. Other query parameters filter on item fields, so
 * ?page=2 or ?offset=10 answer [] (unless `defaultPage`: a json-server-like API that serves page 1
 * when no _page is sent, so its list is bounded).
 */
export function jsonServerLike(options: StyleOptions & { defaultPage?: boolean }): Promise<TestServer> {
  const items = itemsOf(options.total);
  return serve((url, res, req) => {
    const filters = [...url.searchParams.keys()].filter((key) => !key.startsWith('_'));
    const matching = items.filter((item) =>
      filters.every((key) => String((item as Record<string, unknown>)[key]) === url.searchParams.get(key)),
    );
    const pageText = url.searchParams.get('_page') ?? (options.defaultPage ? '1' : null);
    const limitText = url.searchParams.get('_limit');
    if (pageText === null) {
      if (limitText === null) return json(res, 200, matching);
      return json(res, 200, matching.slice(0, sizeFrom(limitText, options, 10)), { 'x-total-count': String(matching.length) });
    }
    const size = sizeFrom(limitText, options, 10);
    const asked = Number.parseInt(pageText, 10);
    const page = Math.max(asked, 1);
    const last = Math.max(1, Math.ceil(matching.length / size));
    const link = (n: number): string => {
      const target = new URL(url.pathname, `http://${req.headers.host}`);
      for (const [k, v] of url.searchParams) target.searchParams.set(k, v);
      target.searchParams.set('_page', String(n));
      target.searchParams.set('_limit', String(size));
      return target.href;
    };
    const rels = [
      `<${link(1)}>; rel="first"`,
      ...(page > 1 ? [`<${link(page - 1)}>; rel="prev"`] : []),
      ...(page < last ? [`<${link(page + 1)}>; rel="next"`] : []),
      `<${link(last)}>; rel="last"`,
    ];
    json(res, 200, matching.slice((page - 1) * size, page * size), { 'x-total-count': String(matching.length), link: rels.join(', ') });
  });
}

/** Elasticsearch style: ?from=&size=, the items at hits.hits (with _id and _source) and the total at hits.total.value. */
export function elasticLike(options: StyleOptions): Promise<TestServer> {
  const items = itemsOf(options.total);
  return serve((url, res) => {
    const fromText = url.searchParams.get('from');
    const sizeText = url.searchParams.get('size');
    if ((fromText !== null && !/^\d+$/.test(fromText)) || (sizeText !== null && !/^\d+$/.test(sizeText))) {
      return json(res, 400, { error: { type: 'illegal_argument_exception', reason: 'failed to parse [from] or [size]' }, status: 400 });
    }
    const from = Number(fromText ?? 0);
    const size = sizeFrom(sizeText === '0' ? null : sizeText, options, 10);
    const hits = items.slice(from, from + size).map((item) => ({ _index: 'items', _id: item.id, _score: 1, _source: item }));
    json(res, 200, { took: 1, timed_out: false, hits: { total: { value: items.length, relation: 'eq' }, max_score: 1, hits } });
  });
}

/** A body with the page number and the page count: { data, page, per_page, total_pages }, ?page=&per_page=. */
export function pageNumbered(options: StyleOptions): Promise<TestServer> {
  const items = itemsOf(options.total);
  return serve((url, res) => {
    const perPage = sizeFrom(url.searchParams.get('per_page'), options, 20);
    const asked = Number.parseInt(url.searchParams.get('page') ?? '1', 10);
    const page = Math.max(asked, 1);
    json(res, 200, {
      data: items.slice((page - 1) * perPage, page * perPage),
      page,
      per_page: perPage,
      total_pages: Math.ceil(items.length / perPage),
    });
  });
}

/** A bare array whose only way on is an opaque cursor in a Link rel=next header (nothing in the body). */
export function linkCursor(options: StyleOptions): Promise<TestServer> {
  const items = itemsOf(options.total);
  const encode = (offset: number): string => Buffer.from(`at:${offset}`).toString('base64url');
  return serve((url, res, req) => {
    const size = sizeFrom(url.searchParams.get('limit'), options, 20);
    const cursor = url.searchParams.get('cursor');
    const offset = cursor === null ? 0 : Number(/^at:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))?.[1] ?? NaN);
    if (Number.isNaN(offset)) return json(res, 400, { error: { code: 'invalid_cursor' } });
    const headers: Record<string, string> = {};
    if (offset + size < items.length) {
      const next = new URL(url.pathname, `http://${req.headers.host}`);
      next.searchParams.set('limit', String(size));
      next.searchParams.set('cursor', encode(offset + size));
      headers.link = `<${next.href}>; rel="next"`;
    }
    json(res, 200, items.slice(offset, offset + size), headers);
  });
}

/** Every item in one answer, whatever is asked: no cap, no total, no next pointer, no parameter that pages. */
export function unbounded(options: StyleOptions): Promise<TestServer> {
  const items = itemsOf(options.total);
  return serve((_url, res) => json(res, 200, { data: items }));
}
