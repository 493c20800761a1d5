import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { http, HttpResponse } from 'msw';
import { expect, it } from 'vitest';
import check from '../../checks/malformed-input.js';
import type { Finding } from '../../src/types.js';
import { checkTester } from '../helpers/check-tester.js';
import { startMswServer } from '../helpers/msw.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { runCheck, targetFor } from '../helpers/target.js';

const config = `
auth:
  headers: { Authorization: "Bearer t0ken-for-tests" }
endpoints:
  - { path: /api/items, kind: list, pagination: { limitParam: limit, cursorParam: cursor } }
  - { path: "/api/items/{id}", params: { id: it_1 } }
limits: { requestsPerSecond: 1000 }
`;

/** A careful API: validates the id and the limit, answers everything else 404, all in one JSON shape. */
const strictHandlers = [
  http.get('*/api/items', ({ request }) => {
    const url = new URL(request.url);
    const limit = url.searchParams.get('limit');
    if (limit !== null && !/^\d{1,3}$/.test(limit)) return HttpResponse.json({ error: { code: 'invalid_limit' } }, { status: 400 });
    const cursor = url.searchParams.get('cursor');
    if (cursor !== null && !/^[\w-]{1,64}$/.test(cursor)) return HttpResponse.json({ error: { code: 'invalid_cursor' } }, { status: 400 });
    return HttpResponse.json({ data: [] });
  }),
  // A RegExp route: msw's "/:id" decodes the segment itself and answers %zz with a 500 stack page.
  http.get(/\/api\/items\/[^/]+$/, ({ request }) => {
    const id = new URL(request.url).pathname.split('/').pop()!;
    if (!/^it_\d+$/.test(id)) return HttpResponse.json({ error: { code: 'not_found' } }, { status: 404 });
    return HttpResponse.json({ id });
  }),
];

