// Issue 26 (1): when every endpoint answers 404 the hint names a base URL seen to work, in either
// direction (a prefix too many or one missing), and never one a catch-all server merely echoes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseCandidates } from '../../src/runner/coverage.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

/** A tenant id from the environment in an endpoint's path: a secret of the run. */
const TENANT = 'tenant-4c8e2a6f1d9b';

/** One server, three APIs: /root/… is mounted at /, /under-v1/… under /v1, /catch-all/… answers any deeper path. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0]!;
  const [, app, ...rest] = path.split('/');
  const inner = `/${rest.join('/')}`;
  const found =
    (app === 'root' && (inner === '/api/items' || inner === `/api/${TENANT}/items`)) ||
    (app === 'under-v1' && inner === '/v1/api/items') ||
    // Answers any path of four or more segments that ends in /items: /v2/v1/api/items, /x/y/api/items…
    (app === 'catch-all' && rest.length >= 4 && inner.endsWith('/items'));
  json(res, found ? 200 : 404, found ? { data: [] } : { error: 'not found' });
}

describe('the wrong-prefix hint', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    server = await startServer(handler);
    dir = mkdtempSync(join(tmpdir(), 'preflight-prefix-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const audit = async (base: string, auth = '', path = '/api/items'): Promise<string> => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      file,
      `target: { baseUrl: "${server.url}${base}" }\nlimits: { requestsPerSecond: 200 }\n${auth}endpoints:\n  - { path: "${path}", kind: list }\n`,
    );
    const result = await runCli(['audit', '--config', file, '--no-progress', '--only', 'request-id'], {
      env: { API_TOKEN: 'tok-12345', TENANT },
    });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    return result.stderr;
  };

  it('a base URL with a prefix too many says to drop it', async () => {
    const stderr = await audit('/root/v2');
    expect(stderr).toContain(`GET /root/api/items answers 200: drop /v2, set target.baseUrl to ${server.url}/root\n`);
    expect(stderr).not.toContain('/v2/v1');
  });

  it('a secret in the endpoint path is masked in the hint, which no report carries (issue 22)', async () => {
    const stderr = await audit('/root/v2', '', '/api/${TENANT}/items');
    expect(stderr).toContain(`GET /root/api/***/items answers 200: drop /v2, set target.baseUrl to ${server.url}/root\n`);
    expect(stderr).not.toContain(TENANT.slice(0, 10));
  });

  it('a base URL missing a prefix says to add it', async () => {
    const stderr = await audit('/under-v1');
    expect(stderr).toContain(`GET /under-v1/v1/api/items answers 200: add /v1, set target.baseUrl to ${server.url}/under-v1/v1\n`);
  });

  it('a wrong version segment says to replace it', async () => {
    const stderr = await audit('/under-v1/v2');
    expect(stderr).toContain(`replace /v2 with /v1, set target.baseUrl to ${server.url}/under-v1/v1\n`);
  });

  it('a server that answers any deep path gets no suggestion: nothing was seen to work', async () => {
    const stderr = await audit('/catch-all/v2');
    expect(stderr).not.toContain('set target.baseUrl to');
    expect(stderr).toContain('carry a path prefix too many (/catch-all/v2) or miss one such as /v1');
    // The control request under a made-up segment is what ruled /v2/v1 out.
    expect(server.requests.some((r) => r.url.includes('/preflight-no-such-prefix/'))).toBe(true);
  });

  it('says "with your credentials" only when auth is configured', async () => {
    expect(await audit('/root/v2')).toContain('answered 404 without credentials (no auth is configured) (GET /api/items)');
    const withAuth = await audit('/root/v2', 'auth:\n  headers: { Authorization: "Bearer ${API_TOKEN}" }\n');
    expect(withAuth).toContain('answered 404 with your credentials (GET /api/items)');
  });

  it('candidates go both ways: shorter bases first, then added and swapped prefixes', () => {
    expect(baseCandidates('/a/v2').map((c) => c.path)).toEqual([
      '/a',
      '',
      '/a/v2/v1',
      '/a/v2/api',
      '/a/v2/api/v1',
      '/a/v2/v2',
      '/a/v1',
      '/a/api',
      '/a/api/v1',
    ]);
    expect(baseCandidates('').map((c) => c.change)).toEqual(['add /v1', 'add /api', 'add /api/v1', 'add /v2']);
  });
});
