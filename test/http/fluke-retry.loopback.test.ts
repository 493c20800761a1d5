import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/http/attempt.js';
import { createHttpClient } from '../../src/http/client.js';
import { ProbeError } from '../../src/http/types.js';
import type { Limits } from '../../src/types.js';
import { useServers } from '../helpers/server-pool.js';
import { json } from '../helpers/servers.js';

const limits: Limits = {
  concurrency: 4,
  requestsPerSecond: 1000,
  maxRequests: 100,
  timeoutMs: 2000,
  maxResponseBytes: 64 * 1024,
  maxDurationMs: 30_000,
};

/** Resets the connection (TCP RST, no answer) of the first `times` requests to each path, then answers 200. */
function resetsFirst(times: number): (req: IncomingMessage, res: ServerResponse) => void {
  const seen = new Map<string, number>();
  return (req, res) => {
    const count = (seen.get(req.url ?? '') ?? 0) + 1;
    seen.set(req.url ?? '', count);
    if (count <= times) return void req.socket.resetAndDestroy();
    json(res, 200, { ok: true });
  };
}

describe('a reset before any answer is retried once for idempotent probes', () => {
  const serve = useServers();

  it('gets the real answer after one reset, and the exchange says it was retried', async () => {
    const server = await serve(resetsFirst(1));
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    const response = await http.send({ method: 'GET', path: '/orders' });
    await http.close();
    expect(response.status).toBe(200);
    expect(response.exchange.retried?.code).toBe('reset');
    expect(response.exchange.note).toMatch(/retried once/);
    expect(server.requests.map((r) => r.url)).toEqual(['/orders', '/orders']);
    expect(http.stats().retries).toBe(1);
  });

  it('writes the retried exchange in the shape the report schema allows', async () => {
    const server = await serve(resetsFirst(1));
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    const { exchange } = await http.send({ method: 'GET', path: '/orders' });
    await http.close();
    const { default: Ajv } = await import('ajv');
    const { default: addFormats } = await import('ajv-formats');
    const ajv = new Ajv.default({ strict: false, allowUnionTypes: true });
    addFormats.default(ajv);
    const schema = JSON.parse(readFileSync('schema/report.schema.json', 'utf8')) as { definitions: object };
    const validate = ajv.compile({ definitions: schema.definitions, $ref: '#/definitions/exchange' });
    expect(validate(JSON.parse(JSON.stringify(exchange))), JSON.stringify(validate.errors)).toBe(true);
    expect(exchange.retried).toBeDefined();
  });

  it('reports a reset that repeats as a ProbeError, after exactly two tries', async () => {
    const server = await serve(resetsFirst(Infinity));
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    const error = await http.send({ method: 'HEAD', path: '/orders' }).catch((e: unknown) => e);
    await http.close();
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as ProbeError).code).toBe('reset');
    expect((error as ProbeError).exchange?.retried?.code).toBe('reset');
    expect(server.requests).toHaveLength(2);
    expect(describeFailure(error as ProbeError)).toBe('the connection was closed without a complete answer, twice (retried once)');
  });

  it('does not resend a write unless the probe says it is retry-safe', async () => {
    const server = await serve(resetsFirst(1));
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: true });
    await expect(http.send({ method: 'POST', path: '/orders', body: '{}' })).rejects.toMatchObject({ code: 'reset' });
    expect(server.requests).toHaveLength(1);
    const response = await http.send({ method: 'PUT', path: '/orders/1', body: '{}', retrySafe: true });
    await http.close();
    expect(response.status).toBe(200);
    expect(response.exchange.retried?.code).toBe('reset');
  });

  it('does not retry when the answer had begun (a status came back, then the connection broke)', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":');
      setTimeout(() => req.socket.resetAndDestroy(), 20);
    });
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    const error = await http.send({ method: 'GET', path: '/orders' }).catch((e: unknown) => e);
    await http.close();
    expect((error as ProbeError).code).toBe('reset');
    expect((error as ProbeError).exchange?.retried).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry past the request budget', async () => {
    const server = await serve(resetsFirst(1));
    const http = await createHttpClient({ baseUrl: server.url, limits: { ...limits, maxRequests: 1 }, allowWrites: false });
    await expect(http.send({ method: 'GET', path: '/orders' })).rejects.toMatchObject({ code: 'budget' });
    await http.close();
    expect(server.requests).toHaveLength(1);
  });
});
