// Issue 12, trust I: never green on a run that saw nothing, name the request that took the target
// down, and never let the audit's own heavy writes mislead the read checks. Real loopback servers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allFindings } from '../../src/report/common.js';
import type { Report } from '../../src/report/types.js';
import { runAudit } from '../../src/runner/run.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

const TOKEN = 'Bearer t0ken-for-trust-tests';
const AUTH = `auth:\n  headers: { Authorization: "${TOKEN}" }\n`;

/** An API mounted under /v1 that refuses anonymous calls and answers JSON. */
function underV1(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0]!;
  if (!path.startsWith('/v1/api/orders')) json(res, 404, { error: { code: 'not_found' } });
  else if (req.headers.authorization !== TOKEN) json(res, 401, { error: { code: 'unauthorized' } });
  else json(res, 200, path === '/v1/api/orders' ? { data: [{ id: 'o1' }], next_cursor: null } : { id: 'o1' });
}

describe('coverage: never green on what was not seen', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  const tempConfig = (text: string): { dir: string; file: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-trust-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'target.yaml'), text);
    return { dir, file: join(dir, 'target.yaml') };
  };

  it('a forgotten /v1 prefix (every endpoint 404) exits 3 and names the prefix that works', async () => {
    const server = await startServer(underV1);
    cleanup.push(server.close);
    const { dir } = tempConfig(
      `target: { name: v1 api, baseUrl: "${server.url}" }\n${AUTH}endpoints:\n  - { path: /api/orders, kind: list }\n  - { path: "/api/orders/{id}", params: { id: o1 } }\n`,
    );
    const result = await runCli(['audit', '--config', 'target.yaml', '--no-progress', '--output', 'r.json'], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('every configured endpoint answered 404 with your credentials (GET /api/orders, GET /api/orders/{id})');
    expect(result.stderr).toContain(`GET /v1/api/orders answers 200: add /v1, set target.baseUrl to ${server.url}/v1`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('one endpoint that 404s among good ones is reported once as undecided and judged by no check', async () => {
    const server = await startServer(underV1);
    cleanup.push(server.close);
    const target = await targetFor(
      `${server.url}/v1`,
      `${AUTH}endpoints:\n  - { path: /api/orders, kind: list }\n  - { path: /api/ordres }\n`,
    );
    const report = await runAudit(target, { only: ['default-deny', 'list-caps'] });
    const missing = allFindings(report).filter((f) => f.endpoint === 'GET /api/ordres');
    expect(missing.map((f) => [f.id, f.status])).toEqual([['endpoint-exists/absent', 'error']]);
    expect(missing[0]!.data).toEqual({ endpoint: 'GET /api/ordres', status: 404 });
    expect(allFindings(report).some((f) => f.endpoint === 'GET /api/orders' && f.status === 'pass')).toBe(true);
    expect(report.coverage).toEqual({ endpoints: 2, answered: 1, absent: 1, notProbed: 0 });
  });

  it("endpoints with init's TODO values are not probed; one note lists them", async () => {
    const server = await startServer(underV1);
    cleanup.push(server.close);
    const target = await targetFor(
      `${server.url}/v1`,
      `${AUTH}endpoints:\n  - { path: /api/orders, kind: list }\n  - { path: "/api/orders/{id}", params: { id: TODO } }\n  - { method: GET, path: /api/orders/search, query: { status: TODO } }\n`,
    );
    const report = await runAudit(target, { only: ['default-deny', 'request-id'] });
    expect(server.requests.filter((r) => r.url.includes('TODO')).map((r) => r.url)).toEqual([]);
    expect(report.notes).toContain(
      '2 endpoints still have TODO values, not probed: fill them in or remove them (GET /api/orders/{id}, GET /api/orders/search)',
    );
    expect(report.coverage).toEqual({ endpoints: 3, answered: 1, absent: 0, notProbed: 2 });
  });

  it('endpoints: [] fails the gate: nothing was probed', async () => {
    const server = await startServer(underV1);
    cleanup.push(server.close);
    const target = await targetFor(`${server.url}/v1`, `${AUTH}endpoints: []\n`);
    const report = await runAudit(target);
    expect(report.gate.passed).toBe(false);
    expect(report.gate.reasons[0]).toMatch(/^nothing was probed: add endpoints/);
  });
});

describe('liveness: the request that took the target down is named', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a server that dies on %zz: a critical finding names that request, no fail from connection refused, exit 1, partial report', async () => {
    let dead = false;
    server = await startServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      // No error handler: decodeURIComponent throws on %zz and the "process" goes away.
      try {
        decodeURIComponent(path);
      } catch {
        dead = true;
        res.socket?.destroy();
        void server!.close();
        return;
      }
      if (req.headers.authorization !== TOKEN && path !== '/health') return json(res, 401, { error: 'unauthorized' });
      if (path === '/health') return json(res, 200, { ok: true });
      if (path === '/pets') return json(res, 200, { data: [{ id: 'p1' }], next_cursor: null });
      if (path.startsWith('/pets/')) return json(res, path === '/pets/p1' ? 200 : 404, { id: 'p1' });
      json(res, 404, { error: 'not_found' });
    });
    const dir = mkdtempSync(join(tmpdir(), 'preflight-crash-'));
    try {
      writeFileSync(
        join(dir, 'target.yaml'),
        `target: { name: fragile, baseUrl: "${server.url}" }\n${AUTH}publicPaths: [/health]\nhealth: /health\nlimits: { recoveryMs: 1500 }\nendpoints:\n  - { path: /pets, kind: list }\n  - { path: "/pets/{id}", params: { id: p1 } }\n`,
      );
      const result = await runCli(['audit', '--config', 'target.yaml', '--no-progress', '--output', 'report.json'], { cwd: dir });
      expect(dead, 'the server died').toBe(true);
      expect(result.code).toBe(1);
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
      const findings = allFindings(report);
      const crash = findings.filter((f) => f.id.endsWith('/tookTargetDown'));
      expect(crash.length).toBeGreaterThan(0);
      expect(crash.every((f) => f.status === 'fail' && f.severity === 'critical')).toBe(true);
      expect(crash.flatMap((f) => f.data!.requests as string[]).some((r) => r.includes('%zz'))).toBe(true);
      expect(crash[0]!.reproduce).toMatch(/^curl /);
      // Nothing else fails on the strength of a refused connection.
      const refusedFails = findings.filter(
        (f) => f.status === 'fail' && !f.id.endsWith('/tookTargetDown') && f.evidence.some((e) => e.error?.code === 'refused'),
      );
      expect(refusedFails.map((f) => f.id)).toEqual([]);
      expect(report.gate.reasons.join(' ')).toMatch(/stopped answering after .*%zz.* did not come back/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** A body nested a thousand levels or more: what a recursive reader overflows on. */
const DEEP = /^\s*(?:[[{]\s*(?:"[^"]*"\s*:\s*)?){1000}/;

describe('heavy write probes run last and what they break is named', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a collection that 500s for good after a deeply nested POST: critical finding; reads judged before it', async () => {
    const posts: unknown[] = [{ id: 'p1', title: 'hello' }];
    let brokenAt: number | undefined;
    server = await startServer(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.headers.authorization !== TOKEN) return json(res, 401, { error: { code: 'unauthorized' } });
      if (path !== '/posts') return json(res, 404, { error: { code: 'not_found' } });
      if (req.method === 'POST') {
        let body = '';
        for await (const chunk of req) {
          body += String(chunk);
          if (body.length > 64 * 1024) return json(res, 413, { error: { code: 'too_large' } });
        }
        // Like a store that keeps the raw text and parses it on every read.
        if (!/^\s*[[{]/.test(body)) return json(res, 400, { error: { code: 'bad_json' } });
        posts.push(body);
        if (DEEP.test(body) && brokenAt === undefined) brokenAt = Date.now();
        return json(res, 201, { id: `p${posts.length}` });
      }
      try {
        const depthOk = posts.every((p) => typeof p !== 'string' || !DEEP.test(p));
        if (!depthOk) throw new RangeError('Maximum call stack size exceeded');
        json(res, 200, { data: posts, next_cursor: null });
      } catch {
        json(res, 500, { error: { code: 'internal' } });
      }
    });
    const target = await targetFor(
      server.url,
      `${AUTH}allowWrites: true\nendpoints:\n  - { path: /posts, kind: list }\n  - { method: POST, path: /posts, kind: write, body: { title: hi } }\n`,
    );
    const report = await runAudit(target, { only: ['default-deny', 'size-caps', 'list-caps', 'error-hygiene'] });
    const findings = allFindings(report);
    const broke = findings.filter((f) => f.id.endsWith('/brokeEndpoint'));
    expect(brokenAt, 'a deeply nested body was stored').toBeDefined();
    expect(broke.map((f) => [f.endpoint, f.status, f.severity])).toEqual([['GET /posts', 'fail', 'critical']]);
    expect(broke[0]!.data).toMatchObject({ endpoint: 'GET /posts', before: 200 });
    expect([broke[0]!.data?.status].flat().join(', ')).toBe('500, 500');
    expect([broke[0]!.data?.requests].flat()[0]).toMatch(/^POST \/posts/);
    // The read checks of GET /posts saw it before the break: none of them failed on a 500.
    const readFails = findings.filter((f) => f.endpoint === 'GET /posts' && f.status === 'fail' && !f.id.endsWith('/brokeEndpoint'));
    expect(readFails.filter((f) => f.evidence.some((e) => e.status === 500)).map((f) => f.id)).toEqual([]);
  }, 60_000);
});
