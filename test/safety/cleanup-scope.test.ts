// Issue 21 item 2: clean-up deletes only what the audit can prove it created: a record one segment
// below the collection it POSTed to, on the target's origin, inside the base URL's prefix. A 201 whose
// Location (or body id) points anywhere else is listed "not deleted: Location outside the collection",
// and no request is sent to it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const TOKEN = 'tok-cleanup-0123456789';
// What a hostile API answers a create with, in turn: three places the audit never made, one record it did.
const LOCATIONS = ['/v1/admin/database', '/v1/users/other-user-42', '/v1/api/items/../../admin/users', '/v1/api/items/%2e%2e%2fadmin'];
const NOTE_IDS = ['../../admin/users', '..', 'note-ok'];

describe('clean-up deletes only records one segment below the collection the audit POSTed to (issue 21 item 2)', () => {
  let server: TestServer;
  let dir: string;
  let created = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-cleanup-scope-'));
    server = await startServer(async (req, res) => {
      for await (const _ of req);
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/v1/health') return json(res, 200, { ok: true });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { error: 'unauthorized' });
      if (req.method === 'POST' && path === '/v1/api/items') {
        const n = created++;
        const location =
          n % (LOCATIONS.length + 1) === LOCATIONS.length ? `/v1/api/items/item-${n}` : LOCATIONS[n % (LOCATIONS.length + 1)]!;
        return json(res, 201, { created: true }, { location });
      }
      if (req.method === 'POST' && path === '/v1/api/notes') return json(res, 200, { id: NOTE_IDS[created++ % NOTE_IDS.length] });
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      json(res, 200, { data: [] });
    });
  });
  afterAll(() => server.close());

  it('sends no DELETE outside the collection and says why for each record it left', async () => {
    const config = join(dir, 'preflight.yaml');
    writeFileSync(
      config,
      `target: { name: cleanup scope, baseUrl: "${server.url}/v1" }
auth: { headers: { Authorization: "Bearer ${TOKEN}" } }
health: /health
discover: false
endpoints:
  - { method: GET, path: /api/items, kind: list }
  - { method: POST, path: /api/items, kind: write, body: { name: a } }
  - { method: POST, path: /api/notes, kind: write, body: { text: a } }
  - { method: DELETE, path: "/api/notes/{id}", params: { id: note-0 } }
allowWrites: true
cleanup: true
limits: { concurrency: 2, requestsPerSecond: 2000, maxRequests: 300, timeoutMs: 4000 }
latency: { samples: 2, maxSeconds: 2 }
`,
    );
    const from = server.requests.length;
    const out = join(dir, 'r.json');
    const result = await runCli(['audit', '--config', config, '--only', 'idempotency', '--output', out, '--no-progress']);
    expect([0, 1], result.stderr).toContain(result.code);
    const deletes = server.requests
      .slice(from)
      .filter((r) => r.method === 'DELETE')
      .map((r) => r.url.split('?')[0]!);
    // Every DELETE the run sent is a record one segment below a collection it POSTed to.
    expect(deletes.length).toBeGreaterThan(0);
    for (const path of deletes) expect(path).toMatch(/^\/v1\/api\/(items\/item-\d+|notes\/note-(ok|0))$/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    const left = (report.created ?? []).filter((r) => !r.cleanup?.deleted);
    expect(left.length).toBeGreaterThan(0);
    for (const record of left) expect(record.cleanup?.message).toMatch(/^not deleted: Location outside the collection \(/);
    expect(left.some((r) => r.location?.endsWith('/v1/admin/database'))).toBe(true);
    expect(left.some((r) => r.id === '..')).toBe(true);
  });
});
