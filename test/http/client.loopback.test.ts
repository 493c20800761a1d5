import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/client.js';
import type { Limits } from '../../src/types.js';
import { json, startServer, streamBytes, type TestServer } from '../helpers/servers.js';

const base: Limits = {
  concurrency: 4,
  requestsPerSecond: 1000,
  maxRequests: 100,
  timeoutMs: 2000,
  maxResponseBytes: 64 * 1024,
  maxDurationMs: 30_000,
};

describe('http client against real loopback servers', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });
  const serve = async (...args: Parameters<typeof startServer>): Promise<TestServer> => {
    const server = await startServer(...args);
    servers.push(server);
    return server;
  };

  it('never sends more than maxRequests, counted at the server, even with concurrent probes', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const http = await createHttpClient({ baseUrl: server.url, limits: { ...base, maxRequests: 7 }, allowWrites: false });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => http.send({ method: 'GET', path: '/x' })));
    await http.close();
    expect(server.requests).toHaveLength(7);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.every((r) => (r.reason as { code: string }).code === 'budget')).toBe(true);
  });

  it('keeps the rate at or under requestsPerSecond, measured at the server', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const rps = 50;
    const http = await createHttpClient({
      baseUrl: server.url,
      limits: { ...base, concurrency: 8, requestsPerSecond: rps },
      allowWrites: false,
    });
    await Promise.all(Array.from({ length: 26 }, () => http.send({ method: 'GET', path: '/x' })));
    await http.close();
    const times = server.requests.map((r) => r.at);
    const seconds = (times[times.length - 1]! - times[0]!) / 1000;
    // 26 requests are 25 intervals; at 50/s they need at least 0.5 s.
    const measured = (times.length - 1) / seconds;
    expect(measured).toBeLessThanOrEqual(rps * 1.1);
  });

  it('sends no write method without allowWrites (checked at the server), and sends it with it', async () => {
    const server = await serve((_req, res) => json(res, 201, {}));
    const readOnly = await createHttpClient({ baseUrl: server.url, limits: base, allowWrites: false });
    await expect(readOnly.send({ method: 'POST', path: '/orders', body: '{}' })).rejects.toMatchObject({ code: 'write-not-allowed' });
    await readOnly.close();
    expect(server.requests).toHaveLength(0);
    const writer = await createHttpClient({ baseUrl: server.url, limits: base, allowWrites: true });
    expect((await writer.send({ method: 'POST', path: '/orders', body: '{}' })).status).toBe(201);
    await writer.close();
    expect(server.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it('follows a same-origin redirect but never one to another origin', async () => {
    const other = await serve((_req, res) => json(res, 200, { stolen: true }));
    const server = await serve((req, res) => {
      if (req.url === '/old') return res.writeHead(301, { location: '/new' }).end();
      if (req.url === '/away') return res.writeHead(302, { location: `${other.url}/collect` }).end();
      json(res, 200, { at: req.url });
    });
    const http = await createHttpClient({ baseUrl: server.url, limits: base, allowWrites: false });
    const followed = await http.send({ method: 'GET', path: '/old' });
    expect(followed.json()).toEqual({ at: '/new' });
    const away = await http.send({ method: 'GET', path: '/away' });
    expect(away.status).toBe(302);
    expect(away.offOriginRedirect).toBe(`${other.url}/collect`);
    expect(away.exchange.note).toMatch(/another origin/);
    await http.close();
    expect(other.requests).toHaveLength(0);
  });

  it('reports a redirect loop as a probe error after 5 hops', async () => {
    const server = await serve((req, res) => res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end());
    const http = await createHttpClient({ baseUrl: server.url, limits: base, allowWrites: false });
    await expect(http.send({ method: 'GET', path: '/a' })).rejects.toMatchObject({ code: 'redirect-loop' });
    await http.close();
    expect(server.requests.length).toBe(6);
  });

  it('stops reading at maxResponseBytes on an endless body and drops the connection', async () => {
    let stream: { written(): number } | undefined;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      stream = streamBytes(res, 512 * 1024 * 1024, 0x78, 64 * 1024);
    });
    const http = await createHttpClient({ baseUrl: server.url, limits: base, allowWrites: false });
    const response = await http.send({ method: 'GET', path: '/huge' });
    await http.close();
    expect(response.body.length).toBe(base.maxResponseBytes);
    expect(response.truncated).toBe(true);
    expect(stream!.written()).toBeLessThan(64 * 1024 * 1024);
  });

  it('times out a server that never answers, within the per-request timeout', async () => {
    const server = await serve(() => undefined);
    const http = await createHttpClient({ baseUrl: server.url, limits: { ...base, timeoutMs: 300 }, allowWrites: false });
    const started = performance.now();
    await expect(http.send({ method: 'GET', path: '/hang' })).rejects.toMatchObject({ code: 'timeout' });
    expect(performance.now() - started).toBeLessThan(2000);
    await http.close();
  });

  it('times out a body that drips forever (an idle timeout alone would not)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const http = await createHttpClient({ baseUrl: server.url, limits: { ...base, timeoutMs: 400 }, allowWrites: false });
    await expect(http.send({ method: 'GET', path: '/drip' })).rejects.toMatchObject({ code: 'timeout' });
    await http.close();
  });

  it('backs off on 429 as Retry-After says, then gets the answer', async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls++;
      if (calls === 1) return json(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
      json(res, 200, { ok: true });
    });
    const http = await createHttpClient({ baseUrl: server.url, limits: base, allowWrites: false });
    const response = await http.send({ method: 'GET', path: '/x' });
    await http.close();
    expect(response.status).toBe(200);
    expect(server.requests.length).toBe(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(http.stats()).toMatchObject({ rateLimited: 1, retries: 1 });
  });

  it('says the connection was refused when nothing listens', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const url = server.url;
    await servers.pop()!.close();
    const http = await createHttpClient({ baseUrl: url, limits: base, allowWrites: false });
    await expect(http.send({ method: 'GET', path: '/' })).rejects.toMatchObject({ code: 'refused' });
    await http.close();
  });

  it('names the requests sent just before the target stopped answering, in send order', async () => {
    // No keep-alive: the request after the server is gone meets a refused connection, not a stale socket.
    const server = await serve((req, res) => setTimeout(() => json(res, 200, {}, { connection: 'close' }), req.url === '/slow' ? 150 : 0));
    const http = await createHttpClient({ baseUrl: server.url, limits: base, allowWrites: false });
    await http.send({ method: 'GET', path: '/first' });
    // /slow goes out before /fast but finishes after it.
    await Promise.all([
      http.send({ method: 'GET', path: '/slow' }),
      new Promise((r) => setTimeout(r, 20)).then(() => http.send({ method: 'GET', path: '/fast' })),
    ]);
    await servers.pop()!.close();
    await expect(http.send({ method: 'GET', path: '/after' })).rejects.toMatchObject({ code: 'refused' });
    await http.close();
    const recent = http.recentExchanges(3);
    expect(recent.map((e) => `${new URL(e.url).pathname} ${e.error?.code ?? e.status}`)).toEqual([
      '/slow 200',
      '/fast 200',
      '/after refused',
    ]);
  });
});

