import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import check from '../../checks/auth-anonymous.js';
import { issueToken, userOf, type TokenMode } from '../helpers/auth.js';
import { startMswServer } from '../helpers/msw.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

let token: string;
beforeAll(async () => {
  token = await issueToken('u_alice');
});

const config = (extra = ''): string => `
auth:
  headers: { Authorization: "Bearer ${token}" }
publicPaths: [/health]
endpoints:
  - { path: /health }
  - { path: /api/orders }
  - { path: /api/reports/summary }
limits: { requestsPerSecond: 500 }
${extra}`;

/** A default-deny fixture: one auth rule in front of every route but /health, tokens checked per `mode`. */
function defaultDenyApi(mode: TokenMode) {
  return http.all('*', async ({ request }) => {
    const path = new URL(request.url).pathname;
    if (path === '/health') return HttpResponse.json({ status: 'ok' });
    const user = await userOf(request.headers, mode);
    if (!user) return HttpResponse.json({ error: 'unauthorized' }, { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } });
    if (path === '/api/orders') return HttpResponse.json({ data: [{ id: 'ord_1', user }] });
    if (path === '/api/reports/summary') return HttpResponse.json({ orders: 1 });
    return HttpResponse.json({ error: 'not_found' }, { status: 404 });
  });
}

describe('auth-anonymous check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('passes against default-deny middleware that verifies tokens, and sends every bad credential', async () => {
    const server = await startServer(async (req, res) => {
      if (req.url === '/health') return json(res, 200, { status: 'ok' });
      const user = await userOf(req.headers);
      if (!user) return json(res, 401, { error: 'unauthorized' });
      json(res, 200, { data: [] });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(statuses(findings)).toEqual(['pass', 'pass']);
    expect(findings.map((f) => f.endpoint)).toEqual(['GET /api/orders', 'GET /api/reports/summary']);
    expect(findings[0]!.message).toMatch(/refused all 7 .*401 ×7/);
    // What really went out: no credentials, empty, malformed, wrong scheme, alg:none, forged, expired.
    const sent = server.requests.filter((r) => r.url === '/api/orders').map((r) => r.headers.authorization);
    expect(sent).toContain(undefined);
    expect(sent).toContain('');
    expect(sent.some((a) => a?.startsWith('Basic '))).toBe(true);
    const jwts = sent.filter((a) => a?.startsWith('Bearer ey')).map((a) => JSON.parse(Buffer.from(a!.split(' ')[1]!.split('.')[0]!, 'base64url').toString()) as { alg: string });
    expect(jwts.map((h) => h.alg).sort()).toEqual(['HS256', 'HS256', 'none']);
    expect(sent).not.toContain(`Bearer ${token}`);
    expect(server.requests.some((r) => r.url === '/health')).toBe(false);
  });

  it('fails, critical and by name, the one route an allow-by-exception API forgot to protect', async () => {
    const requireUser: RequestHandler = (req, res, next) => {
      void userOf(req.headers).then((user) => (user ? next() : res.status(401).json({ error: 'unauthorized' })));
    };
    const app = express();
    app.get('/health', (_req, res) => res.json({ status: 'ok' }));
    app.get('/api/orders', requireUser, (_req, res) => res.json({ data: [] }));
    app.get('/api/reports/summary', (_req, res) => res.json({ orders: 1832, revenue_cents: 1834500 })); // forgot requireUser
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    closers.push(() => new Promise((resolve) => listener.close(() => resolve())));
    const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;

    const { findings } = await runCheck(check, await targetFor(url, config()));
    expect(statuses(findings)).toEqual(['pass', 'fail']);
    const open = findings[1]!;
    expect(open.endpoint).toBe('GET /api/reports/summary');
    expect(open.severity).toBe('critical');
    expect(open.message).toMatch(/GET \/api\/reports\/summary answered 200 to a request with no credentials/);
    expect(open.evidence[0]!.status).toBe(200);
    expect(open.reproduce).toMatch(/^curl .*\/api\/reports\/summary'$/);
    expect(open.reproduce).not.toMatch(/Authorization/i);
  });

  it('fails an API that accepts an unsigned alg:none token', async () => {
    const server = await startMswServer(defaultDenyApi('accepts-alg-none'));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(statuses(findings)).toEqual(['fail', 'fail']);
    expect(findings[0]!.severity).toBe('critical');
    expect(findings[0]!.message).toMatch(/refused a request with no credentials \(401\) but answered 200 to an alg:none JWT \(unsigned\)$/);
    expect(findings[0]!.remediation).toMatch(/never "none"/);
    expect(findings[0]!.reproduce).toMatch(/Authorization: Bearer eyJhbGciOiJub25lIn0/);
  });

  it('fails an API that decodes tokens without verifying them, naming the forged signature (expired still refused)', async () => {
    const server = await startMswServer(defaultDenyApi('decode-only'));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(findings[0]!.status).toBe('fail');
    expect(findings[0]!.data?.accepted).toEqual(['an alg:none JWT (unsigned)', 'a JWT with a forged signature']);
    expect(findings[0]!.message).not.toMatch(/expired/);
  });

  it('fails (high) when a malformed token crashes the server, and (high) when one hangs it', async () => {
    const server = await startServer(async (req, res) => {
      const auth = req.headers.authorization;
      if (auth === 'Bearer not-a-valid-token') return json(res, 500, { error: 'TypeError: cannot read properties of undefined' });
      if (auth?.startsWith('Basic ')) return; // never answers: the probe's timeout is the finding
      if (!(await userOf(req.headers))) return json(res, 401, { error: 'unauthorized' });
      json(res, 200, {});
    });
    closers.push(server.close);
    const target = await targetFor(server.url, config().replace('requestsPerSecond: 500', 'requestsPerSecond: 500, timeoutMs: 300'));
    target.endpoints = target.endpoints.filter((e) => e.path === '/api/orders');
    const { findings } = await runCheck(check, target);
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.severity).toBe('high');
    expect(findings[0]!.message).toMatch(/answered 500 and no answer \(timeout\) to a malformed token and a token of the wrong scheme \(Basic\)/);
  });

  it('skips write endpoints without allowWrites and sends them no POST; probes them with allowWrites', async () => {
    const server = await startServer(async (req, res) => {
      if (!(await userOf(req.headers))) return json(res, 401, { error: 'unauthorized' });
      json(res, 201, { id: 'ord_new' });
    });
    closers.push(server.close);
    const writeConfig = `auth:\n  headers: { Authorization: "Bearer ${token}" }\nlimits: { requestsPerSecond: 500 }\nendpoints:\n  - { method: POST, path: /api/orders, body: { sku: A1 } }\n`;
    const skipped = await runCheck(check, await targetFor(server.url, writeConfig));
    expect(statuses(skipped.findings)).toEqual(['skip']);
    expect(skipped.findings[0]!.message).toMatch(/only with allowWrites/);
    expect(server.requests).toHaveLength(0);

    const probed = await runCheck(check, await targetFor(server.url, `${writeConfig}allowWrites: true\n`));
    expect(statuses(probed.findings)).toEqual(['pass']);
    expect(server.requests.every((r) => r.method === 'POST' && r.headers['content-type'] === 'application/json')).toBe(true);
    expect(server.requests).toHaveLength(7);
  });
});
