import Fastify from 'fastify';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/body-size-caps.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const config = (options: { allowWrites?: boolean; slowMs?: number; body?: string } = {}) => `
endpoints:
  - { method: POST, path: /api/orders, kind: write, body: ${options.body ?? '{ sku: A1, qty: 1 }'} }
  - { method: GET, path: /api/orders, kind: list }
allowWrites: ${options.allowWrites ?? true}
limits: { requestsPerSecond: 1000, timeoutMs: 5000 }
thresholds: { slowMs: ${options.slowMs ?? 1000} }
`;

/** Reads a request body up to `cap` bytes; past it, drains the rest unread and reports the size. */
async function readUpTo(req: IncomingMessage, cap = Infinity): Promise<{ text: string; bytes: number; over: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes <= cap) chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes, over: bytes > cap };
}

/** Like a hand-written recursive validator: deep enough input overflows (here: refuses past 1,000 levels by throwing). */
function depthOf(value: unknown, depth = 0): number {
  if (depth > 1000) throw new RangeError('Maximum call stack size exceeded');
  if (Array.isArray(value)) return Math.max(depth, ...value.map((v) => depthOf(v, depth + 1)));
  if (value && typeof value === 'object') return Math.max(depth, ...Object.values(value).map((v) => depthOf(v, depth + 1)));
  return depth;
}

describe('body-size-caps check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('fails an endpoint that accepts a body of any size, and sends exactly the bodies it says', async () => {
    const received: unknown[] = [];
    const server = await startServer(async (req, res) => {
      const body = await readUpTo(req);
      const parsed = JSON.parse(body.text) as unknown;
      received.push(Array.isArray(parsed) ? { bytes: body.bytes, length: parsed.length, first: parsed[0] } : { bytes: body.bytes, keys: Object.keys(parsed as object), padding: (parsed as { preflight_padding?: string }).preflight_padding?.length });
      json(res, 201, { id: `ord_${received.length}` });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(statuses(findings)).toEqual(['fail', 'fail', 'fail']);
    expect(findings[0]!.message).toMatch(/^POST \/api\/orders with a 10 MiB JSON body → 201 in \d+ ms: accepted; cap request bodies .* 413 Payload Too Large$/);
    expect(findings[1]!.message).toMatch(/a JSON top-level array of 100,000 elements → 201 .*maxItems/);
    expect(findings[2]!.message).toMatch(/JSON nested 10,000 deep → 201 .*nesting depth/);
    expect(findings[0]!.reproduce).toMatch(/^curl .* -X 'POST' .*\/api\/orders.*--data-binary @body.bin {2}# 10 MiB of JSON/);
    expect(received[0]).toEqual({ bytes: 10 * 1024 * 1024, keys: ['sku', 'qty', 'preflight_padding'], padding: expect.any(Number) as number });
    expect(received[1]).toEqual({ bytes: 100_000 * 21 - 1 + 2, length: 100_000, first: { sku: 'A1', qty: 1 } });
    expect((received[2] as { bytes: number }).bytes).toBe(20_000);
    expect(server.requests.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
  });

  it("passes fastify's defaults: 413 over its 1 MiB bodyLimit, 400 from its schema", async () => {
    const app = Fastify();
    app.post('/api/orders', { schema: { body: { type: 'object', required: ['sku', 'qty'], properties: { sku: { type: 'string' }, qty: { type: 'integer' } } } } }, async (_req, reply) => reply.code(201).send({ id: 'ord_1' }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const { findings } = await runCheck(check, await targetFor(url, config()));
    expect(statuses(findings)).toEqual(['pass', 'pass', 'pass']);
    expect(findings[0]!.message).toMatch(/10 MiB JSON body → 413 in \d+ ms: refused$/);
    expect(findings[2]!.message).toMatch(/nested 10,000 deep → 400 in \d+ ms: refused$/);
  });

  it('fails a server that caps size at 1 MiB but crashes on deep nesting', async () => {
    const server = await startServer(async (req, res) => {
      const body = await readUpTo(req, 1024 * 1024);
      if (body.over) return json(res, 413, { error: { code: 'payload_too_large' } });
      try {
        depthOf(JSON.parse(body.text));
      } catch (error) {
        return json(res, 500, { error: String(error) });
      }
      json(res, 201, { id: 'ord_1' });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(statuses(findings)).toEqual(['pass', 'pass', 'fail']);
    expect(findings[2]!.message).toMatch(/JSON nested 10,000 deep → 500 in \d+ ms: the server failed on it; cap JSON nesting depth/);
  });

  it('grows the example body\'s own array field, and fails a refusal slower than slowMs', async () => {
    const lengths: number[] = [];
    const server = await startServer(async (req, res) => {
      const body = await readUpTo(req, 4 * 1024 * 1024);
      if (!body.over) lengths.push((JSON.parse(body.text) as { lines?: unknown[] }).lines?.length ?? -1);
      await new Promise((resolve) => setTimeout(resolve, 150));
      json(res, body.over ? 413 : 422, { error: { code: 'rejected' } });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config({ slowMs: 100, body: '{ lines: [{ sku: A1 }] }' })));
    expect(statuses(findings)).toEqual(['fail', 'fail', 'fail']);
    expect(findings[0]!.message).toMatch(/→ 413, but only after \d+ ms \(slowMs 100\)/);
    expect(findings[1]!.message).toMatch(/a JSON "lines" array of 100,000 elements → 422, but only after/);
    expect(lengths[0]).toBe(100_000);
  });

  it('warns when the connection is cut without a status', async () => {
    const server = await startServer((req, res) => {
      if (Number(req.headers['content-length']) > 1024 * 1024) return void req.socket.destroy();
      req.resume();
      req.on('end', () => json(res, 400, { error: 'no' }));
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(statuses(findings)).toEqual(['warn', 'warn', 'pass']);
    expect(findings[0]!.message).toMatch(/closed without a complete answer after \d+ ms: refused, but without a status/);
  });

  it('is skipped without allowWrites, and sends nothing', async () => {
    const server = await startServer((_req, res) => json(res, 201, {}));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config({ allowWrites: false })));
    expect(statuses(findings)).toEqual(['skip']);
    expect(findings[0]!.message).toMatch(/allowWrites/);
    expect(server.requests).toHaveLength(0);
  });
});
