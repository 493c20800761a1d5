import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import check from '../../checks/url-header-caps.js';
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
      name: 'a server that answers a long URL and a long header with a 5xx',
      server: () =>
        startServer((req, res) => {
          const headerBytes = req.rawHeaders.join('').length;
          if ((req.url ?? '').length > 8192 || headerBytes > 16384) return json(res, 500, { error: 'RangeError: buffer overflow' });
          json(res, 200, { data: [] });
        }, LARGE_HEADERS),
      verdicts: [
        { verdict: 'urlFailed', data: { said: 'a 16 KiB query → 500, a 64 KiB query → 500' } },
        { verdict: 'headerFailed', data: { said: 'one 32 KiB X-Preflight-Padding header → 500' } },
      ],
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
