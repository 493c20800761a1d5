import { expect } from 'vitest';
import check from '../../checks/list-limit-cap.js';
import { checkTester } from '../helpers/check-tester.js';
import { listApi, type ListApiOptions } from '../helpers/list-api.js';
import { startMswServer } from '../helpers/msw.js';
import { elasticLike, jsonServerLike, linkCursor, pageNumbered, unbounded } from '../helpers/paging-styles.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import type { Finding } from '../../src/types.js';

const config = (pagination = 'limitParam: limit, maxLimit: 100', limits = 'timeoutMs: 2000') => `
endpoints:
  - { path: /api/items, kind: list, pagination: { ${pagination} } }
limits: { requestsPerSecond: 1000, ${limits} }
`;
/** A list endpoint with no pagination settings at all: the check finds the page-size parameter itself. */
const unconfigured = `
endpoints:
  - { path: /api/items, kind: list }
limits: { requestsPerSecond: 1000, timeoutMs: 2000 }
`;

const list = (options: ListApiOptions) => () => startMswServer(listApi(options));
const find = (findings: Finding[], verdict: string): Finding => findings.find((f) => f.id === `list-limit-cap/${verdict}`)!;

/** A server whose requests a case can count afterwards. */
function recorded(handler: Parameters<typeof startServer>[0]): { server: () => Promise<TestServer>; requests: () => number } {
  let started: TestServer | undefined;
  return {
    server: async () => (started = await startServer(handler)),
    requests: () => started?.requests.length ?? -1,
  };
}

const refusing = recorded((_req, res) => json(res, 401, { error: { code: 'unauthorized' } }));
const hanging = recorded((req, res) => {
  const limit = new URL(req.url ?? '/', 'http://x').searchParams.get('limit');
  if (limit === '1000000') return; // never answers: the query runs forever
  if (limit === null) return json(res, 200, { data: [{ id: 1 }], next_cursor: null });
  json(res, 400, { error: 'bad limit' });
});

/** A list that dies on a huge limit: every later probe finds the port closed. */
let dying: TestServer | undefined;
const diesOnHugeLimit = async (): Promise<TestServer> =>
  (dying = await startServer((req, res) => {
    const limit = new URL(req.url ?? '/', 'http://x').searchParams.get('limit');
    if (limit === '1000000') return void dying!.close();
    json(res, 200, { data: [{ id: 1 }, { id: 2 }], next_cursor: 'more' });
  }));

