// Issue 27: the run's recorded responses beyond a bounded window live in a temporary file, and every
// whole-run analysis reads them back, in order, exactly as recorded; the file is private and removed on close.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/client.js';
import type { Limits } from '../../src/types.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const limits: Limits = {
  concurrency: 4,
  requestsPerSecond: 10_000,
  maxRequests: 100,
  timeoutMs: 2000,
  maxResponseBytes: 64 * 1024,
  maxDurationMs: 30_000,
};

describe('recorded responses beyond the in-memory window', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Bodies with a newline, quotes and non-ASCII text: one JSON line per record must carry them whole.
    server = await startServer((req, res) =>
      json(res, req.url === '/r7' ? 500 : 200, { path: req.url, note: 'line one\nline "two" — ünïcode' }),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('reads every record back in order, the same as recorded, and removes the file on close', async () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('preflight-records-'));
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false, recordWindow: 4 });
    for (let i = 0; i < 30; i++) await http.send({ method: 'GET', path: `/r${i}` });
    const all = [...http.eachRecorded()];
    expect(all.map((r) => new URL(r.exchange.url).pathname)).toEqual(Array.from({ length: 30 }, (_, i) => `/r${i}`));
    expect(all.map((r) => JSON.parse(r.bodyText).path)).toEqual(Array.from({ length: 30 }, (_, i) => `/r${i}`));
    expect(all[7]!.exchange.status).toBe(500);
    expect(JSON.parse(all[0]!.bodyText).note).toBe('line one\nline "two" — ünïcode');
    expect(http.recorded()).toEqual(all);
    expect(http.recentExchanges(3).map((e) => e.id)).toEqual([28, 29, 30]);
    // Most records are in a file only this user can read, which no path leads to.
    const spill = (http as unknown as { records: { fileMode?: number; recent(): unknown[] } }).records;
    expect(spill.recent().length).toBeLessThan(8);
    expect(spill.fileMode).toBe(0o600);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('preflight-records-'))).toEqual(before);
    await http.close();
    expect(spill.fileMode).toBeUndefined();
  });

  it('keeps every record in memory while the run stays within the window', async () => {
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false, recordWindow: 50 });
    for (let i = 0; i < 10; i++) await http.send({ method: 'GET', path: `/r${i}` });
    expect((http as unknown as { records: { fileMode?: number } }).records.fileMode).toBeUndefined();
    expect([...http.eachRecorded()]).toHaveLength(10);
    await http.close();
  });
});
