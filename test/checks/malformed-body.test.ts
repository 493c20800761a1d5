import { isUtf8 } from 'node:buffer';
import express, { type NextFunction, type Request, type Response } from 'express';
import { expect, it } from 'vitest';
import { fieldBodies } from '../../checks/data/malformed-inputs.js';
import check from '../../checks/malformed-body.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { serveApp } from '../helpers/serve-app.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

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
    if (typeof sku !== 'string' || sku.length > 64 || !Number.isInteger(qty) || (qty as number) < 1)
      return res.status(422).json({ error: { code: 'validation_failed' } });
    return res.status(201).json({ id: 'ord_1', sku, qty });
  });
  app.use((error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res
      .status(error.status && error.status < 500 ? error.status : 500)
      .json({ error: { code: error.status === 400 ? 'invalid_body' : 'internal' } });
  });
  return serveApp(app);
}

/** Reads the whole body of a node:http request. */
async function bodyOf(req: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

let seen: TestServer;
const bodies: Array<{ type: string | undefined; body: Buffer }> = [];

checkTester.run(check, {
  config: config(true),
  valid: [
    {
      name: 'without allowWrites it is skipped, and sends nothing',
      config: config(false),
      server: async () => (seen = await startServer((_req, res) => json(res, 201, {}))),
      verdicts: ['notOptedIn'],
      assert: () => expect(seen.requests).toEqual([]),
    },
    {
      name: 'an API that parses strictly and answers 4xx',
      server: startStrictExpress,
      verdicts: [{ verdict: 'inputsHandled', endpoint: 'POST /api/orders' }],
      assert: (findings) => {
        const handled = byVerdict(findings, 'inputsHandled');
        expect(handled.data).toMatchObject({ where: 'POST /api/orders', judged: expect.any(Number) });
        expect(handled.data?.answers).toMatch(/400×\d/);
        expect(handled.data?.answers).toMatch(/415×1/);
      },
    },
    {
      name: 'sends the corpus as written: 1e400, -0, invalid UTF-8 bytes, 10,000-deep nesting, each field null or wrong-typed',
      server: () =>
        startServer(async (req, res) => {
          bodies.push({ type: req.headers['content-type'], body: await bodyOf(req) });
          json(res, 400, { error: { code: 'bad' } });
        }),
      verdicts: ['inputsHandled'],
      assert: () => {
        const texts = bodies.map((b) => b.body.toString('latin1'));
        expect(texts).toEqual(
          expect.arrayContaining([
            '{"sku":"A1","qty":1e400}',
            '{"sku":"A1","qty":-0}',
            '{"sku":null,"qty":1}',
            '{"sku":"A1","qty":null}',
            '{"sku":12345,"qty":1}',
            '{"sku":"A1","qty":"1"}',
          ]),
        );
        expect(texts).toContain(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
        expect(bodies.some((b) => b.body.includes(Buffer.from([0xc3, 0x28, 0xff])) && !isUtf8(b.body))).toBe(true);
        expect(bodies.some((b) => b.type === 'text/plain' && b.body.toString() === '{"sku":"A1","qty":1}')).toBe(true);
        expect(texts.some((t) => t.includes('A'.repeat(10_000)))).toBe(true);
      },
    },
  ],
  invalid: [
    {
      name: 'a broken body that reaches JSON.parse unguarded (500), naming each input',
      server: () =>
        startServer(async (req, res) => {
          const input = JSON.parse((await bodyOf(req)).toString('utf8')) as { qty?: unknown };
          json(res, 201, { qty: input.qty });
        }),
      verdicts: ['inputsFailed'],
      assert: (findings) => {
        const failed = byVerdict(findings, 'inputsFailed');
        expect(failed.data?.list).toMatch(/^truncated JSON → 500, a non-JSON body sent as application\/json → 500/);
        expect(failed.evidence[0]!.requestBodyExcerpt).toBe('{"sku":"A1');
      },
    },
    {
      name: 'an API that accepts bodies no server should (not JSON, not UTF-8) with a 2xx',
      server: () =>
        startServer(async (req, res) => {
          await bodyOf(req);
          json(res, 201, { id: 'ord_1' });
        }),
      verdicts: [{ verdict: 'inputsAccepted', data: { accepted: 4 } }],
      assert: (findings) => {
        const accepted = byVerdict(findings, 'inputsAccepted');
        expect(accepted.data).toMatchObject({ where: 'POST /api/orders', judged: expect.any(Number) });
        expect(accepted.data?.list).toMatch(
          /^truncated JSON → 201, a non-JSON body sent as application\/json → 201, valid JSON sent as text\/plain → 201, invalid UTF-8 inside JSON → 201/,
        );
      },
    },
  ],
});

it('puts 1e400 and -0 in a field of their own when the example body has no number', () => {
  const bodies = fieldBodies({ source: 's3://demo/orders.csv' }).map((probe) => String(probe.body));
  expect(bodies).toEqual(
    expect.arrayContaining([
      '{"source":"s3://demo/orders.csv","preflight_number":1e400}',
      '{"source":"s3://demo/orders.csv","preflight_number":-0}',
      '{"source":null}',
      '{"source":12345}',
    ]),
  );
  expect(fieldBodies({ qty: 1 }).map((probe) => String(probe.body))).not.toContain('{"qty":1,"preflight_number":1e400}');
});
