import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/admin-surface.js';
import { ADMIN_PATHS } from '../../checks/data/admin-paths.js';
import { startMswServer } from '../helpers/msw.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const TOKEN = 'Bearer admin-surface-token';
const config = `
auth:
  headers: { Authorization: "${TOKEN}" }
publicPaths: [/health]
endpoints:
  - { path: /api/orders }
limits: { requestsPerSecond: 1000, concurrency: 8 }
`;

describe('admin-surface check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('has a wordlist of at least 60 tagged paths', () => {
    expect(ADMIN_PATHS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ADMIN_PATHS.map((p) => p.path)).size).toBe(ADMIN_PATHS.length);
    for (const kind of ['action', 'secret', 'info']) expect(ADMIN_PATHS.some((p) => p.kind === kind)).toBe(true);
  });

  it('fails, critical, an open /actuator/env, and sends each path once, anonymously, as a GET', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/actuator/env') return json(res, 200, { activeProfiles: ['prod'], propertySources: [{ name: 'systemEnvironment', properties: { DB_PASSWORD: { value: '******' } } }] });
      if (req.url === '/health') return json(res, 200, { status: 'ok' });
      json(res, 404, { error: 'not_found', path: req.url });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['fail']);
    const open = findings[0]!;
    expect(open.endpoint).toBe('GET /actuator/env');
    expect(open.severity).toBe('critical');
    expect(open.message).toBe('GET /actuator/env answered 200 to an anonymous caller: actuator env (configuration and secrets) is open on the public host');
    expect(open.reproduce).toMatch(/^curl -sS -i '.*\/actuator\/env'$/);
    // Bounded: the wordlist once; no calibration was needed, since every other answer was a 404.
    expect(server.requests).toHaveLength(ADMIN_PATHS.length);
    expect(server.requests.every((r) => r.method === 'GET' && r.headers.authorization === undefined)).toBe(true);
  });

  it('fails an info endpoint (metrics) with high severity, not critical', async () => {
    const server = await startMswServer(
      http.get('/metrics', () => new HttpResponse('# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total 1027\n', { headers: { 'Content-Type': 'text/plain' } })),
    );
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.severity).toBe('high');
    expect(findings[0]!.endpoint).toBe('GET /metrics');
  });

  it('names a prefix rule once: /admin, /adminer and every path below /admin answer the same', async () => {
    const server = await startServer((req, res) => {
      // "Only ops know this URL": anything starting with /admin, any method, no auth.
      if ((req.url ?? '').startsWith('/admin')) return json(res, 200, { recalculated: true, accounts: 1832 });
      res.writeHead(404, { 'content-type': 'text/html' }).end(`<pre>Cannot GET ${req.url}</pre>`);
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.endpoint).toBe('GET /admin');
    expect(findings[0]!.severity).toBe('critical');
    expect(findings[0]!.message).toMatch(/^GET \/admin answered 200 to an anonymous caller: admin area is open on the public host; the same answer comes from \/administrator, \/adminer, \/admin\/users and \d+ more$/);
  });

  it('warns about admin endpoints behind auth on the public host', async () => {
    const server = await startMswServer(
      http.all('/admin*', ({ request }) => (request.headers.get('authorization') === TOKEN ? HttpResponse.json({ accounts: 1832 }) : HttpResponse.json({ error: 'unauthorized' }, { status: 401 }))),
      http.get('/health', () => HttpResponse.json({ status: 'ok' })),
    );
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['warn']);
    expect(findings[0]!.severity).toBe('medium');
    expect(findings[0]!.message).toMatch(/^GET \/admin answered 401 where an unknown path gets 404: admin area is behind auth but on the public host; admin endpoints don't live on the public API/);
  });

  it('passes a default-deny API that answers 401 to everything, and a catch-all page that answers 200 to everything', async () => {
    const denyAll = await startServer((_req, res) => json(res, 401, { error: { code: 'unauthorized', request_id: crypto.randomUUID() } }));
    closers.push(denyAll.close);
    const deny = await runCheck(check, await targetFor(denyAll.url, config));
    expect(statuses(deny.findings)).toEqual(['pass']);
    expect(deny.findings[0]!.message).toBe(`none of ${ADMIN_PATHS.length} admin, debug and secret paths answered an anonymous GET differently from an unknown path (401)`);

    // A single-page app's index for every path, .env and .git/config included: not a leak.
    const spa = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Orders</title><div id="root"></div>'));
    closers.push(spa.close);
    const page = await runCheck(check, await targetFor(spa.url, config));
    expect(statuses(page.findings)).toEqual(['pass']);
  });

  it('does not probe paths the config puts on the allow-list', async () => {
    const server = await startServer((req, res) => (req.url === '/metrics' ? res.writeHead(200).end('# HELP up 1\n') : json(res, 404, {})));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config.replace('[/health]', '[/health, /metrics]')));
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.message).toMatch(/; 1 on the allow-list were not probed$/);
    expect(server.requests.some((r) => r.url === '/metrics')).toBe(false);
  });
});
