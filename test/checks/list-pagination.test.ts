import express from 'express';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import check from '../../checks/list-pagination.js';
import { checkTester } from '../helpers/check-tester.js';
import { listApi, type ListApiOptions } from '../helpers/list-api.js';
import { startMswServer } from '../helpers/msw.js';
import { elasticLike, jsonServerLike, linkCursor, pageNumbered, unbounded } from '../helpers/paging-styles.js';
import { json, startServer } from '../helpers/servers.js';
import type { Finding } from '../../src/types.js';

const config = (pagination = 'limitParam: limit, maxLimit: 10', limits = '') => `
endpoints:
  - { path: /api/items, kind: list, pagination: { ${pagination} } }
limits: { requestsPerSecond: 1000, timeoutMs: 2000 ${limits} }
`;
/** A list endpoint with no pagination settings: the check finds the style from the first page. */
const unconfigured = `
endpoints:
  - { path: /api/items, kind: list }
limits: { requestsPerSecond: 1000, timeoutMs: 2000 }
`;

const list = (options: ListApiOptions) => () => startMswServer(listApi(options));
const find = (findings: Finding[], verdict: string): Finding => findings.find((f) => f.id === `list-pagination/${verdict}`)!;
const loops = (offset: number, size: number): number => (offset >= 20 ? 10 : offset + size);

