import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/client.js';
import { streamedBody } from '../../src/http/streamed-body.js';
import type { ProbeRequest } from '../../src/http/types.js';
import type { Limits } from '../../src/types.js';
import { startServer, type TestServer } from '../helpers/servers.js';
import { startSelfSigned } from '../hostile/servers.js';

const limits: Limits = {
  concurrency: 4,
  requestsPerSecond: 1000,
  maxRequests: 200,
  timeoutMs: 5000,
  maxResponseBytes: 64 * 1024,
  maxDurationMs: 60_000,
};
const REPEATS = 20;
const fixture = fileURLToPath(new URL('../fixtures/early-answer-servers.mjs', import.meta.url));

/** Sends one probe REPEATS times and counts what came back: a status, or the ProbeError's message. */
async function tally(baseUrl: string, probe: () => ProbeRequest): Promise<Record<string, number>> {
  const http = await createHttpClient({ baseUrl, limits, allowWrites: true });
  const seen: Record<string, number> = {};
  try {
    for (let i = 0; i < REPEATS; i++) {
      let outcome: string;
      try {
        outcome = String((await http.send(probe())).status);
      } catch (error) {
        outcome = (error as Error).message;
      }
      seen[outcome] = (seen[outcome] ?? 0) + 1;
    }
  } finally {
    await http.close();
  }
  return seen;
}

const tenMiB = (): ProbeRequest['body'] => streamedBody([{ repeat: 'a', times: 10 * 1024 * 1024 }], '10 MiB of "a"');

describe('answers a server sends before reading the whole request, then closes', () => {
  let child: ChildProcess;
  let urls: { fastify: string; plain: string };
  beforeAll(async () => {
    child = spawn(process.execPath, [fixture], { stdio: ['pipe', 'pipe', 'inherit'] });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    urls = JSON.parse(line.toString('utf8')) as typeof urls;
  });
  afterAll(() => {
    child.kill();
  });

  it("reads Fastify's 413 for a 10 MiB body over bodyLimit every time", async () => {
    const seen = await tally(urls.fastify, () => ({
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      body: tenMiB(),
    }));
    expect(seen).toEqual({ 413: REPEATS });
  });

  it('still sends a large body whole to a server that reads it all, and reads its answer', async () => {
    const http = await createHttpClient({ baseUrl: urls.plain, limits, allowWrites: true });
    const response = await http.send({ method: 'POST', path: '/orders', body: tenMiB() });
    await http.close();
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ bytes: 10 * 1024 * 1024 });
  });

  it("reads node:http's 400 for an unknown method token every time", async () => {
    const seen = await tally(urls.plain, () => ({ method: 'PREFLIGHTPROBE', path: '/orders' }));
    expect(seen).toEqual({ 400: REPEATS });
  });

  it("reads node:http's 431 for a 32 KiB header every time", async () => {
    const seen = await tally(urls.plain, () => ({
      method: 'GET',
      path: '/orders',
      headers: { 'x-preflight-padding': 'a'.repeat(32 * 1024) },
    }));
    expect(seen).toEqual({ 431: REPEATS });
  });
});

describe('the early-answer path keeps the client contract', () => {
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it('records a redacted exchange with a curl line, counts against the budget, and times out a server that never reads', async () => {
    // Never reads the body and never answers: the body stalls on backpressure until the timeout.
    server = await startServer(() => new Promise(() => undefined));
    const http = await createHttpClient({
      baseUrl: server.url,
      limits: { ...limits, timeoutMs: 500, maxRequests: 1 },
      allowWrites: true,
      auth: { headers: { authorization: 'Bearer s3cret-token' } },
      secrets: [{ value: 'Bearer s3cret-token', envVar: 'TOKEN' }],
    });
    const sent = http.send({ method: 'POST', path: '/upload', body: tenMiB() });
    await expect(sent).rejects.toMatchObject({ code: 'timeout' });
    await expect(http.send({ method: 'POST', path: '/upload', body: tenMiB() })).rejects.toMatchObject({ code: 'budget' });
    await http.close();
    const [record] = http.recorded();
    expect(record?.exchange.requestHeaders.authorization).toBe('***');
    expect(record?.exchange.requestBodyBytes).toBe(10 * 1024 * 1024);
    expect(JSON.stringify(record)).not.toContain('s3cret');
    expect(record?.exchange.curl).toContain('${TOKEN}');
    expect(server.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it("speaks TLS with the target's settings: tls.ca trusted, an unknown CA refused, tls.insecure accepted", async () => {
    const tlsServer = await startSelfSigned();
    try {
      // An unknown method goes the early-answer way; node:https answers it 400.
      const probe = { method: 'PREFLIGHTPROBE', path: '/x' };
      const withCa = await createHttpClient({
        baseUrl: tlsServer.url,
        limits,
        allowWrites: false,
        tls: { ca: readFileSync(tlsServer.caFile) },
      });
      expect((await withCa.send(probe)).status).toBe(400);
      await withCa.close();
      const strict = await createHttpClient({ baseUrl: tlsServer.url, limits, allowWrites: false });
      await expect(strict.send(probe)).rejects.toMatchObject({ code: 'tls' });
      await strict.close();
      const insecure = await createHttpClient({ baseUrl: tlsServer.url, limits, allowWrites: false, tls: { insecure: true } });
      expect((await insecure.send(probe)).status).toBe(400);
      await insecure.close();
    } finally {
      await tlsServer.close();
    }
  });
});
