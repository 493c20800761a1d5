import { afterEach, describe, expect, it } from 'vitest';
import { isWriteMethod, methodOverrideValue } from '../../src/http/methods.js';
import { runAudit } from '../../src/runner/run.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

/** Every check, a full audit, measured where it counts: at the server. */
describe('a full audit respects its bounds, counted at the server', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  async function permissiveApiWithExitDoor(): Promise<{ api: TestServer; elsewhere: TestServer }> {
    const elsewhere = await startServer((_req, res) => json(res, 200, { gotcha: true }));
    // Says yes to everything, and sends some paths to another origin.
    const api = await startServer((req, res) => {
      if (req.url?.startsWith('/go-away')) return res.writeHead(302, { location: `${elsewhere.url}/steal` }).end();
      json(res, 200, { data: [{ id: 1 }], next_cursor: null });
    });
    servers.push(api, elsewhere);
    return { api, elsewhere };
  }

  const endpoints = `
publicPaths: [/health]
endpoints:
  - { path: /api/orders, kind: list, pagination: { dataField: data, cursorField: next_cursor } }
  - { method: POST, path: /api/orders, kind: write, body: { sku: A1 } }
  - { method: DELETE, path: "/api/orders/{id}", params: { id: "1" } }
  - { path: /go-away }
health: /health
latency: { samples: 5, maxSeconds: 2 }
`;

  it('stays within maxRequests, sends no write without allowWrites, and nothing to another origin', async () => {
    const { api, elsewhere } = await permissiveApiWithExitDoor();
    const target = await targetFor(api.url, `${endpoints}limits: { maxRequests: 60, requestsPerSecond: 1000, timeoutMs: 2000 }\n`);
    const report = await runAudit(target);
    expect(api.requests.length).toBeLessThanOrEqual(60);
    expect(report.requests).toBe(api.requests.length);
    const writes = api.requests.filter(
      (r) => isWriteMethod(r.method) || isWriteMethod(methodOverrideValue(r.headers as Record<string, string>) ?? ''),
    );
    expect(writes.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('keeps the whole run at or under requestsPerSecond (+10%)', async () => {
    const { api, elsewhere } = await permissiveApiWithExitDoor();
    const rps = 40;
    const target = await targetFor(
      api.url,
      `${endpoints}limits: { maxRequests: 80, requestsPerSecond: ${rps}, concurrency: 8, timeoutMs: 2000 }\n`,
    );
    await runAudit(target);
    const times = api.requests.map((r) => r.at);
    expect(times.length).toBeGreaterThan(20);
    const rate = (times.length - 1) / ((times[times.length - 1]! - times[0]!) / 1000);
    expect(rate).toBeLessThanOrEqual(rps * 1.1);
    expect(elsewhere.requests).toHaveLength(0);
  });
});
