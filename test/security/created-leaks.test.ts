// A write endpoint that mints a credential as the created record's id: the run must use the real id
// (cleanup DELETEs it), and the report must show it only masked. The record list used to carry the id
// and the DELETE URL raw: neither passed a redaction door (issue 22, redaction once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditRun, buildReport } from '../../src/runner/build-report.js';
import { settleCreated } from '../../src/runner/created.js';
import { LEAKED } from '../fixtures/leaked-secrets.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { clientFor, targetFor } from '../helpers/target.js';

describe('a created record whose id is a credential', () => {
  let server: TestServer;
  const deleted: string[] = [];
  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.method === 'POST' && req.url === '/api/keys') return json(res, 201, { id: LEAKED.stripe, scope: 'read' });
      if (req.method === 'DELETE' && req.url?.startsWith('/api/keys/')) {
        deleted.push(decodeURIComponent(req.url.slice('/api/keys/'.length)));
        return void res.writeHead(204).end();
      }
      return json(res, 404, { error: 'not found' });
    });
  });
  afterAll(() => server.close());

  async function report(cleanup: boolean): Promise<{ text: string; run: AuditRun }> {
    const target = await targetFor(
      server.url,
      `allowWrites: true\ncleanup: ${cleanup}\nendpoints:\n  - { method: POST, path: /api/keys, kind: write, body: { scope: read } }\n  - { method: DELETE, path: "/api/keys/{id}", params: { id: k1 } }\n`,
    );
    const http = await clientFor(target);
    try {
      await http.send({ method: 'POST', path: '/api/keys', headers: { 'content-type': 'application/json' }, body: '{"scope":"read"}' });
      const settled = await settleCreated(http, target);
      const run: AuditRun = {
        requests: http.stats().requests,
        findings: [],
        checks: [],
        notes: settled.notes,
        facts: { probed: 1 },
        coverage: { endpoints: 2, answered: 2, absent: 0, notProbed: 0 },
        writeScope: { configured: 1, specOnly: 0, specWritable: 0, specWrites: false },
        created: settled.created,
        stack: { source: 'detected', stacks: [] },
      };
      const built = buildReport({ target, redact: (text) => http.redact(text), options: {}, startedAt: new Date(), durationMs: 1, run });
      return { text: JSON.stringify(built), run };
    } finally {
      await http.close();
    }
  }

  it('left on the target: the id and the DELETE line are in the report, masked', async () => {
    const { text, run } = await report(false);
    expect(run.created).toHaveLength(1);
    expect(run.created[0]!.delete?.from).toBe('endpoint');
    expect(text).not.toContain(LEAKED.stripe);
    expect(text).not.toContain(encodeURIComponent(LEAKED.stripe));
    expect(text).toContain('[Stripe live secret key, 32 chars');
  });

  it('with cleanup: the DELETE goes to the real id, and the report still shows it masked', async () => {
    deleted.length = 0;
    const { text, run } = await report(true);
    expect(deleted).toEqual([LEAKED.stripe]);
    expect(run.created[0]!.cleanup?.deleted).toBe(true);
    expect(text).not.toContain(LEAKED.stripe);
    expect(text).toContain('[Stripe live secret key, 32 chars');
  });
});