describe('exchange records stay small', () => {
  it('clips a 64 KiB URL and a 32 KiB header in the record, but sends them whole', async () => {
    let seen = { url: 0, header: 0 };
    const server = await startServer(
      (req, res) => {
        seen = { url: req.url?.length ?? 0, header: String(req.headers['x-big'] ?? '').length };
        json(res, 200, {}, { 'x-echo': String(req.headers['x-big'] ?? '').slice(0, 4096) });
      },
      { maxHeaderSize: 256 * 1024 },
    );
    try {
      const http = await createHttpClient({ baseUrl: server.url, limits: base, allowWrites: false });
      const response = await http.send({
        method: 'GET',
        path: '/q',
        query: { pad: 'a'.repeat(64 * 1024) },
        headers: { 'X-Big': 'b'.repeat(32 * 1024) },
      });
      expect(seen.url).toBeGreaterThan(64 * 1024);
      expect(response.exchange.curl).toContain(`'"$(head -c 65536 /dev/zero | tr '\\0' a)"`);
      expect(seen.header).toBe(32 * 1024);
      // Padding is written as a count; anything else that is too long is cut, saying so.
      expect(response.exchange.url).toMatch(/\/q\?pad=<65536 × a>$/);
      const varied = Array.from({ length: 8000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
      const long = await http.send({ method: 'GET', path: '/q', query: { v: varied } });
      expect(long.exchange.url.length).toBeLessThan(2200);
      expect(long.exchange.url).toMatch(/…\(\d+ more characters\)$/);
      expect(response.exchange.requestHeaders['X-Big']!.length).toBeLessThan(1100);
      expect(response.exchange.responseHeaders!['x-echo']!.length).toBeLessThan(1100);
      expect(response.exchange.curl.length).toBeLessThan(8300);
      await http.close();
    } finally {
      await server.close();
    }
  });
});

describe('raw paths', () => {
  it('sends a rawPath exactly as written: dot segments, double slashes and encodings kept', async () => {
    const server = await startServer((req, res) => json(res, 200, { url: req.url }));
    try {
      const http = await createHttpClient({ baseUrl: server.url, limits: base, allowWrites: false });
      for (const path of ['/admin/.', '//admin', '/%61dmin', '/admin;x', '/a/../admin']) {
        const response = await http.send({ method: 'GET', path, rawPath: true });
        expect(response.json()).toEqual({ url: path });
        expect(response.exchange.curl).toContain('--path-as-is');
      }
      expect((await http.send({ method: 'GET', path: '/a/../admin' })).json()).toEqual({ url: '/admin' });
      await http.close();
    } finally {
      await server.close();
    }
  });
});
