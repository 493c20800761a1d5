// What a request's recorded time spans: from the request going out to the answer's last byte, as
// undici sees them (src/http/wire-clock.ts). The tool's own work after the last byte is not the target's.
import { gzipSync } from 'node:zlib';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/client.js';
import type { Limits } from '../../src/types.js';
import { useServers } from '../helpers/server-pool.js';

const limits: Limits = {
  concurrency: 2,
  requestsPerSecond: 1000,
  maxRequests: 20,
  timeoutMs: 5000,
  maxResponseBytes: 64 * 1024 * 1024,
  maxDurationMs: 30_000,
};

describe('the wire clock', () => {
  const serve = useServers();

  it('stops at the last byte on the wire, before the tool inflates a compressed body', async () => {
    // 48 MiB of zeros gzip to ~48 KiB: one quick answer on the wire, then tens of ms of inflating here.
    const gzipped = gzipSync(Buffer.alloc(48 * 1024 * 1024));
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': gzipped.length });
      res.end(gzipped);
    });
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    await http.send({ method: 'GET', path: '/warm-up' });
    const started = performance.now();
    const response = await http.send({ method: 'GET', path: '/zeros' });
    const wallMs = performance.now() - started;
    await http.close();
    expect(response.body.length).toBe(48 * 1024 * 1024);
    // The clock taken around the reading loop counted the inflating: then durationMs was close to wallMs.
    expect(response.durationMs).toBeLessThan(wallMs / 3);
    expect(response.ttfbMs).toBeLessThanOrEqual(response.durationMs);
  });

  it("counts the target's time up to its last byte, not only to the head", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
      res.write('{"ok":');
      setTimeout(() => res.end('true}'), 150);
    });
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    const response = await http.send({ method: 'GET', path: '/slow-tail' });
    await http.close();
    expect(response.json()).toEqual({ ok: true });
    expect(response.durationMs).toBeGreaterThanOrEqual(149);
    expect(response.ttfbMs).toBeLessThan(response.durationMs - 100);
    expect(response.exchange.durationMs).toBeGreaterThanOrEqual(149);
  });

  it('times requests through an injected dispatcher (MockAgent) too', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('http://api.test').intercept({ path: '/x', method: 'GET' }).reply(200, { ok: true }).delay(60);
    const http = await createHttpClient({ baseUrl: 'http://api.test', limits, allowWrites: false, dispatcher: agent });
    const response = await http.send({ method: 'GET', path: '/x' });
    await http.close();
    await agent.close();
    expect(response.json()).toEqual({ ok: true });
    expect(response.durationMs).toBeGreaterThanOrEqual(55);
  });
});