checkTester.run(check, {
  config: config(),
  valid: [
    {
      name: 'clamps to the cap and rejects bad limits with 400',
      server: list({ total: 250, cap: 100, defaultSize: 20 }),
      verdicts: ['capped', 'limitsAnswered'],
      assert: (findings) => {
        const capped = find(findings, 'capped');
        expect(capped.data).toMatchObject({
          answers: expect.arrayContaining(['no limit → 20 items', '100 → 100 items', '1000000 → 100 items', 'abc → 400']),
          largestItems: 100,
        });
        expect(capped.data!.largestBytes).toBeGreaterThan(1000);
        expect(capped.evidence[0]!.url).toMatch(/limit=100\b/);
      },
    },
    {
      name: 'answers 400 to any limit over the cap',
      server: list({ total: 250, cap: 100, defaultSize: 20, overCap: 400 }),
      verdicts: ['capped', 'limitsAnswered'],
    },
    {
      name: 'shows its cap through Link header pagination on a bare array',
      server: list({ total: 250, cap: 100, bare: true, token: 'link', badLimit: 'default' }),
      verdicts: [{ verdict: 'capped', data: { largestItems: 100 } }, 'limitsAnswered'],
    },
    {
      name: 'finds the page-size parameter among common aliases when none is configured',
      config: config('maxLimit: 100'),
      server: list({ total: 250, cap: 100, defaultSize: 20, limitParam: 'per_page' }),
      verdicts: [{ verdict: 'capped', data: { limitParam: 'per_page' } }, 'limitsAnswered'],
    },
    // Issue 13, class 9: page-number and offset APIs state their total in other ways; a cap shows all the same.
    {
      name: 'json-server style: _limit, X-Total-Count and Link',
      config: unconfigured,
      server: () => jsonServerLike({ total: 250, defaultPage: true }),
      verdicts: [{ verdict: 'capped', data: { limitParam: '_limit' } }, 'limitsAnswered'],
    },
    {
      name: 'Elasticsearch style: size and hits.total.value',
      config: unconfigured,
      server: () => elasticLike({ total: 250 }),
      verdicts: [{ verdict: 'capped', data: { limitParam: 'size' } }, 'limitsAnswered'],
    },
    {
      name: 'page + total_pages in the body',
      config: unconfigured,
      server: () => pageNumbered({ total: 250 }),
      verdicts: [{ verdict: 'capped', data: { limitParam: 'per_page' } }, 'limitsAnswered'],
    },
    {
      name: 'a cursor only in a Link header',
      config: unconfigured,
      server: () => linkCursor({ total: 250 }),
      verdicts: [{ verdict: 'capped', data: { limitParam: 'limit' } }, 'limitsAnswered'],
    },
  ],
  invalid: [
    {
      name: 'returns every item, whatever the limit',
      server: list({ total: 150 }),
      verdicts: [
        { verdict: 'uncapped', data: { answers: 'no limit, limit=1000000, limit=2147483648 → 200 with 150 items, over the cap of 100' } },
      ],
      assert: (findings) => {
        expect(find(findings, 'uncapped').evidence.length).toBeGreaterThan(0);
        expect(find(findings, 'uncapped').reproduce).toMatch(/^curl .*\/api\/items/);
      },
    },
    {
      name: 'answers limit=abc with a 500',
      server: list({ total: 250, cap: 100, defaultSize: 20, badLimit: 500 }),
      verdicts: [{ verdict: 'limitCrashes', data: { answers: 'limit=-1, limit=0, limit=abc, limit=1e9 → 500' } }],
      assert: (findings) => expect(find(findings, 'capped')).toBeDefined(),
    },
    {
      name: 'holds fewer items than the cap: inconclusive, not a pass',
      server: list({ total: 5 }),
      verdicts: [{ verdict: 'capUnproven', data: { itemsHeld: 5 } }],
    },
    {
      name: 'a top-level array that returns everything',
      server: list({ total: 300, bare: true, token: 'none', badLimit: 'default' }),
      verdicts: ['uncapped'],
    },
    {
      name: 'an uncapped list whose page-size alias is found',
      config: config('maxLimit: 100'),
      server: list({ total: 150, defaultSize: 20, limitParam: 'page_size' }),
      verdicts: [
        {
          verdict: 'uncapped',
          data: { limitParam: 'page_size', answers: 'page_size=1000000, page_size=2147483648 → 200 with 150 items, over the cap of 100' },
        },
      ],
    },
    {
      name: 'an unbounded list with no paging at all',
      config: unconfigured,
      server: () => unbounded({ total: 150 }),
      verdicts: ['uncapped'],
    },
    // json-server itself answers every item unless _page or _limit is sent: that list has no cap.
    {
      name: 'json-server without a default page',
      config: unconfigured,
      server: () => jsonServerLike({ total: 250 }),
      verdicts: [{ verdict: 'uncapped', data: { limitParam: '_limit' } }],
    },
    {
      name: 'the list itself is refused: nothing decided, nothing more sent',
      server: refusing.server,
      verdicts: [{ verdict: 'listRefused', data: { status: 401 } }],
      assert: () => expect(refusing.requests()).toBe(1),
    },
    {
      // Issue 12: a 404 with valid credentials is no list answer; the check must not pass on it.
      name: 'the configured path answers 404',
      server: () => startServer((_req, res) => json(res, 404, { error: 'not found' })),
      verdicts: [{ verdict: 'notFound', data: { path: '/api/items', status: 404 } }],
    },
    {
      name: 'hangs on a huge limit',
      config: config(undefined, 'timeoutMs: 300'),
      server: hanging.server,
      verdicts: [{ verdict: 'limitCrashes', data: { answers: 'limit=1000000 → no answer within 300 ms' } }, 'capUnproven'],
      assert: () => expect(hanging.requests()).toBe(8),
    },
    {
      // Issue 12: a connection refused is the server being down, never the list's verdict.
      name: 'the server goes down part-way: undecided, no fail built on refused connections',
      server: diesOnHugeLimit,
      verdicts: [{ verdict: 'undecided', data: { code: 'refused' } }],
      assert: (findings) => expect(findings.filter((f) => f.status === 'fail')).toEqual([]),
    },
    {
      // Issue 13, class 6: a page cut at maxResponseBytes is too large to judge, and that is itself a warning.
      name: 'capped pages too large to read whole',
      config: config(undefined, 'maxResponseBytes: 16384'),
      server: list({ total: 250, cap: 100, defaultSize: 100, padding: 400 }),
      verdicts: [{ verdict: 'pageTooLarge', data: { maxBytes: '16 KiB' } }],
    },
  ],
});
