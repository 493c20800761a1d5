import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import check from '../../checks/default-deny.js';
import { mergeSpecSource } from '../../src/openapi/merge-spec.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, targetFor } from '../helpers/target.js';

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

/** A petstore-like API: GET /user/{username} answers any name (its own route), everything without a route is 404. */
const petstore = () =>
  startServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (/^\/user\/[^/]+$/.test(path)) return json(res, 200, { username: path.slice(6), email: 'someone@example.com' });
    if (path === '/pet/findByStatus') return json(res, 200, []);
    json(res, 404, { code: 404, message: 'not found' });
  });

checkTester.run(check, {
  config: config(),
  valid: [
    {
      name: 'default-deny middleware (401 before the router) and a short allow-list',
      server: () =>
        startServer((req, res) => {
          if (req.url === '/health') return json(res, 200, { status: 'ok' });
          if (req.headers.authorization !== TOKEN) return json(res, 401, { error: 'unauthorized' });
          json(res, req.url === '/api/orders' ? 200 : 404, {});
        }),
      verdicts: ['refused', { verdict: 'shortList', data: { publicPaths: '/health and /api/login', count: 2 } }],
      assert: (findings) => {
        const refused = byVerdict(findings, 'refused');
        expect(refused.data!.paths).toEqual([
          expect.stringMatching(/^\/preflight-\w+$/),
          expect.stringMatching(/^\/api\/preflight-\w+$/),
          expect.stringMatching(/^\/v2\/preflight-\w+$/),
        ]);
        expect(refused.evidence.every((e) => e.method === 'GET' && e.requestHeaders.authorization === undefined)).toBe(true);
      },
    },
    {
      name: "fastify's default 404 for unknown routes (not served; a 404 is no proof of a refusal)",
      server: async () => {
        const app = Fastify();
        app.get('/health', async () => ({ status: 'ok' }));
        const url = await app.listen({ port: 0, host: '127.0.0.1' });
        return { url, close: () => app.close() };
      },
      verdicts: ['notServed', 'shortList'],
      assert: (findings) => expect(byVerdict(findings, 'notServed').evidence.map((e) => e.status)).toEqual([404, 404, 404]),
    },
    {
      // Issue 13.3: /user/preflight-x matched the API's own /user/{username} and was called "public".
      name: 'a configured template (/user/{username}) is not taken for the fallback: the probe goes one segment deeper',
      config: config('[/health]', '  - { path: "/user/{username}", params: { username: alice } }\n'),
      server: petstore,
      verdicts: ['notServed', 'shortList'],
      assert: (findings) =>
        expect(byVerdict(findings, 'notServed').data!.paths).toContainEqual(expect.stringMatching(/^\/user\/(preflight-\w+)\/\1$/)),
    },
  ],
  invalid: [
    {
      name: 'a fallback that answers 200 to any path under /api',
      server: () =>
        startServer((req, res) => {
          if (req.url === '/api/orders' && req.headers.authorization !== TOKEN) return json(res, 401, { error: 'unauthorized' });
          // Allow-by-exception: routes opt in to auth; the catch-all "API info" handler never did.
          if (req.url?.startsWith('/api/')) return json(res, 200, { service: 'orders-api', version: '1.4.2' });
          json(res, 404, { error: 'not_found' });
        }),
      verdicts: ['served'],
      assert: (findings) => {
        const served = byVerdict(findings, 'served');
        expect(served.severity).toBe('high');
        expect(served.data!.answers).toEqual([expect.stringMatching(/^GET \/api\/preflight-\w+ → 200$/)]);
        expect(served.reproduce).toMatch(/\/api\/preflight-\w+'$/);
      },
    },
    {
      name: 'an API that crashes on a path without a route',
      server: () =>
        startServer((req, res) => (req.url === '/health' ? json(res, 200, {}) : res.writeHead(500).end('TypeError: route is undefined'))),
      verdicts: ['fellOver'],
      assert: (findings) =>
        expect(byVerdict(findings, 'fellOver').data!.answers).toContainEqual(expect.stringMatching(/^GET \/preflight-\w+ → 500$/)),
    },
    {
      name: 'an unknown path answered 400 instead of 401 or 404',
      server: () => startServer((_req, res) => json(res, 400, { error: 'bad request' })),
      verdicts: ['otherAnswer'],
    },
    {
      name: 'an allow-list that opens admin-looking paths',
      config: config('[/health, /admin/*, /internal/metrics]'),
      server: () => startServer((_req, res) => json(res, 404, {})),
      verdicts: [{ verdict: 'adminAllowed', data: { adminLooking: ['/admin/*', '/internal/metrics'] } }],
    },
    {
      name: 'an allow-list that opens everything (no unknown path is left to expect a refusal from)',
      config: config('["/*"]'),
      server: () => startServer((_req, res) => json(res, 404, {})),
      verdicts: ['everythingPublic'],
      assert: (findings) => expect(findings.map((f) => f.id)).toContain('default-deny/allPublic'),
    },
    {
      name: 'a wildcard that makes a write endpoint public',
      config: config('[/health, /api/*]', '  - { method: POST, path: /api/orders, body: { sku: A1 } }\n'),
      server: () => startServer((_req, res) => json(res, 401, {})),
      verdicts: [{ verdict: 'publicWrites', data: { writes: ['POST /api/orders'] } }],
    },
  ],
});

describe('default-deny with --openapi (issue 13.3)', () => {
  it('probes a path no documented template matches, and says which one', async () => {
    const server = await petstore();
    try {
      const dir = await mkdtemp(join(tmpdir(), 'default-deny-'));
      const spec = join(dir, 'petstore.json');
      await writeFile(
        spec,
        JSON.stringify({
          openapi: '3.0.3',
          info: { title: 'petstore', version: '1' },
          security: [{ key: [] }],
          components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'api_key' } } },
          paths: {
            '/pet/findByStatus': {
              get: {
                parameters: [{ name: 'status', in: 'query', example: 'available', schema: { type: 'string' } }],
                responses: { '200': { description: 'ok' } },
              },
            },
            '/user/{username}': {
              get: {
                parameters: [{ name: 'username', in: 'path', required: true, example: 'user1', schema: { type: 'string' } }],
                responses: { '200': { description: 'ok' } },
              },
            },
          },
        }),
      );
      const configured = await targetFor(server.url, 'endpoints: []\n');
      const { target } = await mergeSpecSource(configured, spec, { cwd: dir, warn: () => undefined });
      expect(target.endpoints.map((e) => e.label)).toContain('GET /user/{username}');
      const { findings } = await runCheck(check, target);
      expect(findings.map((f) => f.id)).toContain('default-deny/emptyList');
      const unknown = findings.find((f) => f.key.startsWith('default-deny/unknown-paths'))!;
      // Before: GET /user/preflight-x → 200 (the documented route), reported "served" (high).
      expect(unknown.id).toBe('default-deny/notServed');
      expect(unknown.data!.paths).toEqual([
        expect.stringMatching(/^\/preflight-\w+$/),
        expect.stringMatching(/^\/pet\/preflight-\w+$/),
        expect.stringMatching(/^\/user\/(preflight-\w+)\/\1$/),
      ]);
      expect(server.requests.filter((r) => /^\/user\/preflight-\w+$/.test(r.url ?? ''))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
