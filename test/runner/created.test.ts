// Nothing left behind: a loopback API whose write endpoints create records (201 + Location; 200 with an
// id and a DELETE endpoint in the config; 201 with an id and no DELETE at all). Every format lists them
// under "Created by this audit"; with --cleanup the deletable ones are gone from the server, the biggest
// probe record first, and the report says which could not be deleted.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

type Store = Map<string, number>;

describe('records created by write probes', () => {
  let server: TestServer;
  let dir: string;
  const stores: Record<'items' | 'notes' | 'events', Store> = { items: new Map(), notes: new Map(), events: new Map() };
  const deletes: string[] = [];
  let n = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-created-'));
    server = await startServer(async (req, res) => {
      const url = (req.url ?? '/').split('?')[0]!;
      let bytes = 0;
      for await (const chunk of req) bytes += (chunk as Buffer).length;
      if (url === '/health') return json(res, 200, { status: 'ok' });
      const [, api, collection, id] = url.split('/');
      const store = api === 'api' ? stores[collection as keyof typeof stores] : undefined;
      if (!store) return json(res, 404, { error: 'not found' });
      if (req.method === 'GET' && !id) return json(res, 200, { data: [...store.keys()].map((key) => ({ id: key })) });
      if (req.method === 'POST' && !id) {
        const key = `${collection}-${++n}`;
        store.set(key, bytes);
        if (collection === 'items') return json(res, 201, { id: key }, { location: `/api/items/${key}` });
        return json(res, collection === 'notes' ? 200 : 201, { id: key });
      }
      if (req.method === 'DELETE' && id && collection !== 'events') {
        // The checks' own probes of the configured DELETE endpoint use its example id; cleanup is what counts here.
        if (id !== 'notes-0') deletes.push(id);
        return store.delete(id) ? void res.writeHead(204).end() : json(res, 404, { error: 'no such record' });
      }
      return json(res, 405, { error: 'method not allowed' });
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    for (const store of Object.values(stores)) store.clear();
    deletes.length = 0;
  });

  async function audit(extra: string[], maxRequests = 600): Promise<{ report: Report; texts: Record<string, string> }> {
    const config = join(dir, 'created.yaml');
    writeFileSync(
      config,
      `target: { name: created, baseUrl: "${server.url}" }
publicPaths: [/health, /api/*]
endpoints:
  - { path: /api/items, kind: list }
  - { method: POST, path: /api/items, kind: write, body: { name: x } }
  - { method: POST, path: /api/notes, kind: write, body: { text: x } }
  - { method: DELETE, path: "/api/notes/{id}", params: { id: notes-0 } }
  - { method: POST, path: /api/events, kind: write, body: { e: 1 } }
health: /health
limits: { maxRequests: ${maxRequests}, requestsPerSecond: 1000, timeoutMs: 5000 }
latency: { samples: 2, maxSeconds: 2 }
`,
    );
    const outputs = ['r.json', 'r.md', 'r.html', 'r.xml'].map((name) => join(dir, name));
    const result = await runCli(['audit', '--config', config, '--allow-writes', ...extra, ...outputs.flatMap((f) => ['--output', f])]);
    expect([0, 1], result.stderr).toContain(result.code);
    const texts: Record<string, string> = { terminal: result.stdout };
    for (const file of outputs) texts[file.slice(-4)] = readFileSync(file, 'utf8');
    const report = JSON.parse(texts.json!) as Report;
    const ajv = new Ajv.default({ allErrors: true, strict: false, allowUnionTypes: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')) as object);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    return { report, texts };
  }

  it('without --cleanup: every record is listed, with a DELETE line where the API has one, in every format', async () => {
    const { report, texts } = await audit([]);
    const left = [...stores.items.keys(), ...stores.notes.keys(), ...stores.events.keys()];
    expect(stores.items.size).toBeGreaterThan(0);
    expect(stores.notes.size).toBeGreaterThan(0);
    expect(stores.events.size).toBeGreaterThan(0);
    expect(deletes).toEqual([]);
    expect(report.created?.map((r) => r.id ?? r.location).sort()).toEqual(left.sort());
    const item = report.created!.find((r) => r.id?.startsWith('items-'))!;
    expect(item.location).toBe(`${server.url}/api/items/${item.id}`);
    expect(item.delete).toMatchObject({ from: 'location', url: item.location });
    expect(item.delete!.curl).toContain(`-X 'DELETE' '${server.url}/api/items/${item.id}'`);
    expect(report.created!.find((r) => r.id?.startsWith('notes-'))!.delete).toMatchObject({ from: 'endpoint' });
    expect(report.created!.find((r) => r.id?.startsWith('events-'))!.delete).toBeUndefined();
    for (const [name, text] of Object.entries(texts)) {
      expect(text, name).toContain('Created by this audit');
      expect(text, name).toContain(`/api/items/${item.id}`);
    }
    expect(report.notes.join('\n')).toMatch(/this audit created \d+ records on the target and left them there/);
  }, 60_000);

  it('with --cleanup: the deletable records are gone from the server, the biggest first; the rest are named', async () => {
    const { report, texts } = await audit(['--cleanup']);
    expect(report.created!.length).toBeGreaterThan(2);
    expect(stores.items.size).toBe(0);
    expect(stores.notes.size).toBe(0);
    expect(stores.events.size).toBeGreaterThan(0);
    for (const resource of report.created!) {
      expect(resource.cleanup?.deleted, resource.request).toBe(!resource.id?.startsWith('events-'));
    }
    expect(report.created!.find((r) => r.id?.startsWith('events-'))!.cleanup!.message).toMatch(/no DELETE is known/);
    expect(report.notes.join('\n')).toMatch(/cleanup: deleted \d+ of the \d+ records this audit created; \d+ could not be deleted/);
    // Oversized probe records first: the first DELETE removed the record made by the biggest body.
    const sizes = report.created!.filter((r) => r.delete).map((r) => [r.id, r.requestBodyBytes ?? 0] as const);
    const biggest = Math.max(...sizes.map(([, size]) => size));
    expect(sizes.find(([id]) => id === deletes[0])?.[1]).toBe(biggest);
    for (const [name, text] of Object.entries(texts)) {
      expect(text, name).toMatch(/cleanup:? deleted \d+(, | of the \d+ records this audit created; )\d+ could not be deleted/);
      // The terminal lists what is left first, with its DELETE-less reason; the files list every record.
      expect(text, name).toMatch(name === 'terminal' ? /no DELETE is known/ : /deleted \(204\)/);
    }
  }, 60_000);

  it('with --cleanup, records are deleted even when the probes spent the request budget', async () => {
    const { report } = await audit(['--cleanup'], 120);
    expect(report.notes.join('\n')).toMatch(/request budget \(maxRequests: 120\) ran out/);
    expect(report.created!.length).toBeGreaterThan(0);
    // Every listed record with a DELETE was deleted and is gone from the server (an exchange that
    // failed after the server created something cannot be listed: the audit never saw its id).
    const deletable = report.created!.filter((r) => r.delete);
    expect(deletable.filter((r) => !r.cleanup?.deleted).map((r) => `${r.id}: ${r.cleanup?.message}`)).toEqual([]);
    expect(deletable.filter((r) => stores.items.has(r.id!) || stores.notes.has(r.id!)).map((r) => r.id)).toEqual([]);
  }, 60_000);
});
