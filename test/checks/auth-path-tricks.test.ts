import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/auth-path-tricks.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const TOKEN = 'Bearer path-tricks-token';
const config = `
auth:
  headers: { Authorization: "${TOKEN}" }
publicPaths: [/health]
endpoints:
  - { path: /api/orders }
limits: { requestsPerSecond: 500 }
`;

async function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  return { url: `http://127.0.0.1:${(listener.address() as AddressInfo).port}`, close: () => new Promise((resolve) => listener.close(() => resolve())) };
}

/** Routes every check might touch; express matches them case-insensitively and with a trailing slash (its defaults). */
function routes(app: Express): Express {
  app.get('/health', (_req, res) => res.json({ status: 'ok' }));
  app.get('/api/orders', (_req, res) => res.json({ data: [{ id: 'ord_1' }] }));
  app.get('/admin', (_req, res) => res.json({ accounts: 1832, actions: ['recalculate-balances'] }));
  return app;
}

describe('auth-path-tricks check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('passes default-deny middleware: every spelling of a refused path stays refused', async () => {
    const app = express();
    app.use((req, res, next) => (req.path === '/health' || req.headers.authorization === TOKEN ? next() : res.status(401).json({ error: 'unauthorized' })));
    const server = await listen(routes(app));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    // /api/orders and the five admin roots are all refused (401 before routing), each stays refused.
    expect(statuses(findings)).toEqual(Array(6).fill('pass'));
    expect(findings[0]!.message).toBe('/api/orders stayed refused however it was spelled (6 variants answered 401)');
  });

  it('fails when the auth rule matches the path case-sensitively but express routes case-insensitively (/Admin)', async () => {
    const app = express();
    // The mistake: a string prefix rule in front of a router that ignores case by default.
    app.use((req, res, next) => (req.path.startsWith('/admin') && req.headers.authorization !== TOKEN ? res.status(401).json({ error: 'unauthorized' }) : next()));
    const server = await listen(routes(app));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['fail']);
    const bypass = findings[0]!;
    expect(bypass.endpoint).toBe('GET /admin');
    expect(bypass.severity).toBe('critical');
    expect(bypass.message).toMatch(/^\/admin refuses an anonymous GET \(401\) but \/Admin \(another case\) answered 200: the auth rule matches the path as a string$/);
    expect(bypass.reproduce).toMatch(/^curl -sS -i --path-as-is '.*\/Admin'$/);
    expect(bypass.evidence.map((e) => e.status)).toEqual([200, 401]);
  });

  it('fails when a trailing slash or ;parameter slips past an exact-match rule', async () => {
    const server = await startServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      // Exact-string rule; the "router" strips a trailing slash and ;params before matching.
      if (path === '/api/orders' && req.headers.authorization !== TOKEN) return json(res, 401, { error: 'unauthorized' });
      const routed = path.replace(/;.*$/, '').replace(/\/+$/, '');
      if (routed === '/api/orders') return json(res, 200, { data: [{ id: 'ord_1' }] });
      json(res, 404, { error: 'not_found' });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.data?.variants).toEqual(['/api/orders/', '/api/orders;x']);
    // The tricks went out exactly as written.
    expect(server.requests.map((r) => r.url)).toEqual(expect.arrayContaining(['//api/orders', '/%61pi/orders', '/Api/orders', '/api/orders;x', '/api/orders/.']));
  });

  it('fails when a dot segment slips past a rule matched before the path is resolved', async () => {
    const server = await startServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      // The auth rule compares the raw path; the router then resolves "/." away.
      if (path === '/api/orders' && req.headers.authorization !== TOKEN) return json(res, 401, { error: 'unauthorized' });
      if (path.replace(/\/\.$/, '') === '/api/orders') return json(res, 200, { data: [{ id: 'ord_1' }] });
      json(res, 404, { error: 'not_found' });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.data?.variants).toEqual(['/api/orders/.']);
  });

  it('does not mistake a catch-all 200 page for the protected resource', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/api/orders' && req.headers.authorization !== TOKEN) return json(res, 401, { error: 'unauthorized' });
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><div id="app"></div>');
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['pass']);
  });

  it('skips when nothing refuses an anonymous GET', async () => {
    const server = await startServer((_req, res) => json(res, 404, { error: 'not_found' }));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config.replace('{ path: /api/orders }', '{ path: /api/orders }\npublicPaths: [/api/orders]').replace('publicPaths: [/health]\n', '')));
    expect(statuses(findings)).toEqual(['skip']);
  });
});
