// Class 5 of issue 28: an app with one error shape for everything it handles, behind a server whose
// HTTP layer answers an unknown method (400) and oversized headers (431) in its own default shape
// (plain text, as uvicorn/h11 or Go's net/http do). Before: error-shape failed ("2 shapes"). After:
// the app's shape passes, and the framework's answers are judged apart (at most a warn naming them).
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import errorShape from '../../checks/error-shape.js';
import malformedInput from '../../checks/malformed-input.js';
import urlHeaderCaps from '../../checks/url-header-caps.js';
import { sameStatusesEveryRun } from '../helpers/repeat.js';
import { of, runChecks } from '../helpers/run-checks.js';
import { targetFor } from '../helpers/target.js';

const config = `
auth:
  headers: { Authorization: "Bearer app-token" }
endpoints:
  - { path: "/api/items/{id}", params: { id: "1" } }
limits: { requestsPerSecond: 1000, timeoutMs: 3000 }
`;

const KNOWN = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function answer(socket: Socket, status: number, reason: string, type: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Reads one request head; the "framework" answers broken HTTP in plain text, the app answers everything else in one JSON shape. */
function handle(socket: Socket): void {
  let head = '';
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    if (head.includes('\r\n\r\n')) return;
    head += chunk.toString('latin1');
    if (head.length > 8 * 1024 && !head.includes('\r\n\r\n'))
      return answer(socket, 431, 'Request Header Fields Too Large', 'text/plain', 'Request Header Fields Too Large');
    if (!head.includes('\r\n\r\n')) return;
    const [method = '', target = '/'] = head.split(' ');
    if (!KNOWN.has(method)) return answer(socket, 400, 'Bad Request', 'text/plain; charset=utf-8', 'Invalid HTTP request received.');
    const error = (status: number, reason: string, code: string) =>
      answer(socket, status, reason, 'application/json', JSON.stringify({ error: { code, message: reason } }));
    if (!/\r\nauthorization: Bearer app-token\r\n/i.test(head)) return error(401, 'Unauthorized', 'unauthorized');
    const path = target.split('?')[0]!;
    if (target.length > 4096) return error(414, 'URI Too Long', 'uri_too_long');
    if (path === '/api/items/1') return answer(socket, 200, 'OK', 'application/json', '{"id":"1"}');
    if (/^\/api\/items\/[^/]+$/.test(path)) return error(404, 'Not Found', 'not_found');
    error(404, 'Not Found', 'no_route');
  });
}

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("framework answers to broken HTTP are not the app's error shape", () => {
  it("the app's one shape passes; the framework's plain-text 400/431 are one warn naming them, every run", async () => {
    const findings = await sameStatusesEveryRun(async () =>
      of(await runChecks([malformedInput, urlHeaderCaps, errorShape], await targetFor(url, config)), 'error-shape'),
    );
    const byId = Object.fromEntries(findings.map((finding) => [finding.id, finding]));
    expect(Object.keys(byId).sort()).toEqual(['error-shape/allCoded', 'error-shape/frameworkShapes', 'error-shape/oneShape']);
    expect(byId['error-shape/frameworkShapes']!.status).toBe('warn');
    expect(byId['error-shape/frameworkShapes']!.data?.requests).toBe('an unknown method (PREFLIGHTPROBE) → 400, oversized headers → 431');
  });
});
