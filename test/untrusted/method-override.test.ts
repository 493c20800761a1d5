// Issue 15 item 6: every way of asking a server to act as another method. Without allowWrites none
// whose any token is a write method may leave the client; a full audit with them still reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/client.js';
import { isWriteMethod, overrideMethods } from '../../src/http/methods.js';
import type { ProbeRequest } from '../../src/http/types.js';
import type { Limits } from '../../src/types.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { auditEverything } from './audit.js';

const limits: Limits = {
  concurrency: 4,
  requestsPerSecond: 1000,
  maxRequests: 200,
  timeoutMs: 8000,
  maxResponseBytes: 64 * 1024,
  maxDurationMs: 30_000,
};

const SPELLINGS: Array<[string, ProbeRequest]> = [
  ['X-HTTP-Method-Override: DELETE', { method: 'GET', path: '/x', headers: { 'X-HTTP-Method-Override': 'DELETE' } }],
  ['X-HTTP-Method-Override: "DELETE, GET"', { method: 'GET', path: '/x', headers: { 'X-HTTP-Method-Override': 'DELETE, GET' } }],
  ['X-HTTP-Method-Override: "GET,PUT"', { method: 'GET', path: '/x', headers: { 'x-http-method-override': 'GET,PUT' } }],
  ['X-Method-Override: patch', { method: 'GET', path: '/x', headers: { 'X-Method-Override': 'patch' } }],
  ['X-Original-Method: DELETE', { method: 'GET', path: '/x', headers: { 'X-Original-Method': 'DELETE' } }],
  ['X-HTTP-Method: POST', { method: 'GET', path: '/x', headers: { 'X-HTTP-Method': 'POST' } }],
  ['?_method=DELETE in the path', { method: 'GET', path: '/x?_method=DELETE' }],
  ['_method in the query object', { method: 'GET', path: '/x', query: { _method: 'delete' } }],
  ['_method in a query string', { method: 'GET', path: '/x', query: 'a=1&_METHOD=GET%2CDELETE' }],
  [
    '_method in a form body',
    { method: 'OPTIONS', path: '/x', body: 'a=1&_method=DELETE', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  ],
  [
    '_method in a JSON body',
    { method: 'OPTIONS', path: '/x', body: '{"_method": "PUT", "a": 1}', headers: { 'content-type': 'application/json' } },
  ],
  [
    '_method in a multipart body',
    {
      method: 'OPTIONS',
      path: '/x',
      body: '--b\r\nContent-Disposition: form-data; name="_method"\r\n\r\nDELETE\r\n--b--',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    },
  ],
];

describe('method overrides without allowWrites (issue 15 item 6)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/health') return json(res, 200, { ok: true });
      json(res, 200, { data: [] });
    });
  });
  afterAll(() => server.close());

  it.each(SPELLINGS)('%s is refused before it is sent, and sent with allowWrites', async (_name, request) => {
    expect(overrideMethods(request).some(isWriteMethod)).toBe(true);
    const before = server.requests.length;
    const refused = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    await expect(refused.send(request)).rejects.toMatchObject({ code: 'write-not-allowed' });
    await refused.close();
    expect(server.requests.length).toBe(before);
    const allowed = await createHttpClient({ baseUrl: server.url, limits, allowWrites: true });
    await allowed.send(request);
    await allowed.close();
    expect(server.requests.length).toBe(before + 1);
  });

  it('safe overrides still go out (GET, HEAD, unknown tokens)', async () => {
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    for (const value of ['GET', 'HEAD, GET', 'FOO'])
      await http.send({ method: 'GET', path: '/x', headers: { 'X-HTTP-Method-Override': value } });
    await http.send({ method: 'GET', path: '/x?_method=GET' });
    await http.close();
  });

  it('an audit whose config endpoints carry override spellings sends none of them and writes its report', async () => {
    const before = server.requests.length;
    const out = await auditEverything(`target: { name: overrides, baseUrl: "${server.url}" }
publicPaths: ["/*"]
endpoints:
  - { path: /a, headers: { X-Original-Method: DELETE } }
  - { path: /b, headers: { X-HTTP-Method-Override: "DELETE, GET" } }
  - { path: "/c", query: { _method: DELETE } }
  - { path: /d, headers: { X-Method-Override: PUT } }
health: /health
limits: { maxRequests: 300, requestsPerSecond: 1000, timeoutMs: 8000, maxDurationMs: 40000 }
latency: { samples: 3, maxSeconds: 2 }
`);
    expect([0, 1], out.stderr).toContain(out.code);
    expect(out.files.json.length).toBeGreaterThan(100);
    const sent = server.requests.slice(before);
    const overridden = sent.filter((r) =>
      overrideMethods({ path: r.url, headers: r.headers as Record<string, string> }).some(isWriteMethod),
    );
    expect(overridden.map((r) => r.url)).toEqual([]);
    expect(sent.some((r) => r.url === '/health')).toBe(true);
  }, 60_000);
});
