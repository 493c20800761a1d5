import Fastify from 'fastify';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import check, { judgeOversized, needsControl } from '../../checks/body-size-caps.js';
import type { Attempt } from '../../src/http/attempt.js';
import { ProbeError } from '../../src/http/types.js';
import type { Exchange } from '../../src/types.js';
import type { Finding } from '../../src/types.js';
import { checkTester } from '../helpers/check-tester.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

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

let seen: TestServer;
const received: unknown[] = [];
const lengths: number[] = [];
const byKey = (findings: Finding[], key: string): Finding => findings.find((f) => f.key.endsWith(`#${key}`))!;

checkTester.run(check, {
  config: config(),
  valid: [
    {
      name: "fastify's defaults: 413 over its 1 MiB bodyLimit, 400 from its schema",
      server: async () => {
        const app = Fastify();
        app.post(
          '/api/orders',
          {
            schema: {
              body: { type: 'object', required: ['sku', 'qty'], properties: { sku: { type: 'string' }, qty: { type: 'integer' } } },
            },
          },
          async (_req, reply) => reply.code(201).send({ id: 'ord_1' }),
        );
        const url = await app.listen({ port: 0, host: '127.0.0.1' });
        return { url, close: () => app.close() };
      },
      verdicts: [{ verdict: 'refused', data: { status: 413 } }, 'refused', { verdict: 'refused', data: { status: 400 } }],
      assert: (findings) => {
        expect(byKey(findings, 'size').data).toMatchObject({ sent: 'a 10 MiB JSON body', status: 413, ms: expect.any(Number) });
        expect(byKey(findings, 'depth').data).toMatchObject({ sent: 'JSON nested 10,000 deep', status: 400, ms: expect.any(Number) });
        expect(findings.map((f) => f.key).sort()).toEqual([
          'body-size-caps/cap@POST /api/orders#array',
          'body-size-caps/cap@POST /api/orders#depth',
          'body-size-caps/cap@POST /api/orders#size',
        ]);
      },
    },
    {
      name: 'without allowWrites it is skipped, and sends nothing',
      config: config({ allowWrites: false }),
      server: async () => (seen = await startServer((_req, res) => json(res, 201, {}))),
      verdicts: ['notOptedIn'],
      assert: () => expect(seen.requests).toHaveLength(0),
    },
  ],
  invalid: [
    {
      name: 'an endpoint that accepts a body of any size; the bodies sent are exactly the ones it says',
      server: async () =>
        (seen = await startServer(async (req, res) => {
          const body = await readUpTo(req);
          const parsed = JSON.parse(body.text) as unknown;
          received.push(
            Array.isArray(parsed)
              ? { bytes: body.bytes, length: parsed.length, first: parsed[0] }
              : {
                  bytes: body.bytes,
                  keys: Object.keys(parsed as object),
                  padding: (parsed as { preflight_padding?: string }).preflight_padding?.length,
                },
          );
          json(res, 201, { id: `ord_${received.length}` });
        })),
      verdicts: [
        { verdict: 'accepted', data: { sent: 'a 10 MiB JSON body', status: 201 } },
        { verdict: 'accepted', data: { sent: 'a JSON top-level array of 100,000 elements' } },
        { verdict: 'accepted', data: { sent: 'JSON nested 10,000 deep' } },
      ],
      assert: (findings) => {
        const size = byKey(findings, 'size');
        expect(size.data).toMatchObject({ request: 'POST /api/orders', sent: 'a 10 MiB JSON body', status: 201, ms: expect.any(Number) });
        expect(size.data?.fix).toMatch(/^cap request bodies .* 413 Payload Too Large$/);
        expect(byKey(findings, 'array').data?.fix).toMatch(/maxItems/);
        expect(byKey(findings, 'depth').data?.fix).toMatch(/nesting depth/);
        // The line makes the same 10 MiB in the shell rather than naming a body.bin nobody has.
        expect(size.reproduce).toMatch(
          /^curl .* -X 'POST' .*\/api\/orders.*--data-binary @<\(printf %s '\{"sku":"A1".*head -c 10485717 \/dev\/zero/,
        );
        expect(received[0]).toEqual({
          bytes: 10 * 1024 * 1024,
          keys: ['sku', 'qty', 'preflight_padding'],
          padding: expect.any(Number) as number,
        });
        expect(received[1]).toEqual({ bytes: 100_000 * 21 - 1 + 2, length: 100_000, first: { sku: 'A1', qty: 1 } });
        expect((received[2] as { bytes: number }).bytes).toBe(20_000);
        expect(seen.requests.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
      },
    },
    {
      name: "grows the example body's own array field, and fails a refusal slower than slowMs",
      config: config({ slowMs: 100, body: '{ lines: [{ sku: A1 }] }' }),
      server: () =>
        startServer(async (req, res) => {
          const body = await readUpTo(req, 4 * 1024 * 1024);
          const length = body.over ? -1 : ((JSON.parse(body.text) as { lines?: unknown[] }).lines?.length ?? -1);
          if (!body.over) lengths.push(length);
          await new Promise((resolve) => setTimeout(resolve, 150));
          // The configured one-line body is accepted: a 422 here is about the size, not the format.
          if (length === 1) return json(res, 201, { id: 'ord_1' });
          json(res, body.over ? 413 : 422, { error: { code: 'rejected' } });
        }),
      verdicts: [
        { verdict: 'slowRefusal', data: { status: 413, slowMs: 100 } },
        { verdict: 'slowRefusal', data: { sent: 'a JSON "lines" array of 100,000 elements', status: 422 } },
        'slowRefusal',
      ],
      assert: () => expect(lengths[0]).toBe(100_000),
    },
    {
      name: 'the connection cut without a status warns',
      server: () =>
        startServer((req, res) => {
          if (Number(req.headers['content-length']) > 1024 * 1024) return void req.socket.destroy();
          // The configured body is accepted; anything else (the 20 KB of nesting) is a 400.
          void readUpTo(req).then((body) => json(res, body.text === '{"sku":"A1","qty":1}' ? 201 : 400, { error: 'no' }));
        }),
      verdicts: [{ verdict: 'droppedQuickly', data: { failure: 'the connection was closed without a complete answer' } }, 'droppedQuickly'],
    },
    {
      // Issue 12: a connection refused is the target being down, never a fail of this check.
      name: 'a target that is no longer listening: undecided, not a fail',
      server: async () => {
        const gone = await startServer((_req, res) => json(res, 201, {}));
        await gone.close();
        return { url: gone.url, close: async () => undefined };
      },
      verdicts: [{ verdict: 'undecided', data: { code: 'refused' } }],
    },
  ],
});

// The judge, in-process: one made-up answer (and the valid body's, when a 400/422 needs it) in, one
// verdict out. The servers above cover the probing: what is sent, streamed and read.
describe('judgeOversized', () => {
  const SLOW_MS = 1000;
  const probe = { what: 'JSON nested 10,000 deep', fix: 'cap JSON nesting depth', body: '[[[]]]' };
  const exchangeOf = (ms: number): Exchange => ({ method: 'POST', url: 'http://127.0.0.1:9/api/orders', durationMs: ms }) as Exchange;
  const answered = (status: number, ms = 20): Attempt => ({ response: { status, exchange: exchangeOf(ms) } }) as Attempt;
  const failed = (code: 'reset' | 'timeout', ms = 20): Attempt => ({
    failure: new ProbeError(code, code === 'timeout' ? 'no answer within 1000 ms' : 'socket hang up', exchangeOf(ms)) as ProbeError & {
      exchange: Exchange;
    },
  });

  it.each([
    ['413 quickly', answered(413), undefined, 'refused', { status: 413 }],
    ['400 while the valid body is accepted', answered(400), answered(201), 'refused', { status: 400 }],
    ['422 while the valid body is accepted', answered(422), answered(200), 'refused', { status: 422 }],
    ['400 to the valid body too: not about size', answered(400), answered(400), 'validBodyRefusedToo', { status: 400, control: '400' }],
    [
      '400 while the valid body gets no answer',
      answered(400),
      failed('timeout'),
      'validBodyRefusedToo',
      { control: 'no answer (timeout)' },
    ],
    ['413 after slowMs', answered(413, 1500), undefined, 'slowRefusal', { status: 413, ms: 1500, slowMs: SLOW_MS }],
    ['201: accepted', answered(201), undefined, 'accepted', { status: 201, fix: 'cap JSON nesting depth' }],
    ['500: the server failed on it', answered(500), undefined, 'serverError', { status: 500 }],
    ['403: refused for another reason', answered(403), undefined, 'otherRefusal', { status: 403 }],
    [
      'closed quickly without a status',
      failed('reset', 30),
      undefined,
      'droppedQuickly',
      { failure: 'the connection was closed without a complete answer' },
    ],
    ['closed after slowMs', failed('reset', 1500), undefined, 'noAnswer', { ms: 1500 }],
    ['no answer in time', failed('timeout', 1000), undefined, 'noAnswer', { failure: 'no answer within 1000 ms' }],
  ])('%s', (_name, sent, control, verdict, data) => {
    expect(needsControl(sent)).toBe(control !== undefined);
    const { judgement, evidence } = judgeOversized(sent, probe, SLOW_MS, control);
    expect(judgement.verdict).toBe(verdict);
    expect(judgement.data).toMatchObject({ request: 'POST /api/orders', sent: probe.what, ...data });
    expect(evidence).toHaveLength(verdict === 'validBodyRefusedToo' ? 2 : 1);
  });
});
