// Issue 21 item 1: allowWrites opts in to writes for the endpoints the user configured, nothing more.
// A served (discovered) or --openapi spec that documents destructive operations gets them probed
// read-only unless allowSpecWrites names them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/client.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { auditEverything } from '../untrusted/audit.js';

const TOKEN = 'tok-real-0123456789';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const op = (summary: string): unknown => ({ summary, responses: { '200': { description: 'ok' } } });
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, example: 'u1' }];
const SPEC = {
  openapi: '3.0.3',
  info: { title: 'hostile', version: '1' },
  paths: {
    '/api/items': { get: op('list items'), post: op('create item') },
    '/admin/database': { delete: op('drop the database') },
    '/admin/config': { put: op('replace config') },
    '/admin/reset': { post: op('reset everything') },
    '/users/{id}': { parameters: idParam, delete: op('delete a user'), patch: op('edit a user') },
  },
};

const config = (url: string, extra = ''): string => `
target: { name: spec writes, baseUrl: "${url}" }
auth: { headers: { Authorization: "Bearer ${TOKEN}" } }
health: /health
endpoints:
  - { method: POST, path: /api/items, kind: write, body: { name: a } }
allowWrites: true
limits: { concurrency: 4, requestsPerSecond: 2000, maxRequests: 600, timeoutMs: 4000 }
${extra}
`;

/** Writes the server saw, by "METHOD /path", outside the one configured write endpoint. */
function unconfiguredWrites(server: TestServer, from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of server.requests.slice(from)) {
    const path = r.url.split('?')[0]!;
    if (!WRITE_METHODS.has(r.method) || path === '/api/items') continue;
    counts[`${r.method} ${path}`] = (counts[`${r.method} ${path}`] ?? 0) + 1;
  }
  return counts;
}

describe('write probes go only to configured write endpoints (issue 21 item 1)', () => {
  let server: TestServer;
  let specFile: string;
  let dir: string;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/openapi.json') return json(res, 200, SPEC);
      if (path === '/health') return json(res, 200, { ok: true });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { error: 'unauthorized' });
      if (req.method === 'POST' && path === '/api/items/moved') return json(res, 307, {}, { location: '/admin/reset' });
      if (req.method === 'POST' && path === '/api/items') return json(res, 201, { id: 'i1' }, { location: '/api/items/i1' });
      json(res, 200, { ok: true });
    });
    dir = mkdtempSync(join(tmpdir(), 'preflight-spec-writes-'));
    specFile = join(dir, 'openapi.json');
    writeFileSync(specFile, JSON.stringify(SPEC));
  });
  afterAll(() => server.close());

  it('a discovered spec: no write reaches an operation the config does not list; the report says so', async () => {
    const from = server.requests.length;
    const out = await auditEverything(config(server.url));
    expect(out.code === 0 || out.code === 1).toBe(true);
    expect(unconfiguredWrites(server, from)).toEqual({});
    // The configured one is still written to: the opt-in works where the user asked.
    expect(server.requests.slice(from).some((r) => r.method === 'POST' && r.url.startsWith('/api/items'))).toBe(true);
    const report = JSON.parse(out.files.json);
    expect(report.writeScope).toMatchObject({ configured: 1, specOnly: 5, specWrites: false });
    expect(out.files.terminal).toContain('writes: 1 configured endpoint; 5 spec-only write operations probed read-only');
  });

  it('--openapi FILE: the same', async () => {
    const from = server.requests.length;
    const out = await auditEverything(config(server.url, 'discover: false'), {}, ['--openapi', specFile]);
    expect(out.code === 0 || out.code === 1).toBe(true);
    expect(unconfiguredWrites(server, from)).toEqual({});
  });

  it('allowSpecWrites: true is the explicit opt-in that lets spec-only operations be written to', async () => {
    const from = server.requests.length;
    const out = await auditEverything(config(server.url, 'allowSpecWrites: true'));
    expect(out.code === 0 || out.code === 1).toBe(true);
    expect(Object.keys(unconfiguredWrites(server, from)).length).toBeGreaterThan(0);
    expect(JSON.parse(out.files.json).writeScope).toMatchObject({ configured: 1, specOnly: 5, specWrites: true });
  });

  it('allowSpecWrites as a list names the operations that may be written to, and only those', async () => {
    const from = server.requests.length;
    const out = await auditEverything(config(server.url, 'allowSpecWrites: ["PATCH /users/{id}"]'));
    expect(out.code === 0 || out.code === 1).toBe(true);
    const writes = unconfiguredWrites(server, from);
    expect(writes['PATCH /users/u1']).toBeGreaterThan(0);
    expect(Object.keys(writes)).toEqual(['PATCH /users/u1']);
  });

  it('preflight plan says how many write endpoints are probed and where they came from', async () => {
    const file = join(dir, 'preflight.yaml');
    writeFileSync(file, config(server.url));
    const from = server.requests.length;
    const result = await runCli(['plan', '--config', file, '--openapi', specFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('writes: 1 configured endpoint; 5 spec-only write operations probed read-only');
    expect(server.requests.length).toBe(from);
  });

  it('the client refuses writes outside the writable routes however the path is spelled, and follows no 307 there', async () => {
    const http = await createHttpClient({
      baseUrl: server.url,
      limits: {
        concurrency: 2,
        requestsPerSecond: 1000,
        maxRequests: 50,
        timeoutMs: 4000,
        maxResponseBytes: 65536,
        maxDurationMs: 20_000,
        recoveryMs: 1000,
      },
      allowWrites: true,
      auth: { headers: { Authorization: `Bearer ${TOKEN}` } },
      writable: [
        { method: 'POST', path: '/api/items' },
        { method: 'POST', path: '/api/items/moved' },
      ],
    });
    const from = server.requests.length;
    const refused = [
      { method: 'DELETE', path: '/admin/database' },
      { method: 'POST', path: '/api/items/../../admin/reset', rawPath: true },
      { method: 'DELETE', path: '/api/items/%2e%2e/admin', rawPath: true },
      { method: 'DELETE', path: '/api/items/a%2Fb' },
      { method: 'GET', path: '/admin/config', headers: { 'X-HTTP-Method-Override': 'PUT' } },
      { method: 'PUT', path: `${server.url}/users/u1` },
    ];
    for (const request of refused) await expect(http.send(request)).rejects.toMatchObject({ code: 'write-not-allowed' });
    expect(server.requests.length).toBe(from);
    // Allowed: the configured route, and a record one segment below it (what the audit created there).
    expect((await http.send({ method: 'POST', path: '/api/items', body: '{}' })).status).toBe(201);
    await http.send({ method: 'DELETE', path: '/api/items/i1' });
    const moved = await http.send({ method: 'POST', path: '/api/items/moved', body: '{}' });
    expect(moved.status).toBe(307);
    expect(moved.exchange.note).toContain('redirect not followed');
    await http.close();
    expect(server.requests.slice(from).map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/items',
      'DELETE /api/items/i1',
      'POST /api/items/moved',
    ]);
  });
});