/** An express app whose next link points to a route it does not have: the default router answers 404. */
async function brokenNextLink() {
  const app = express();
  app.get('/api/items', (_req, res) => {
    res.json({ data: [{ id: 1 }, { id: 2 }], next: '/api/items/page/2' });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Issue 13, class 6: a cursor list whose third page is a large, valid JSON body (10 items of 5 KB);
 * cut at a 16 KiB maxResponseBytes it used to be reported "page 3 … the body is not JSON".
 */
const bigThirdPage = () =>
  startServer((req, res) => {
    const cursor = new URL(req.url ?? '/', 'http://x').searchParams.get('cursor');
    const page = cursor === null ? 1 : Number(cursor);
    const items = Array.from({ length: 10 }, (_, i) => ({
      id: `it_${(page - 1) * 10 + i + 1}`,
      ...(page === 3 ? { blob: 'x'.repeat(5000) } : {}),
    }));
    json(res, 200, { data: items, next_cursor: page < 5 ? String(page + 1) : null });
  });

checkTester.run(check, {
  config: config(),
  valid: [
    {
      name: 'a cursor chain that ends, with a 400 for a garbage cursor',
      server: list({ total: 45, cap: 10 }),
      verdicts: [
        { verdict: 'nextToken', data: { source: 'next_cursor' } },
        { verdict: 'chainEnded', data: { pages: 5, items: 45, ended: true } },
        'garbageRefused',
      ],
      assert: (findings) =>
        expect(find(findings, 'garbageRefused').data!.sent).toMatch(/^GET \/api\/items\?limit=10&cursor=zz%21not-a-cursor-\w+$/),
    },
    {
      name: 'the token and cursor parameter found without cursorField or cursorParam',
      config: config('maxLimit: 10'),
      server: list({ total: 25, cap: 10 }),
      verdicts: ['nextToken', { verdict: 'chainEnded', data: { pages: 3, items: 25 } }, 'garbageRefused'],
    },
    {
      // A Link header is standard pagination (RFC 8288): a bare array paged by one passes.
      name: 'Link rel=next on a bare array',
      server: list({ total: 30, cap: 10, bare: true, token: 'link' }),
      verdicts: [
        { verdict: 'nextToken', data: { source: 'Link rel=next' } },
        { verdict: 'chainEnded', data: { pages: 3, items: 30 } },
        'garbageRefused',
      ],
    },
    {
      name: 'stops at maxPages without claiming the end',
      config: config('limitParam: limit, maxLimit: 10, maxPages: 4'),
      server: list({ total: 500, cap: 10 }),
      verdicts: ['nextToken', { verdict: 'chainStopped', data: { pages: 4, items: 40, ended: false } }, 'garbageRefused'],
    },
    // Issue 13, class 9: page-number and offset pagination, found and followed without any pagination config.
    {
      name: 'json-server style with a default page: Link rel=next and X-Total-Count on a bare array',
      config: unconfigured,
      server: () => jsonServerLike({ total: 95, defaultPage: true }),
      verdicts: [
        { verdict: 'nextToken', data: { source: 'Link rel=next' } },
        { verdict: 'chainEnded', data: { pages: 10, items: 95, ended: true } },
      ],
    },
    {
      // Without _page json-server answers every item and no header; ?page=2 is a field filter ([]). _page pages.
      name: 'json-server itself: _page found among common names, followed from _page=1',
      config: unconfigured,
      server: () => jsonServerLike({ total: 95 }),
      verdicts: [
        { verdict: 'pagesByPosition', data: { param: '_page', value: '2', signals: 'X-Total-Count 95' } },
        { verdict: 'chainEnded', data: { pages: 10, items: 95, ended: true } },
      ],
    },
    {
      name: 'Elasticsearch style: from/size with hits.total.value',
      config: unconfigured,
      server: () => elasticLike({ total: 95 }),
      verdicts: [
        { verdict: 'pagesByPosition', data: { param: 'from', value: '10', signals: 'hits.total.value 95' } },
        { verdict: 'chainEnded', data: { pages: 10, items: 95 } },
      ],
    },
    {
      name: 'page + total_pages in the body',
      config: unconfigured,
      server: () => pageNumbered({ total: 95 }),
      verdicts: [
        { verdict: 'pagesByPosition', data: { param: 'page', value: '2', style: 'page number' } },
        { verdict: 'chainEnded', data: { pages: 5, items: 95 } },
      ],
    },
    {
      name: 'an opaque cursor only in a Link header',
      config: unconfigured,
      server: () => linkCursor({ total: 95 }),
      verdicts: [
        { verdict: 'nextToken', data: { source: 'Link rel=next' } },
        { verdict: 'chainEnded', data: { pages: 5, items: 95 } },
        'garbageRefused',
      ],
    },
  ],
  invalid: [
    {
      name: 'no next-page token',
      server: list({ total: 45, cap: 10, token: 'none' }),
      verdicts: ['noNextPage'],
      assert: (findings) => expect(find(findings, 'noNextPage').reproduce).toMatch(/^curl .*\/api\/items\?limit=10/),
    },
    {
      name: 'a bare array with no Link header',
      server: list({ total: 45, cap: 10, bare: true, token: 'none' }),
      verdicts: ['bareArrayNoNext'],
    },
    {
      name: 'an unbounded list with no next-page signal and no parameter that pages',
      config: unconfigured,
      server: () => unbounded({ total: 150 }),
      verdicts: [
        {
          verdict: 'noNextPage',
          data: { tried: 'offset=150, from=150, skip=150, start=150, _start=150, page=2, _page=2, pageNumber=2, page_number=2' },
        },
      ],
    },
    {
      name: 'the configured cursorField is missing',
      config: config('limitParam: limit, maxLimit: 10, cursorField: meta.next'),
      server: list({ total: 45, cap: 10 }),
      verdicts: [{ verdict: 'cursorFieldMissing', data: { cursorField: 'meta.next' } }],
    },
    {
      // Page 3 points back to page 2: a client syncing this list never finishes.
      name: 'a cursor that loops back',
      server: list({ total: 100, cap: 10, nextOffset: loops }),
      verdicts: [{ verdict: 'chainLoops', data: { page: 3, to: 2, loop: { from: 3, to: 2 } } }],
    },
    {
      name: 'a cursor that loops back, items without ids',
      config: config('limitParam: limit, maxLimit: 10, idField: uuid'),
      server: list({ total: 100, cap: 10, nextOffset: loops }),
      verdicts: [{ verdict: 'chainLoops', data: { page: 3, to: 2 } }],
    },
    {
      name: 'items repeated across pages',
      server: list({ total: 50, cap: 10, nextOffset: (offset, size) => offset + size - 1 }),
      verdicts: [{ verdict: 'chainRepeats', data: { duplicate: 'it_10', earlier: 1, page: 2 } }],
    },
    {
      name: 'pages larger than the size asked for',
      config: config('limitParam: size, maxLimit: 10'),
      server: list({ total: 50, cap: 15 }),
      verdicts: [{ verdict: 'chainPageOversized', data: { page: 1, count: 15, maxSize: 10 } }],
    },
    {
      name: 'the request budget runs out mid-chain: what was decided is kept',
      config: config('limitParam: limit, maxLimit: 10', ', maxRequests: 4'),
      server: list({ total: 100, cap: 10 }),
      verdicts: ['chainUnfinished'],
      assert: (findings) => {
        expect(find(findings, 'nextToken').status).toBe('pass');
        expect(find(findings, 'chainUnfinished').data!.reason).toMatch(/the request budget \(maxRequests: 4\) is spent/);
      },
    },
    {
      name: 'a garbage cursor gets a 500',
      server: list({ total: 45, cap: 10, badCursor: 500 }),
      verdicts: [{ verdict: 'garbageCrashes', data: { status: 500 } }],
    },
    {
      name: 'a garbage cursor is ignored',
      server: list({ total: 45, cap: 10, badCursor: 'ignore' }),
      verdicts: [{ verdict: 'garbageAccepted', data: { status: 200 } }],
    },
    {
      name: 'a next page that is refused',
      config: config('maxLimit: 10'),
      server: brokenNextLink,
      verdicts: [{ verdict: 'chainRefused', data: { page: 2, status: 404 } }],
    },
    {
      // Issue 12: a 404 with valid credentials is no list answer.
      name: 'the configured path answers 404',
      server: () => startServer((_req, res) => json(res, 404, { error: 'not found' })),
      verdicts: [{ verdict: 'notFound', data: { path: '/api/items', status: 404 } }],
    },
    {
      name: 'a page cut at maxResponseBytes is too large to judge, not "not JSON"',
      config: config('maxLimit: 10', ', maxResponseBytes: 16384'),
      server: bigThirdPage,
      verdicts: [{ verdict: 'chainPageTooLarge', data: { page: 3, maxBytes: '16 KiB' } }],
      assert: (findings) => expect(JSON.stringify(find(findings, 'chainPageTooLarge').data)).not.toMatch(/not JSON/),
    },
    {
      name: 'a first page cut at maxResponseBytes',
      config: config('maxLimit: 10', ', maxResponseBytes: 4096'),
      server: list({ total: 45, cap: 10, padding: 1000 }),
      verdicts: [{ verdict: 'firstPageTooLarge', data: { maxBytes: '4 KiB' } }],
    },
  ],
});
