import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/client.js';
import { ProbeError } from '../../src/http/types.js';
import type { Limits } from '../../src/types.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { auditEverything } from './audit.js';

const TOKEN = 'canary-bearer-2b8e6f1d9a';
const limits: Limits = {
  concurrency: 2,
  requestsPerSecond: 1000,
  maxRequests: 100,
  timeoutMs: 2000,
  maxResponseBytes: 64 * 1024,
  maxDurationMs: 20_000,
};

function spec(): object {
  const header = (name: string, example: string) => ({ name, in: 'header', required: true, example });
  return {
    openapi: '3.0.3',
    info: { title: 'headers', version: '1' },
    paths: {
      '/api/items': {
        get: {
          parameters: [
            header('Host', '127.0.0.2:9999'),
            header('Transfer-Encoding', 'chunked'),
            header('Connection', 'close'),
            header('Proxy-Authorization', 'Basic eA=='),
            header('X-Ctl', 'a\u0001b'),
            header('X-Crlf', 'a\r\nX-Injected: 1'),
            header('Bad Name', 'x'),
            header('X-Fine', 'fine'),
          ],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  };
}

describe('forbidden and invalid headers (issue 15 items 2 and 5)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/openapi.json') return json(res, 200, spec());
      if (req.url === '/health') return json(res, 200, { ok: true });
      json(res, req.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401, { data: [] });
    });
  });
  afterAll(() => server.close());

  it('a spec with Host, framing, Proxy-*, control characters and bad names: none is sent, each is named once, a report is written', async () => {
    const out = await auditEverything(
      `target: { name: headers, baseUrl: "${server.url}" }
auth: { headers: { Authorization: "Bearer \${TOKEN}", Host: evil.example, "X-Bad": "a\\u0007b" } }
publicPaths: [/health]
endpoints:
  - { path: /api/other, headers: { Keep-Alive: "timeout=5", TE: trailers, Upgrade: h2c, X-Ok: "1" } }
health: /health
limits: { maxRequests: 200, requestsPerSecond: 1000, timeoutMs: 8000, maxDurationMs: 40000 }
latency: { samples: 3, maxSeconds: 2 }
`,
      { TOKEN },
      ['--openapi', `${server.url}/openapi.json`],
    );
    expect([0, 1], out.stderr).toContain(out.code);
    expect(out.files.json.length).toBeGreaterThan(100);
    const sent = server.requests.filter((r) => r.url.startsWith('/api/'));
    expect(sent.length).toBeGreaterThan(5);
    for (const r of sent) {
      expect(r.headers.host).toBe(new URL(server.url).host);
      expect(r.headers).not.toHaveProperty('transfer-encoding');
      expect(r.headers).not.toHaveProperty('proxy-authorization');
      expect(r.headers).not.toHaveProperty('x-ctl');
      expect(r.headers).not.toHaveProperty('x-crlf');
      expect(r.headers).not.toHaveProperty('x-injected');
      expect(r.headers).not.toHaveProperty('x-bad');
      expect(r.headers).not.toHaveProperty('keep-alive');
      expect(r.headers).not.toHaveProperty('upgrade');
    }
    expect(sent.some((r) => r.headers['x-fine'] === 'fine')).toBe(true);
    expect(sent.some((r) => r.headers['x-ok'] === '1')).toBe(true);
    const warnings = out.stderr.split('\n').filter((line) => / ignored: /.test(line));
    for (const name of [
      'Host',
      'Transfer-Encoding',
      'Connection',
      'Proxy-Authorization',
      'X-Ctl',
      'X-Crlf',
      'Bad Name',
      'X-Bad',
      'Keep-Alive',
      'TE',
      'Upgrade',
    ]) {
      expect(
        warnings.filter((w) => w.includes(`header "${name}" ignored`)),
        name,
      ).toHaveLength(name === 'Host' ? 2 : 1);
    }
    // The auth header Host is named with where it is in the config.
    expect(warnings.some((w) => /preflight\.yaml:2:\d+: auth\.headers: header "Host" ignored/.test(w))).toBe(true);
    expect(out.all).not.toContain(TOKEN);
  }, 60_000);

  it('the client refuses an invalid header before sending: concurrency+1 of them, then a normal request, all settle', async () => {
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    const started = performance.now();
    const bad = await Promise.allSettled(
      Array.from({ length: limits.concurrency + 1 }, (_, i) =>
        http.send({ method: 'GET', path: '/api/items', headers: i % 2 ? { 'X-Ctl': 'a\u0000b' } : { 'Bad Name': 'x' } }),
      ),
    );
    const good = await http.send({ method: 'GET', path: '/health' });
    await http.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(bad.every((r) => r.status === 'rejected' && r.reason instanceof ProbeError && r.reason.code === 'invalid-header')).toBe(true);
    expect(good.status).toBe(200);
  });
});
