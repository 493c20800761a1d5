import { http, HttpResponse, type HttpHandler } from 'msw';
import type { Finding } from '../../src/types.js';
import type { Check } from '../../src/check-api/contract.js';
import { startMswServer } from './msw.js';
import { runCheck, targetFor } from './target.js';

/** How a fixture list endpoint behaves; each option reproduces one way real APIs get lists right or wrong. */
export interface ListApiOptions {
  /** Items the server holds. */
  total: number;
  /** Server-side page-size cap; undefined = none (returns as many as asked, everything when absent). */
  cap?: number;
  /** Page size when no limit is sent (default: the cap, or everything without one). */
  defaultSize?: number;
  limitParam?: string;
  /** A limit over the cap: clamp it (default) or answer 400. */
  overCap?: 'clamp' | 400;
  /** A limit that is not a positive integer: 400 (default), 500 with a stack trace, or "use the default". */
  badLimit?: 400 | 500 | 'default';
  /** Where the next-page token goes. */
  token?: 'body' | 'link' | 'none';
  /** Items as a top-level array instead of { data: [...] }. */
  bare?: boolean;
  /** Where the next page starts (default offset + page size); lets a test make pages overlap or loop. */
  nextOffset?: (offset: number, size: number) => number;
  /** An undecodable cursor: 400 (default), 500, or treated as the first page. */
  badCursor?: 400 | 500 | 'ignore';
  /** Pad every item with this many bytes (to exceed the response byte cap). */
  padding?: number;
  path?: string;
}

const encode = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');
const decode = (cursor: string): number | undefined => {
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
};

/** A list endpoint as an msw handler, configurable per test. */
export function listApi(options: ListApiOptions): HttpHandler {
  const limitParam = options.limitParam ?? 'limit';
  const items = Array.from({ length: options.total }, (_, i) => ({
    id: `it_${i + 1}`,
    name: `item ${i + 1}`,
    ...(options.padding ? { pad: 'x'.repeat(options.padding) } : {}),
  }));
  const error = (status: number, code: string): Response =>
    status >= 500
      ? HttpResponse.text(`Error: ${code}\n    at List.handler (/srv/app/list.js:12:7)`, { status })
      : HttpResponse.json({ error: { code, message: code } }, { status });

  return http.get(options.path ?? '/api/items', ({ request }) => {
    const url = new URL(request.url);
    const text = url.searchParams.get(limitParam);
    const fallback = options.defaultSize ?? options.cap ?? items.length;
    let size = fallback;
    if (text !== null) {
      const valid = /^\d+$/.test(text) && Number(text) >= 1;
      if (!valid && options.badLimit === 500) return error(500, `invalid input syntax for type integer: "${text}"`);
      if (!valid && options.badLimit !== 'default') return error(400, 'invalid_limit');
      if (valid) size = Number(text);
    }
    if (options.cap !== undefined && size > options.cap) {
      if (options.overCap === 400) return error(400, 'limit_too_large');
      size = options.cap;
    }

    let offset = 0;
    const cursor = url.searchParams.get('cursor');
    if (cursor !== null) {
      const decoded = decode(cursor);
      if (decoded === undefined && options.badCursor === 500) return error(500, 'TypeError: cannot read cursor');
      if (decoded === undefined && options.badCursor !== 'ignore') return error(400, 'invalid_cursor');
      offset = decoded ?? 0;
    }
    const page = items.slice(offset, offset + size);
    const next = (options.nextOffset ?? ((o, s) => o + s))(offset, size);
    const more = offset + size < items.length;
    const nextCursor = more ? encode(next) : null;
    const headers: Record<string, string> = {};
    if (options.token === 'link' && nextCursor) {
      const link = new URL(url);
      link.searchParams.set(limitParam, String(size));
      link.searchParams.set('cursor', nextCursor);
      headers.link = `<${link.href}>; rel="next", <${url.origin}${url.pathname}>; rel="first"`;
    }
    const withToken = (options.token ?? 'body') === 'body';
    const body = options.bare ? page : { data: page, ...(withToken ? { next_cursor: nextCursor } : {}) };
    return HttpResponse.json(body, { headers });
  });
}

/** Serves a fixture list API, runs `check` against it with `yaml`, and registers the server for closing. */
export async function auditListApi(
  check: Check,
  options: ListApiOptions,
  yaml: string,
  closers: Array<() => Promise<void>>,
): Promise<Finding[]> {
  const server = await startMswServer(listApi(options));
  closers.push(server.close);
  return (await runCheck(check, await targetFor(server.url, yaml))).findings;
}
