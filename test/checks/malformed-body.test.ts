import { isUtf8 } from 'node:buffer';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { fieldBodies } from '../../checks/data/malformed-inputs.js';
import check from '../../checks/malformed-body.js';
import { serveApp } from '../helpers/serve-app.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const config = (allowWrites: boolean): string => `
allowWrites: ${allowWrites}
endpoints:
  - { method: POST, path: /api/orders, kind: write, body: { sku: A1, qty: 1 } }
limits: { requestsPerSecond: 1000 }
`;

/** A careful express API: JSON only, UTF-8 only, every field validated, errors as JSON. */
async function startStrictExpress(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(
    express.json({
      verify: (_req, _res, buffer) => {
        if (!isUtf8(buffer)) throw Object.assign(new Error('body is not UTF-8'), { status: 400, expose: true });
      },
    }),
  );
  app.post('/api/orders', (req, res) => {
    if (!req.is('application/json')) return res.status(415).json({ error: { code: 'unsupported_media_type' } });
    const { sku, qty } = (req.body ?? {}) as { sku?: unknown; qty?: unknown };
    if (typeof sku !== 'string' || sku.length > 64 || !Number.isInteger(qty) || (qty as number) < 1) return res.status(422).json({ error: { code: 'validation_failed' } });
    return res.status(201).json({ id: 'ord_1', sku, qty });
  });
  app.use((error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status && error.status < 500 ? error.status : 500).json({ error: { code: error.status === 400 ? 'invalid_body' : 'internal' } });
  });
  return serveApp(app);
}

/** Reads the whole body of a node:http request. */
async function bodyOf(req: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('malformed-body check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('is skipped without allowWrites, and sends nothing', async () => {
    const server = await startServer((_req, res) => json(res, 201, {}));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config(false)));
    expect(statuses(findings)).toEqual(['skip']);
    expect(findings[0]!.message).toMatch(/allowWrites/);
    expect(server.requests).toEqual([]);
  });

  it('passes against an API that parses strictly and answers 4xx', async () => {
    const server = await startStrictExpress();
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config(true)));
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.message).toMatch(/POST \/api\/orders answered all \d+ malformed inputs without a 5xx or a hang \(.*400.*\)/);
    expect(findings[0]!.message).toMatch(/415×1/);
  });

  it('fails when a broken body reaches JSON.parse unguarded (500), naming each input', async () => {
    const server = await startServer(async (req, res) => {
      const input = JSON.parse((await bodyOf(req)).toString('utf8')) as { qty?: unknown };
      json(res, 201, { qty: input.qty });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config(true)));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/got a 5xx or no answer: truncated JSON → 500, a non-JSON body sent as application\/json → 500/);
    expect(findings[0]!.evidence[0]!.requestBodyExcerpt).toBe('{"sku":"A1');
  });

  it('warns when an API accepts bodies no server should (not JSON, not UTF-8) with a 2xx', async () => {
    const server = await startServer(async (req, res) => {
      await bodyOf(req);
      json(res, 201, { id: 'ord_1' });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config(true)));
    expect(statuses(findings)).toEqual(['warn']);
    expect(findings[0]!.message).toMatch(/^4 of \d+ malformed inputs to POST \/api\/orders were accepted with a 2xx: truncated JSON → 201, a non-JSON body sent as application\/json → 201, valid JSON sent as text\/plain → 201, invalid UTF-8 inside JSON → 201/);
  });

  it('sends the corpus as written: 1e400, -0, invalid UTF-8 bytes, 10,000-deep nesting, each field null or wrong-typed', async () => {
    const bodies: Array<{ type: string | undefined; body: Buffer }> = [];
    const server = await startServer(async (req, res) => {
      bodies.push({ type: req.headers['content-type'], body: await bodyOf(req) });
      json(res, 400, { error: { code: 'bad' } });
    });
    closers.push(server.close);
    await runCheck(check, await targetFor(server.url, config(true)));
    const texts = bodies.map((b) => b.body.toString('latin1'));
    expect(texts).toEqual(expect.arrayContaining(['{"sku":"A1","qty":1e400}', '{"sku":"A1","qty":-0}', '{"sku":null,"qty":1}', '{"sku":"A1","qty":null}', '{"sku":12345,"qty":1}', '{"sku":"A1","qty":"1"}']));
    expect(texts).toContain(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(bodies.some((b) => b.body.includes(Buffer.from([0xc3, 0x28, 0xff])) && !isUtf8(b.body))).toBe(true);
    expect(bodies.some((b) => b.type === 'text/plain' && b.body.toString() === '{"sku":"A1","qty":1}')).toBe(true);
    expect(texts.some((t) => t.includes('A'.repeat(10_000)))).toBe(true);
  });

  it('puts 1e400 and -0 in a field of their own when the example body has no number', () => {
    const bodies = fieldBodies({ source: 's3://demo/orders.csv' }).map((probe) => String(probe.body));
    expect(bodies).toEqual(expect.arrayContaining(['{"source":"s3://demo/orders.csv","preflight_number":1e400}', '{"source":"s3://demo/orders.csv","preflight_number":-0}', '{"source":null}', '{"source":12345}']));
    expect(fieldBodies({ qty: 1 }).map((probe) => String(probe.body))).not.toContain('{"qty":1,"preflight_number":1e400}');
  });
});
