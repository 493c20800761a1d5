import { describe, expect, it } from 'vitest';
import check from '../../checks/health-endpoint.js';
import { useServers } from '../helpers/server-pool.js';
import { json } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const settings = 'auth:\n  headers: { Authorization: "Bearer t0ken-for-tests" }\nlimits: { requestsPerSecond: 1000 }\nthresholds: { healthMs: 80 }\n';

describe('health-endpoint check', () => {
  const serve = useServers();

  it('finds /healthz when none is configured and passes a fast anonymous 200', async () => {
    const server = await serve((req, res) => (req.url === '/healthz' ? json(res, 200, { status: 'ok' }) : json(res, 404, {})));
    const { findings } = await runCheck(check, await targetFor(server.url, settings));
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.endpoint).toBe('GET /healthz');
    expect(findings[0]!.message).toMatch(/GET \/healthz answered 200 without credentials in a median of [\d.]+ ms \(max [\d.]+ ms\) over 5 requests one at a time, under healthMs \(80 ms\)/);
    // Never with the configured credentials: a load balancer has none.
    expect(server.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(server.requests.map((r) => r.url)).toEqual(['/health', '/healthz', ...Array(5).fill('/healthz')]);
  });

  it('fails when no conventional health path exists', async () => {
    const server = await serve((_req, res) => json(res, 404, {}));
    const { findings } = await runCheck(check, await targetFor(server.url, settings));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toBe('no health endpoint: GET /health → 404, GET /healthz → 404, GET /readyz → 404, GET /livez → 404; add one, or name yours in health:');
  });

  it('fails a health endpoint that needs credentials', async () => {
    const server = await serve((req, res) => (req.headers.authorization ? json(res, 200, {}) : json(res, 401, {})));
    const { findings } = await runCheck(check, await targetFor(server.url, `${settings}health: /status\n`));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/GET \/status without credentials answered 401: it needs credentials/);
  });

  it('fails a slow health endpoint, with the figures', async () => {
    const server = await serve((_req, res) => void setTimeout(() => json(res, 200, {}), 120));
    const { findings } = await runCheck(check, await targetFor(server.url, `${settings}health: /health\n`));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/answered 200 without credentials but slowly: a median of 1\d\d ms .*over healthMs \(80 ms\)/);
    expect((findings[0]!.data!.latency as { p50: number }).p50).toBeGreaterThanOrEqual(120);
  });

  it('fails a configured health path that is missing, and one that hangs', async () => {
    const missing = await serve((_req, res) => json(res, 404, {}));
    const first = await runCheck(check, await targetFor(missing.url, `${settings}health: /ping\n`));
    expect(first.findings[0]!.message).toMatch(/GET \/ping without credentials answered 404; it must answer 2xx/);

    const hanging = await serve(() => undefined);
    const second = await runCheck(check, await targetFor(hanging.url, `${settings.replace('healthMs: 80', 'healthMs: 100')}health: /health\nlimits: { timeoutMs: 400 }\n`.replace('limits: { requestsPerSecond: 1000 }\n', '')));
    expect(statuses(second.findings)).toEqual(['fail']);
    expect(second.findings[0]!.message).toMatch(/did not answer within 400 ms/);
  });
});
