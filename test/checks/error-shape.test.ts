import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import errorShape from '../../checks/error-shape.js';
import { classifyErrorBody } from '../../checks/lib/error-bodies.js';
import malformedInput from '../../checks/malformed-input.js';
import unknownRoute from '../../checks/unknown-route.js';
import type { HttpClient } from '../../src/http/types.js';
import type { Finding } from '../../src/types.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { serveApp } from '../helpers/serve-app.js';
import { json, startServer } from '../helpers/servers.js';

const config = `
endpoints:
  - { path: /api/items, kind: list, pagination: { limitParam: limit } }
  - { path: "/api/items/{id}", params: { id: "1" } }
limits: { requestsPerSecond: 1000 }
`;
const probes = [malformedInput, unknownRoute];

describe('classifyErrorBody', () => {
  it.each([
    ['{"error":{"code":"not_found","message":"x"}}', 'application/json', 'error-object', true],
    ['{"error":{"message":"x"}}', 'application/json', 'error-object', false],
    ['{"type":"https://example.com/probs/limit","title":"Bad limit","status":400}', 'application/problem+json', 'problem+json', true],
    ['{"type":"about:blank","title":"Not Found","status":404}', 'application/problem+json', 'problem+json', false],
    ['{"error":"invalid_grant","error_description":"expired"}', 'application/json', 'error-string', true],
    ['{"statusCode":404,"error":"Not Found","message":"Route GET:/x not found"}', 'application/json', 'error-string', false],
    [
      '{"statusCode":400,"code":"FST_ERR_VALIDATION","error":"Bad Request","message":"params/id must be integer"}',
      'application/json',
      'error-string',
      true,
    ],
    ['{"errors":[{"code":"invalid","detail":"qty"}]}', 'application/json', 'errors-array', true],
    ['{"message":"Not found"}', 'application/json', 'message-only', false],
    ['{"detail":"Not found."}', 'application/json', 'other-json', false],
    ['<!DOCTYPE html><html><body><pre>Cannot GET /x</pre></body></html>', 'text/html; charset=utf-8', 'html', false],
    ['Unauthorized', 'text/plain', 'text', false],
  ])('%s → %s', (body, type, family, hasCode) => {
    const shape = classifyErrorBody(type, body);
    expect(shape.family).toBe(family);
    expect(shape.hasCode).toBe(hasCode);
  });
});

const dataOf = (findings: Finding[], verdict: string): Record<string, unknown> => byVerdict(findings, verdict).data ?? {};

/** express 4 in production: its default 404 and error pages are HTML. */
async function startExpressProduction(): Promise<{ url: string; close(): Promise<void> }> {
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const app = express();
  app.set('env', 'production');
  app.get('/api/items', (_req, res) => res.json({ data: [] }));
  app.get('/api/items/:id', (req, res) => res.json({ id: req.params.id }));
  const server = await serveApp(app);
  return {
    url: server.url,
    close: () => {
      quiet.mockRestore();
      return server.close();
    },
  };
}

