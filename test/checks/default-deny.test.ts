import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/default-deny.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const TOKEN = 'Bearer default-deny-token';
const config = (publicPaths = '[/health, /api/login]', moreEndpoints = ''): string => `
auth:
  headers: { Authorization: "${TOKEN}" }
publicPaths: ${publicPaths}
limits: { requestsPerSecond: 500 }
endpoints:
  - { path: /api/orders }
  - { path: "/v2/orders/{id}", params: { id: ord_1 } }
${moreEndpoints}`;

describe('default-deny check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('passes default-deny middleware and shows the allow-list', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/health') return json(res, 200, { status: 'ok' });
      if (req.headers.authorization !== TOKEN) return json(res, 401, { error: 'unauthorized' });
      json(res, req.url === '/api/orders' ? 200 : 404, {});
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(statuses(findings)).toEqual(['pass', 'pass']);
    expect(findings[0]!.message).toMatch(/^paths no route serves were refused anonymously \(GET \/preflight-\w+ → 401, GET \/api\/preflight-\w+ → 401 and GET \/v2\/preflight-\w+ → 401\)$/);
    expect(findings[1]!.message).toBe('the allow-list (publicPaths) has 2 entries: /health and /api/login; everything else must refuse anonymous calls');
    expect(findings[1]!.data).toEqual({ publicPaths: ['/health', '/api/login'] });
    expect(server.requests.every((r) => r.method === 'GET' && r.headers.authorization === undefined)).toBe(true);
  });

  it('passes fastify with its default 404 for unknown routes', async () => {
    const app = Fastify();
    app.get('/health', async () => ({ status: 'ok' }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const { findings } = await runCheck(check, await targetFor(url, config()));
    expect(statuses(findings)).toEqual(['pass', 'pass']);
    expect(findings[0]!.evidence.map((e) => e.status)).toEqual([404, 404, 404]);
  });

  it('fails an API whose fallback answers 200 to any path under /api', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/api/orders' && req.headers.authorization !== TOKEN) return json(res, 401, { error: 'unauthorized' });
      // Allow-by-exception: routes opt in to auth; the catch-all "API info" handler never did.
      if (req.url?.startsWith('/api/')) return json(res, 200, { service: 'orders-api', version: '1.4.2' });
      json(res, 404, { error: 'not_found' });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(findings[0]!.status).toBe('fail');
    expect(findings[0]!.severity).toBe('high');
    expect(findings[0]!.message).toMatch(/^paths no route serves answered an anonymous caller with 2xx \(GET \/api\/preflight-\w+ → 200\): the API is not default-deny/);
    expect(findings[0]!.reproduce).toMatch(/\/api\/preflight-\w+'$/);
  });

  it('fails an API that crashes on a path without a route', async () => {
    const server = await startServer((req, res) => (req.url === '/health' ? json(res, 200, {}) : res.writeHead(500).end('TypeError: route is undefined')));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(findings[0]!.status).toBe('fail');
    expect(findings[0]!.message).toMatch(/made the API fail \(GET \/preflight-\w+ → 500/);
  });

  it('flags an allow-list that opens admin-looking paths, or everything', async () => {
    const server = await startServer((_req, res) => json(res, 404, {}));
    closers.push(server.close);
    const admin = await runCheck(check, await targetFor(server.url, config('[/health, /admin/*, /internal/metrics]')));
    expect(admin.findings[1]!.status).toBe('fail');
    expect(admin.findings[1]!.message).toBe("publicPaths allows /admin/* and /internal/metrics, which look like an admin or internal surface: admin endpoints don't belong on the public allow-list");
    expect(admin.findings[1]!.data?.adminLooking).toEqual(['/admin/*', '/internal/metrics']);

    const everything = await runCheck(check, await targetFor(server.url, config('["/*"]')));
    expect(everything.findings[1]!.status).toBe('fail');
    expect(everything.findings[1]!.message).toMatch(/^publicPaths contains \/\*: every path is on the allow-list/);
    // With every path public there is no unknown path left to expect a refusal from.
    expect(everything.findings[0]!.status).toBe('skip');
  });

  it('warns when a wildcard makes a write endpoint public', async () => {
    const server = await startServer((_req, res) => json(res, 401, {}));
    closers.push(server.close);
    const yaml = config('[/health, /api/*]', '  - { method: POST, path: /api/orders, body: { sku: A1 } }\n');
    const { findings } = await runCheck(check, await targetFor(server.url, yaml));
    expect(findings[1]!.status).toBe('warn');
    expect(findings[1]!.message).toMatch(/^publicPaths wildcards also make POST \/api\/orders public: anonymous writes, by config/);
  });
});
