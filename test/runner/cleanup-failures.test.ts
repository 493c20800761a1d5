// Issue 26 (9): --cleanup names each record it could not delete and why. A loopback API stores every
// POST (201 + Location) and refuses to DELETE the big ones with its own error message; the small
// ones delete fine. The report's created[] and its notes say which record, the status and the reason.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { runAudit } from '../../src/runner/run.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

describe('cleanup that cannot delete everything', () => {
  let server: TestServer;
  let report: Report;
  const store = new Map<string, number>();
  beforeAll(async () => {
    let n = 0;
    server = await startServer(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      let bytes = 0;
      for await (const chunk of req) bytes += (chunk as Buffer).length;
      const id = /^\/api\/items\/([\w-]+)$/.exec(path)?.[1];
      if (path === '/health') return json(res, 200, { ok: true });
      if (path === '/api/items' && req.method === 'GET') return json(res, 200, { data: [...store.keys()].map((key) => ({ id: key })) });
      if (path === '/api/items' && req.method === 'POST') {
        const key = `item-${++n}`;
        store.set(key, bytes);
        return json(res, 201, { id: key }, { location: `/api/items/${key}` });
      }
      if (id && req.method === 'DELETE') {
        if ((store.get(id) ?? 0) > 64 * 1024) return json(res, 500, { error: { message: 'record too large to load\nfor deletion' } });
        store.delete(id);
        return void res.writeHead(204).end();
      }
      json(res, 404, { error: 'not found' });
    });
    const target = await targetFor(
      server.url,
      'publicPaths: [/health, /api/*]\nhealth: /health\nallowWrites: true\ncleanup: true\nendpoints:\n  - { path: /api/items, kind: list }\n  - { method: POST, path: /api/items, kind: write, body: { sku: A1 } }\n',
    );
    report = await runAudit(target, { only: ['body-size-caps'] });
  }, 30_000);
  afterAll(() => server.close());

  it("records each refused DELETE with its status and the API's reason", () => {
    const failed = (report.created ?? []).filter((r) => r.cleanup && !r.cleanup.deleted);
    expect(failed.length).toBeGreaterThan(0);
    for (const record of failed) {
      expect(record.cleanup).toMatchObject({ deleted: false, status: 500, reason: 'record too large to load for deletion' });
      // Exactly the records the server still holds.
      expect(store.has(record.location!.split('/').at(-1)!)).toBe(true);
    }
    expect([...store.keys()].sort()).toEqual(failed.map((r) => r.location!.split('/').at(-1)!).sort());
  });

  it('the notes name each record not deleted, with why', () => {
    const failed = (report.created ?? []).filter((r) => r.cleanup && !r.cleanup.deleted);
    for (const record of failed)
      expect(report.notes).toContain(
        `cleanup: ${record.location} not deleted: DELETE answered 500 (record too large to load for deletion)`,
      );
  });
});

describe('the warning before write probes', () => {
  it('--allow-writes help and the README say write probes may leave a staging collection broken', async () => {
    const help = (await runCli(['audit', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('may leave a staging collection broken');
    expect(readFileSync('README.md', 'utf8').replace(/\s+/g, ' ')).toContain('Write probes may leave a staging collection broken.');
  });
});