checkTester.run(errorShape, {
  config,
  valid: [
    {
      name: 'every error is one JSON shape with a code',
      server: () =>
        startServer((req, res) => {
          const url = new URL(req.url ?? '/', 'http://x');
          if (url.pathname === '/api/items' && (url.searchParams.get('limit') ?? '1').match(/^\d+$/)) return json(res, 200, { data: [] });
          if (url.pathname === '/api/items') return json(res, 400, { error: { code: 'invalid_limit', message: 'limit must be a number' } });
          if (url.pathname === '/api/items/1') return json(res, 200, { id: '1' });
          json(res, 404, { error: { code: 'not_found', message: 'No such resource.' } });
        }),
      alongside: probes,
      verdicts: [{ verdict: 'oneShape', data: { statuses: '400, 404', shape: '{"error":{"code","message"}}', notJudged: '' } }, 'allCoded'],
    },
    {
      name: 'problem+json with a type',
      server: () =>
        startServer((req, res) => {
          if (req.url === '/api/items' || req.url === '/api/items/1') return json(res, 200, { data: [] });
          json(
            res,
            404,
            { type: 'https://example.com/problems/not-found', title: 'Not found', status: 404 },
            { 'content-type': 'application/problem+json' },
          );
        }),
      alongside: probes,
      verdicts: [{ verdict: 'oneShape', data: { shape: 'application/problem+json (RFC 9457)' } }, 'allCoded'],
    },
    {
      name: "only 2xx and a rate limiter's 429: no error of the API's own to judge",
      server: () => startServer((req, res) => (req.url === '/limited' ? json(res, 429, { message: 'slow down' }) : json(res, 200, {}))),
      before: async (client: HttpClient) => {
        await client.send({ method: 'GET', path: '/api/items' });
        await client.send({ method: 'GET', path: '/limited', retryOn429: false });
      },
      verdicts: ['noErrorBodies'],
    },
    {
      // Issue 12: a body cut at maxResponseBytes is not compared as if whole (cut JSON read as a second, "plain text" shape).
      name: 'an error body cut at maxResponseBytes is not judged as a shape of its own',
      config: config.replace('limits: { requestsPerSecond: 1000 }', 'limits: { requestsPerSecond: 1000, maxResponseBytes: 4096 }'),
      server: () =>
        startServer((req, res) => {
          if (req.url === '/api/items/big')
            return json(res, 422, {
              error: {
                code: 'invalid',
                message: 'too many problems',
                details: Array.from({ length: 400 }, (_, i) => `field_${i} is wrong`),
              },
            });
          json(res, 404, { error: { code: 'not_found', message: 'No such resource.' } });
        }),
      before: async (client: HttpClient) => {
        for (const path of ['/api/items/big', '/nope', '/api/items/2']) await client.send({ method: 'GET', path });
      },
      verdicts: [{ verdict: 'oneShape', data: { errors: 2, cut: 1, notJudged: '; 1 cut at maxResponseBytes, not judged' } }, 'allCoded'],
    },
  ],
  invalid: [
    {
      name: 'every error body cut at maxResponseBytes: undecided, not a shape',
      config: config.replace('limits: { requestsPerSecond: 1000 }', 'limits: { requestsPerSecond: 1000, maxResponseBytes: 1024 }'),
      server: () => startServer((_req, res) => json(res, 404, { error: { code: 'not_found', message: 'x'.repeat(2000) } })),
      before: async (client: HttpClient) => {
        for (const path of ['/nope', '/api/items/2']) await client.send({ method: 'GET', path });
      },
      verdicts: [{ verdict: 'onlyCutBodies', data: { cut: 2 } }],
    },
    {
      name: 'a 404 that is HTML while the 400 is JSON: one example of each',
      server: () =>
        startServer((req, res) => {
          const url = new URL(req.url ?? '/', 'http://x');
          if (url.pathname === '/api/items') {
            return /^\d+$/.test(url.searchParams.get('limit') ?? '1')
              ? json(res, 200, { data: [] })
              : json(res, 400, { error: { code: 'invalid_limit', message: 'bad limit' } });
          }
          if (url.pathname === '/api/items/1') return json(res, 200, { id: '1' });
          res.writeHead(404, { 'content-type': 'text/html' });
          res.end(`<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>`);
        }),
      alongside: probes,
      // The JSON errors all carry a code; the HTML ones are the shape finding's business.
      verdicts: [{ verdict: 'manyShapes', data: { count: 2 } }],
      assert: (findings) => {
        const shapes = byVerdict(findings, 'manyShapes');
        expect(shapes.data?.listed).toMatch(/an HTML page \(\d+×, e\.g\. 404 on GET \//);
        expect(shapes.data?.listed).toMatch(/\{"error":\{"code","message"\}\} \(\d+×, e\.g\. 400 on GET \/api\/items\)/);
        expect(shapes.evidence.map((e) => e.status).sort()).toEqual([400, 404]);
        expect(findings.map((f) => f.id)).toContain('error-shape/allCoded');
      },
    },
    {
      name: "fastify's default errors: one shape, but the 404s carry no code",
      server: async () => {
        const app = Fastify();
        app.get('/api/items', async () => ({ data: [] }));
        app.get('/api/items/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } } } }, async (req) => ({
          id: (req.params as { id: number }).id,
        }));
        await app.listen({ port: 0, host: '127.0.0.1' });
        return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
      },
      alongside: probes,
      verdicts: ['someWithoutCode'],
      assert: (findings) => {
        expect(dataOf(findings, 'oneShape').shape).toMatch(/^\{.*"error".*\} with "error" a string$/);
        // 400 FST_ERR_VALIDATION has a code; its 404 (and its answer to a bad request line) do not.
        expect(dataOf(findings, 'someWithoutCode').listed).toMatch(/404 on GET \/preflight-no-such-route-7f3a/);
      },
    },
    {
      name: "express's production defaults: HTML errors on a JSON API",
      server: startExpressProduction,
      alongside: probes,
      verdicts: ['notJson', 'noJsonErrors'],
      assert: (findings) => expect(dataOf(findings, 'notJson').shape).toMatch(/^an HTML page \(\d+×, e\.g\. 40\d on GET /),
    },
    {
      name: 'JSON errors that carry only an English message',
      server: () =>
        startServer((req, res) => (req.url === '/api/items' ? json(res, 200, { data: [] }) : json(res, 404, { message: 'Not found' }))),
      alongside: probes,
      verdicts: ['noCodes'],
      assert: (findings) => expect(findings.map((f) => f.id)).toContain('error-shape/oneShape'),
    },
  ],
});
