import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import errorShape from '../../checks/error-shape.js';
import { classifyErrorBody } from '../../checks/lib/error-bodies.js';
import malformedInput from '../../checks/malformed-input.js';
import unknownRoute from '../../checks/unknown-route.js';
import { of, runChecks } from '../helpers/run-checks.js';
import { serveApp } from '../helpers/serve-app.js';
import { json, startServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

const config = `
endpoints:
  - { path: /api/items, kind: list, pagination: { limitParam: limit } }
  - { path: "/api/items/{id}", params: { id: "1" } }
limits: { requestsPerSecond: 1000 }
`;
const probesThenShape = [malformedInput, unknownRoute, errorShape];

describe('classifyErrorBody', () => {
  it.each([
    ['{"error":{"code":"not_found","message":"x"}}', 'application/json', 'error-object', true],
    ['{"error":{"message":"x"}}', 'application/json', 'error-object', false],
    ['{"type":"https://example.com/probs/limit","title":"Bad limit","status":400}', 'application/problem+json', 'problem+json', true],
    ['{"type":"about:blank","title":"Not Found","status":404}', 'application/problem+json', 'problem+json', false],
    ['{"error":"invalid_grant","error_description":"expired"}', 'application/json', 'error-string', true],
    ['{"statusCode":404,"error":"Not Found","message":"Route GET:/x not found"}', 'application/json', 'error-string', false],
    ['{"statusCode":400,"code":"FST_ERR_VALIDATION","error":"Bad Request","message":"params/id must be integer"}', 'application/json', 'error-string', true],
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

describe('error-shape check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('passes when every error is one JSON shape with a code', async () => {
    const server = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/items' && (url.searchParams.get('limit') ?? '1').match(/^\d+$/)) return json(res, 200, { data: [] });
      if (url.pathname === '/api/items') return json(res, 400, { error: { code: 'invalid_limit', message: 'limit must be a number' } });
      if (url.pathname === '/api/items/1') return json(res, 200, { id: '1' });
      json(res, 404, { error: { code: 'not_found', message: 'No such resource.' } });
    });
    closers.push(server.close);
    const shape = of(await runChecks(probesThenShape, await targetFor(server.url, config)), 'error-shape');
    expect(shape.map((f) => f.status)).toEqual(['pass', 'pass']);
    expect(shape[0]!.message).toMatch(/^all \d+ error responses \(400, 404\) use one shape: \{"error":\{"code","message"\}\}$/);
    expect(shape[1]!.message).toMatch(/^every JSON error response \(\d+\) carries a machine-readable code$/);
  });

  it('fails a server whose 404 is HTML while its 400 is JSON, showing one example of each', async () => {
    const server = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/items') {
        return /^\d+$/.test(url.searchParams.get('limit') ?? '1') ? json(res, 200, { data: [] }) : json(res, 400, { error: { code: 'invalid_limit', message: 'bad limit' } });
      }
      if (url.pathname === '/api/items/1') return json(res, 200, { id: '1' });
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end(`<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>`);
    });
    closers.push(server.close);
    const shape = of(await runChecks(probesThenShape, await targetFor(server.url, config)), 'error-shape');
    expect(shape[0]!.status).toBe('fail');
    expect(shape[0]!.message).toMatch(/error responses come in 2 shapes: /);
    expect(shape[0]!.message).toMatch(/an HTML page \(\d+×, e\.g\. 404 on GET \//);
    expect(shape[0]!.message).toMatch(/\{"error":\{"code","message"\}\} \(\d+×, e\.g\. 400 on GET \/api\/items\)/);
    expect(shape[0]!.evidence.map((e) => e.status).sort()).toEqual([400, 404]);
    // The JSON errors all carry a code; the HTML ones are the shape finding's business.
    expect(shape[1]!.status).toBe('pass');
  });

  it("uses one shape for fastify's default errors, and notes the ones without a code", async () => {
    const app = Fastify();
    app.get('/api/items', async () => ({ data: [] }));
    app.get('/api/items/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } } } }, async (req) => ({ id: (req.params as { id: number }).id }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const shape = of(await runChecks(probesThenShape, await targetFor(url, config)), 'error-shape');
    expect(shape[0]!.status).toBe('pass');
    expect(shape[0]!.message).toMatch(/use one shape: \{.*"error".*\} with "error" a string$/);
    // 400 FST_ERR_VALIDATION has a code; its 404 (and its answer to a bad request line) do not.
    expect(shape[1]!.status).toBe('warn');
    expect(shape[1]!.message).toMatch(/JSON error responses carry no machine-readable code: .*404 on GET \/preflight-no-such-route-7f3a/);
  });

  it("fails express's production defaults: HTML errors on a JSON API", async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const app = express();
    app.set('env', 'production');
    app.get('/api/items', (_req, res) => res.json({ data: [] }));
    app.get('/api/items/:id', (req, res) => res.json({ id: req.params.id }));
    const server = await serveApp(app);
    closers.push(() => (quiet.mockRestore(), server.close()));
    const shape = of(await runChecks(probesThenShape, await targetFor(server.url, config)), 'error-shape');
    expect(shape.map((f) => f.status)).toEqual(['fail', 'fail']);
    expect(shape[0]!.message).toMatch(/^this JSON API answers errors with an HTML page \(\d+×, e\.g\. 40\d on GET /);
    expect(shape[1]!.message).toMatch(/none of the run's \d+ error responses is JSON/);
  });

  it('fails the code finding when JSON errors carry only an English message', async () => {
    const server = await startServer((req, res) => (req.url === '/api/items' ? json(res, 200, { data: [] }) : json(res, 404, { message: 'Not found' })));
    closers.push(server.close);
    const shape = of(await runChecks(probesThenShape, await targetFor(server.url, config)), 'error-shape');
    expect(shape.map((f) => f.status)).toEqual(['pass', 'fail']);
    expect(shape[1]!.message).toMatch(/^no JSON error response carries a machine-readable code field/);
  });

  it('passes problem+json with a type, and skips when the run saw no error with a body', async () => {
    const problem = await startServer((req, res) => {
      if (req.url === '/api/items' || req.url === '/api/items/1') return json(res, 200, { data: [] });
      json(res, 404, { type: 'https://example.com/problems/not-found', title: 'Not found', status: 404 }, { 'content-type': 'application/problem+json' });
    });
    closers.push(problem.close);
    const shape = of(await runChecks(probesThenShape, await targetFor(problem.url, config)), 'error-shape');
    expect(shape.map((f) => f.status)).toEqual(['pass', 'pass']);
    expect(shape[0]!.message).toMatch(/application\/problem\+json \(RFC 9457\)$/);

    // Only 2xx and a rate limiter's 429: no error of the API's own to judge.
    const quiet = await startServer((req, res) => (req.url === '/limited' ? json(res, 429, { message: 'slow down' }) : json(res, 200, {})));
    closers.push(quiet.close);
    const none = of(
      await runChecks([errorShape], await targetFor(quiet.url, config), async (client) => {
        await client.send({ method: 'GET', path: '/api/items' });
        await client.send({ method: 'GET', path: '/limited', retryOn429: false });
      }),
      'error-shape',
    );
    expect(none.map((f) => f.status)).toEqual(['skip']);
  });
});
