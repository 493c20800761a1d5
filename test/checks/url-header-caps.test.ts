import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import check, { judgeHeader, judgeUrl, outcomeOf } from '../../checks/url-header-caps.js';
import { ProbeError } from '../../src/http/types.js';
import type { Exchange } from '../../src/types.js';
import type { Attempt } from '../../src/http/attempt.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const config = (timeoutMs = 2000) => `
endpoints:
  - { path: /api/items, kind: list }
limits: { requestsPerSecond: 1000, timeoutMs: ${timeoutMs} }
`;

const LARGE_HEADERS = { maxHeaderSize: 256 * 1024 };

let seen: TestServer;
const keep = async (started: Promise<TestServer>): Promise<TestServer> => (seen = await started);

checkTester.run(check, {
  config: config(),
  valid: [
    {
      name: "Node's default server, which answers 431 to an over-long request line or header",
      server: () => keep(startServer((_req, res) => json(res, 200, { data: [] }))),
      verdicts: ['urlRefused', 'headerRefused'],
      assert: (findings) => {
        expect(byVerdict(findings, 'urlRefused').data).toMatchObject({
          path: '/api/items',
          said: 'a 16 KiB query → 431, a 64 KiB query → 431',
        });
        expect(byVerdict(findings, 'headerRefused').data).toMatchObject({
          path: '/api/items',
          said: 'one 32 KiB X-Preflight-Padding header → 431',
        });
        expect(seen.requests).toHaveLength(0); // refused by the parser, before the handler
      },
    },
    {
      name: 'keeps evidence short, with a curl line that regenerates the padding',
      server: () => keep(startServer((_req, res) => json(res, 431, {}), LARGE_HEADERS)),
      verdicts: ['urlRefused', 'headerRefused'],
      assert: (findings) => {
        const evidence = byVerdict(findings, 'urlRefused').evidence[1]!;
        expect(evidence.url).toMatch(/\?preflight_padding=<65518 × a>$/);
        expect(evidence.curl.length).toBeLessThan(300);
        // Run the curl line with curl replaced by printf: the shell rebuilds the exact URL that was sent.
        const url = execFileSync('bash', ['-c', `curl() { printf '%s\\n' "$@"; }; ${evidence.curl}`], { encoding: 'utf8' })
          .split('\n')
          .find((arg) => arg.startsWith('http'));
        expect(url).toBe(`${seen.url}/api/items?${seen.requests[1]!.url.split('?')[1]}`);
        expect(byVerdict(findings, 'headerRefused').reproduce).toMatch(
          /-H 'X-Preflight-Padding: '"\$\(head -c 32768 \/dev\/zero \| tr '\\0' a\)"/,
        );
      },
    },
  ],
  invalid: [
    {
      name: 'a query that is ignored with a 2xx passes; a 32 KiB header accepted warns',
      server: () => keep(startServer((_req, res) => json(res, 200, { data: [] }), LARGE_HEADERS)),
      verdicts: [{ verdict: 'headerAccepted', data: { sent: ['one 32 KiB X-Preflight-Padding header → 200, accepted'] } }],
      assert: (findings) => {
        expect(findings.find((f) => f.id === 'url-header-caps/urlRefused')!.data?.said).toBe(
          'a 16 KiB query → 200 (ignored), a 64 KiB query → 200 (ignored)',
        );
        expect(byVerdict(findings, 'headerAccepted').data?.said).toBe('one 32 KiB X-Preflight-Padding header → 200, accepted');
        expect(seen.requests.map((r) => r.url.length)).toEqual([
          16 * 1024 + '/api/items?'.length,
          64 * 1024 + '/api/items?'.length,
          '/api/items'.length,
        ]);
        expect(seen.requests[2]!.headers['x-preflight-padding']).toHaveLength(32 * 1024);
      },
    },
    {
      name: 'a server that hangs on a long URL fails',
      config: config(1000),
      server: () =>
        startServer((req, res) => {
          if ((req.url ?? '').length > 32 * 1024) return; // the parser is still "working" on it
          json(res, req.headers['x-preflight-padding'] ? 431 : 200, {});
        }, LARGE_HEADERS),
      verdicts: [{ verdict: 'urlFailed', data: { said: 'a 16 KiB query → 200 (ignored), a 64 KiB query → no answer within 1000 ms' } }],
    },
    {
      name: 'a server that drops the connection on a long URL warns',
      server: () =>
        startServer((req, res) => {
          if ((req.url ?? '').length > 8192) return void req.socket.destroy();
          json(res, 200, {});
        }, LARGE_HEADERS),
      verdicts: [
        {
          verdict: 'urlDropped',
          data: {
            sent: [
              'a 16 KiB query → the connection was closed without a complete answer, twice (retried once)',
              'a 64 KiB query → the connection was closed without a complete answer, twice (retried once)',
            ],
          },
        },
        'headerAccepted',
      ],
    },
    {
      // Issue 12: "url-header-caps: the connection was refused" was a FAIL on a target another probe had taken down.
      name: 'a target that is no longer listening: undecided, not a fail',
      server: async () => {
        const gone = await startServer((_req, res) => json(res, 200, {}));
        await gone.close();
        return { url: gone.url, close: async () => undefined };
      },
      verdicts: [{ verdict: 'undecided', data: { code: 'refused' } }],
    },
  ],
});

// The judges, in-process: made-up answers in, one verdict and its data out. The servers above cover the probing.
describe('url-header-caps judges', () => {
  const exchange = {} as Exchange;
  const answered = (status: number): Attempt => ({ response: { status, exchange } }) as Attempt;
  const reset = (): Attempt => ({ failure: new ProbeError('reset', 'socket hang up', exchange) as ProbeError & { exchange: Exchange } });
  const timedOut = (): Attempt => ({
    failure: new ProbeError('timeout', 'no answer within 1000 ms', exchange) as ProbeError & { exchange: Exchange },
  });
  const queries = (...sent: Attempt[]) => sent.map((one, i) => outcomeOf(one, `a ${i ? 64 : 16} KiB query`, 'query'));
  const header = (sent: Attempt) => [outcomeOf(sent, 'one 32 KiB X-Preflight-Padding header', 'header')];

  it.each([
    ['431 and 414', queries(answered(431), answered(414)), 'urlRefused', 'a 16 KiB query → 431, a 64 KiB query → 414'],
    [
      'ignored with a 2xx',
      queries(answered(200), answered(200)),
      'urlRefused',
      'a 16 KiB query → 200 (ignored), a 64 KiB query → 200 (ignored)',
    ],
    ['a 5xx on both', queries(answered(500), answered(500)), 'urlFailed', 'a 16 KiB query → 500, a 64 KiB query → 500'],
    [
      'a hang on the longer one',
      queries(answered(200), timedOut()),
      'urlFailed',
      'a 16 KiB query → 200 (ignored), a 64 KiB query → no answer within 1000 ms',
    ],
    [
      'dropped without a status',
      queries(answered(414), reset()),
      'urlDropped',
      'a 16 KiB query → 414, a 64 KiB query → the connection was closed without a complete answer',
    ],
    [
      'a 5xx outweighs a drop',
      queries(reset(), answered(502)),
      'urlFailed',
      'a 16 KiB query → the connection was closed without a complete answer, a 64 KiB query → 502',
    ],
  ])('long URLs: %s', (_name, outcomes, verdict, said) => {
    const judged = judgeUrl('/api/items', outcomes);
    expect(judged.verdict).toBe(verdict);
    expect(judged.data).toEqual({ path: '/api/items', said, sent: said.split(/, (?=a \d+ KiB)/) });
  });

  it.each([
    ['431', header(answered(431)), 'headerRefused', 'one 32 KiB X-Preflight-Padding header → 431'],
    ['400', header(answered(400)), 'headerRefused', 'one 32 KiB X-Preflight-Padding header → 400'],
    ['accepted with a 200', header(answered(200)), 'headerAccepted', 'one 32 KiB X-Preflight-Padding header → 200, accepted'],
    ['a 500', header(answered(500)), 'headerFailed', 'one 32 KiB X-Preflight-Padding header → 500'],
    [
      'dropped',
      header(reset()),
      'headerDropped',
      'one 32 KiB X-Preflight-Padding header → the connection was closed without a complete answer',
    ],
    ['a hang', header(timedOut()), 'headerFailed', 'one 32 KiB X-Preflight-Padding header → no answer within 1000 ms'],
  ])('a large header: %s', (_name, outcomes, verdict, said) => {
    const judged = judgeHeader('/api/items', outcomes);
    expect(judged.verdict).toBe(verdict);
    expect(judged.data).toEqual({ path: '/api/items', said, sent: [said] });
  });
});