/** A raw HTTP/1.1 responder: Node's own parser would refuse PREFLIGHTPROBE before any handler saw it. */
async function rawServer(answerUnknown: string): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        const end = buffered.indexOf('\r\n\r\n');
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const method = head.split(' ')[0];
        const body = '{"error":{"code":"bad_request"}}';
        const answer =
          method === 'PREFLIGHTPROBE'
            ? answerUnknown
            : `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
        socket.write(answer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
const response = (status: string, headers = ''): string =>
  `HTTP/1.1 ${status}\r\n${headers}content-type: application/json\r\ncontent-length: 2\r\n\r\n{}`;
const oneEndpoint = 'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000 }\n';

const inputsOf = (findings: Finding[], endpoint: string): Finding =>
  findings.find((f) => f.endpoint === endpoint && f.id.startsWith('malformed-input/inputs'))!;
const methodOf = (findings: Finding[]): Finding => findings.find((f) => f.id.startsWith('malformed-input/method'))!;

let seen: TestServer;

checkTester.run(check, {
  config,
  valid: [
    {
      name: 'an API that answers every malformed input with a 4xx',
      server: () => startMswServer(...strictHandlers),
      // Per endpoint: the input corpus, then the unknown method (Node's parser refuses it with 400).
      verdicts: ['inputsHandled', 'inputsHandled', { verdict: 'methodRefused', data: { status: 400 } }, 'methodRefused'],
      assert: (findings) => {
        expect(inputsOf(findings, 'GET /api/items').data).toMatchObject({ where: 'GET /api/items', judged: expect.any(Number) });
        expect(methodOf(findings).data).toMatchObject({ sent: expect.stringMatching(/^PREFLIGHTPROBE \/api\/items/), status: 400 });
      },
    },
    {
      name: 'write endpoints get only the unknown method, and only safe methods go out without allowWrites',
      config: `endpoints:\n  - { method: POST, path: /api/orders, kind: write, body: { sku: A1 } }\n  - { method: PUT, path: "/api/orders/{id}", params: { id: o1 } }\n`,
      server: async () => (seen = await startServer((_req, res) => json(res, 400, { error: { code: 'bad_request' } }))),
      verdicts: [
        { verdict: 'methodRefused', endpoint: 'POST /api/orders', data: { sent: 'PREFLIGHTPROBE /api/orders', status: 400 } },
        { verdict: 'methodRefused', endpoint: 'PUT /api/orders/{id}', data: { sent: 'PREFLIGHTPROBE /api/orders/o1', status: 400 } },
      ],
      // Node's HTTP parser answers the unknown token itself, so the handler saw nothing: no POST, no PUT.
      assert: (findings) => {
        expect(seen.requests).toEqual([]);
        expect(findings.flatMap((f) => f.evidence.map((e) => e.method))).toEqual(['PREFLIGHTPROBE', 'PREFLIGHTPROBE']);
      },
    },
    ...(
      [
        ['405 with Allow', response('405 Method Not Allowed', 'allow: GET, HEAD\r\n'), ' with Allow: GET, HEAD'],
        ['501', response('501 Not Implemented'), ''],
      ] as const
    ).map(([name, answer, detail]) => ({
      name: `the unknown method answered ${name}`,
      config: oneEndpoint,
      server: () => rawServer(answer),
      verdicts: ['inputsHandled', { verdict: 'methodRefused', data: { detail } }],
      assert: (findings: Finding[]) => expect(methodOf(findings).evidence[0]!.method).toBe('PREFLIGHTPROBE'),
    })),
  ],
  invalid: [
    {
      name: 'a query value that reaches code that throws, named with evidence',
      // An integer parse with no validation, the classic: BigInt("abc") throws, the framework answers 500.
      server: () =>
        startServer((req, res) => {
          const url = new URL(req.url ?? '/', 'http://x');
          if (url.pathname === '/api/items') {
            try {
              BigInt(url.searchParams.get('limit') ?? '20');
            } catch {
              return json(res, 500, { error: 'internal' });
            }
            return json(res, 200, { data: [] });
          }
          return json(res, 404, { error: 'not_found' });
        }),
      verdicts: [{ verdict: 'inputsFailed', endpoint: 'GET /api/items' }],
      assert: (findings) => {
        const inputs = inputsOf(findings, 'GET /api/items');
        expect(inputs.data?.list).toMatch(/query limit=abc \(not a number\) → 500/);
        expect(inputs.evidence[0]!.status).toBe(500);
        expect(inputs.evidence[0]!.url).toMatch(/limit=abc/);
        expect(inputs.reproduce).toMatch(/^curl .*limit=abc/);
        // The id endpoint validated its input: its own finding passes.
        expect(inputsOf(findings, 'GET /api/items/{id}').id).toBe('malformed-input/inputsHandled');
        expect(inputs.key).toBe('malformed-input/inputs@GET /api/items');
      },
    },
    {
      name: 'path values are sent exactly as written (%zz, %00, encoded traversal); a decode crash fails',
      server: async () =>
        (seen = await startServer(async (req, res) => {
          const path = (req.url ?? '/').split('?')[0]!;
          if (path.startsWith('/api/items/')) {
            // decodeURIComponent throws on %zz: an unhandled URIError, which the test server answers 500.
            const id = decodeURIComponent(path.slice('/api/items/'.length));
            return json(res, 404, { error: 'not_found', id });
          }
          return json(res, 200, { data: [] });
        })),
      verdicts: [{ verdict: 'inputsFailed', endpoint: 'GET /api/items/{id}', data: { failed: 1 } }],
      assert: (findings) => {
        expect(seen.requests.map((r) => r.url)).toEqual(
          expect.arrayContaining([
            '/api/items/%zz',
            '/api/items/%00',
            '/api/items/..%2F..%2Fpreflight',
            "/api/items/'",
            '/api/items/%22',
            '/api/items/;--',
          ]),
        );
        expect(inputsOf(findings, 'GET /api/items/{id}').data?.list).toBe('path id=%zz (invalid percent-encoding) → 500');
      },
    },
    {
      name: 'malformed input that makes the server hang or drop the connection',
      config: config.replace('requestsPerSecond: 1000', 'requestsPerSecond: 1000, timeoutMs: 300'),
      server: () =>
        startServer((req, res) => {
          if (req.headers.range) return void req.socket.destroy(); // drops the connection on a Range it cannot parse
          if ((req.url ?? '').includes('cursor=%27') || (req.url ?? '').includes("cursor='")) return; // never answers
          json(res, 200, { data: [] });
        }),
      verdicts: [
        { verdict: 'inputsFailed', endpoint: 'GET /api/items' },
        { verdict: 'inputsFailed', endpoint: 'GET /api/items/{id}' },
      ],
      assert: (findings) => {
        const list = String(inputsOf(findings, 'GET /api/items').data?.list);
        expect(list).toMatch(/query cursor=' \(single quote\) → no answer \(timeout\)/);
        expect(list).toMatch(/header Range: an unparseable Range → connection dropped/);
      },
    },
    {
      name: 'every answer a 429 from a rate limiter: undecided, not a pass',
      config: oneEndpoint,
      server: () => startServer((_req, res) => json(res, 429, { error: { code: 'rate_limited' } }, { 'retry-after': '0' })),
      verdicts: ['inputsRateLimited'],
    },
    {
      // Issue 12: a connection refused is the target being down, never a fail of this check.
      name: 'a target that is no longer listening: undecided, not a fail',
      config: oneEndpoint,
      server: async () => {
        const gone = await startServer((_req, res) => json(res, 200, {}));
        await gone.close();
        return { url: gone.url, close: async () => undefined };
      },
      verdicts: [{ verdict: 'undecided', data: { code: 'refused' } }],
    },
    ...(
      [
        ['405 without Allow', response('405 Method Not Allowed'), 'methodNoAllow'],
        ['200, as if it were GET', response('200 OK'), 'methodAccepted'],
        ['500', response('500 Internal Server Error'), 'methodServerError'],
      ] as const
    ).map(([name, answer, verdict]) => ({
      name: `the unknown method answered ${name}`,
      config: oneEndpoint,
      server: () => rawServer(answer),
      verdicts: [verdict],
    })),
  ],
});

it('replaces the configured credential with a malformed one, and never sends the real one with it', async () => {
  const server = await startServer((req, res) =>
    json(res, req.headers.authorization === 'Bearer t0ken-for-tests' ? 200 : 401, { error: { code: 'x' } }),
  );
  try {
    await runCheck(check, await targetFor(server.url, config));
  } finally {
    await server.close();
  }
  const broken = server.requests.filter((r) => r.headers.authorization?.includes(';--'));
  expect(broken.length).toBeGreaterThan(0);
  expect(broken.every((r) => r.headers.authorization === "Bearer ';--%zz")).toBe(true);
});
