import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/malformed-input.js';
import { startMswServer } from '../helpers/msw.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

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

describe('malformed-input check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('passes against an API that answers every malformed input with a 4xx', async () => {
    const server = await startMswServer(...strictHandlers);
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    // Per endpoint: the input corpus, then the unknown method (Node's parser refuses it with 400).
    expect(statuses(findings)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(findings[0]!.message).toMatch(/^GET \/api\/items answered all \d+ malformed inputs without a 5xx/);
    expect(findings[1]!.message).toMatch(/PREFLIGHTPROBE \/api\/items answered 400/);
  });

  it('fails, naming the input, when a query value reaches code that throws', async () => {
    // An integer parse with no validation, the classic: BigInt("abc") throws, the framework answers 500.
    const server = await startServer((req, res) => {
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
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    const inputs = findings.find((f) => f.endpoint === 'GET /api/items' && /malformed inputs/.test(f.message))!;
    expect(inputs.status).toBe('fail');
    expect(inputs.message).toMatch(/query limit=abc \(not a number\) → 500/);
    expect(inputs.evidence[0]!.status).toBe(500);
    expect(inputs.evidence[0]!.url).toMatch(/limit=abc/);
    expect(inputs.reproduce).toMatch(/^curl .*limit=abc/);
    // The id endpoint validated its input: its own finding passes.
    expect(findings.find((f) => f.endpoint === 'GET /api/items/{id}' && /malformed inputs/.test(f.message))!.status).toBe('pass');
  });

  it('sends path values exactly as written (%zz, %00, encoded traversal) and fails on a decode crash', async () => {
    const server = await startServer(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path.startsWith('/api/items/')) {
        // decodeURIComponent throws on %zz: an unhandled URIError, which the test server answers 500.
        const id = decodeURIComponent(path.slice('/api/items/'.length));
        return json(res, 404, { error: 'not_found', id });
      }
      return json(res, 200, { data: [] });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    const seen = server.requests.map((r) => r.url);
    expect(seen).toEqual(expect.arrayContaining(['/api/items/%zz', '/api/items/%00', '/api/items/..%2F..%2Fpreflight', "/api/items/'", '/api/items/%22', '/api/items/;--']));
    const byId = findings.find((f) => f.endpoint === 'GET /api/items/{id}' && /malformed inputs/.test(f.message))!;
    expect(byId.status).toBe('fail');
    expect(byId.message).toMatch(/path id=%zz \(invalid percent-encoding\) → 500/);
    expect(byId.message).not.toMatch(/id=' /);
  });

  it('fails when malformed input makes the server hang or drop the connection', async () => {
    const server = await startServer((req, res) => {
      if (req.headers['range']) return void req.socket.destroy(); // drops the connection on a Range it cannot parse
      if ((req.url ?? '').includes('cursor=%27') || (req.url ?? '').includes("cursor='")) return; // never answers
      json(res, 200, { data: [] });
    });
    closers.push(server.close);
    const target = await targetFor(server.url, config.replace('requestsPerSecond: 1000', 'requestsPerSecond: 1000, timeoutMs: 300'));
    const { findings } = await runCheck(check, target);
    const list = findings.find((f) => f.endpoint === 'GET /api/items' && /malformed inputs/.test(f.message))!;
    expect(list.status).toBe('fail');
    expect(list.message).toMatch(/query cursor=' \(single quote\) → no answer \(timeout\)/);
    expect(list.message).toMatch(/header Range: an unparseable Range → connection dropped/);
  });

  it('cannot decide (error, not pass) when every answer is a 429 from a rate limiter', async () => {
    const server = await startServer((_req, res) => json(res, 429, { error: { code: 'rate_limited' } }, { 'retry-after': '0' }));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, 'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000 }\n'));
    const inputs = findings.find((f) => /malformed inputs/.test(f.message))!;
    expect(inputs.status).toBe('error');
    expect(inputs.message).toMatch(/^the target answered 429 \(rate limited\) to all \d+ malformed inputs to GET \/api\/items/);
  });

  it('sends only safe methods without allowWrites, and only the unknown method to a write endpoint', async () => {
    const server = await startServer((_req, res) => json(res, 400, { error: { code: 'bad_request' } }));
    closers.push(server.close);
    const target = await targetFor(server.url, `endpoints:\n  - { method: POST, path: /api/orders, kind: write, body: { sku: A1 } }\n  - { method: PUT, path: "/api/orders/{id}", params: { id: o1 } }\n`);
    const { findings, http: client } = await runCheck(check, target);
    // Node's HTTP parser answers the unknown token itself, so the handler saw nothing: no POST, no PUT.
    expect(server.requests).toEqual([]);
    expect(client.recorded().map((r) => r.exchange.method)).toEqual(['PREFLIGHTPROBE', 'PREFLIGHTPROBE']);
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/^PREFLIGHTPROBE \/api\/orders answered 400/), expect.stringMatching(/^PREFLIGHTPROBE \/api\/orders\/o1 answered 400/)]);
  });

  it('replaces the configured credential with a malformed one, and never sends the real one with it', async () => {
    const server = await startServer((req, res) => json(res, req.headers.authorization === 'Bearer t0ken-for-tests' ? 200 : 401, { error: { code: 'x' } }));
    closers.push(server.close);
    await runCheck(check, await targetFor(server.url, config));
    const broken = server.requests.filter((r) => r.headers.authorization?.includes(';--'));
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.every((r) => r.headers.authorization === "Bearer ';--%zz")).toBe(true);
  });

  describe('the unknown method token', () => {
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
            const answer = method === 'PREFLIGHTPROBE' ? answerUnknown : `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
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
    const response = (status: string, headers = ''): string => `HTTP/1.1 ${status}\r\n${headers}content-type: application/json\r\ncontent-length: 2\r\n\r\n{}`;
    const oneEndpoint = 'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000 }\n';

    it.each([
      ['405 with Allow', response('405 Method Not Allowed', 'allow: GET, HEAD\r\n'), 'pass', /answered 405 with Allow: GET, HEAD/],
      ['501', response('501 Not Implemented'), 'pass', /answered 501/],
      ['405 without Allow', response('405 Method Not Allowed'), 'warn', /answered 405 without an Allow header/],
      ['200, as if it were GET', response('200 OK'), 'warn', /answered 200 as if it were a known method/],
      ['500', response('500 Internal Server Error'), 'fail', /answered 500; an unknown method is the client's mistake/],
    ])('%s → %s', async (_, answer, expected, message) => {
      const server = await rawServer(answer);
      closers.push(server.close);
      const { findings } = await runCheck(check, await targetFor(server.url, oneEndpoint));
      const method = findings.find((f) => f.message.startsWith('PREFLIGHTPROBE'))!;
      expect(method.status).toBe(expected);
      expect(method.message).toMatch(message);
      expect(method.evidence[0]!.method).toBe('PREFLIGHTPROBE');
    });
  });
});
