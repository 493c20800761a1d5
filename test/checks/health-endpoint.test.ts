import { expect } from 'vitest';
import check from '../../checks/health-endpoint.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const settings =
  'auth:\n  headers: { Authorization: "Bearer t0ken-for-tests" }\nlimits: { requestsPerSecond: 1000 }\nthresholds: { healthMs: 80 }\n';

/** A server for one case, kept so the case's assertions can see what it received. */
function kept(start: () => Promise<TestServer>): { server: () => Promise<TestServer>; seen: () => TestServer } {
  let started: TestServer | undefined;
  return { server: async () => (started = await start()), seen: () => started! };
}

const healthz = kept(() => startServer((req, res) => (req.url === '/healthz' ? json(res, 200, { status: 'ok' }) : json(res, 404, {}))));
let calls = 0;

checkTester.run(check, {
  config: settings,
  valid: [
    {
      name: 'finds /healthz when none is configured and passes a fast anonymous 200',
      server: healthz.server,
      verdicts: [{ verdict: 'fast', endpoint: 'GET /healthz', data: { path: '/healthz', status: 200, healthMs: 80 } }],
      assert: (findings) => {
        expect(byVerdict(findings, 'fast').data!.timing).toMatch(/^a median of [\d.]+ ms \(max [\d.]+ ms\) over 5 requests one at a time$/);
        // Never with the configured credentials: a load balancer has none.
        expect(healthz.seen().requests.every((r) => r.headers.authorization === undefined)).toBe(true);
        expect(healthz.seen().requests.map((r) => r.url)).toEqual(['/health', '/healthz', ...Array(5).fill('/healthz')]);
      },
    },
  ],
  invalid: [
    {
      name: 'no conventional health path exists',
      server: () => startServer((_req, res) => json(res, 404, {})),
      verdicts: [
        {
          verdict: 'missing',
          endpoint: '*',
          data: { tried: ['GET /health → 404', 'GET /healthz → 404', 'GET /readyz → 404', 'GET /livez → 404'] },
        },
      ],
    },
    {
      name: 'a health endpoint that needs credentials',
      server: () => startServer((req, res) => (req.headers.authorization ? json(res, 200, {}) : json(res, 401, {}))),
      config: `${settings}health: /status\n`,
      verdicts: [{ verdict: 'needsCredentials', endpoint: 'GET /status', data: { status: 401 } }],
    },
    {
      name: 'a slow health endpoint, with the figures',
      server: () => startServer((_req, res) => void setTimeout(() => json(res, 200, {}), 120)),
      config: `${settings}health: /health\n`,
      verdicts: ['slow'],
      assert: (findings) => {
        const slow = byVerdict(findings, 'slow');
        expect(slow.data!.timing).toMatch(/^a median of 1\d\d ms/);
        expect((slow.data!.latency as { p50: number }).p50).toBeGreaterThanOrEqual(120);
      },
    },
    {
      name: 'a configured health path that is missing',
      server: () => startServer((_req, res) => json(res, 404, {})),
      config: `${settings}health: /ping\n`,
      verdicts: [{ verdict: 'notOk', endpoint: 'GET /ping', data: { path: '/ping', status: 404 } }],
    },
    {
      name: 'a configured health path that hangs',
      server: () => startServer(() => undefined),
      config: `${settings.replace('healthMs: 80', 'healthMs: 100').replace('limits: { requestsPerSecond: 1000 }\n', '')}health: /health\nlimits: { timeoutMs: 400 }\n`,
      verdicts: [{ verdict: 'hangs', endpoint: 'GET /health', data: { timeoutMs: 400 } }],
    },
    {
      name: 'a health endpoint that answers 503 between 200s (flapping)',
      server: () => {
        calls = 0;
        return startServer((_req, res) => (++calls % 2 === 0 ? json(res, 503, {}) : json(res, 200, {})));
      },
      config: `${settings}health: /health\n`,
      verdicts: [{ verdict: 'flapping', data: { statuses: '503', failed: 3, total: 5 } }],
    },
  ],
});
