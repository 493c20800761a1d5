import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import errorLeaks from '../../checks/error-leaks.js';
import malformedInput from '../../checks/malformed-input.js';
import { of, runChecks } from '../helpers/run-checks.js';
import { serveApp } from '../helpers/serve-app.js';
import { json, startServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

const config = `
auth:
  headers: { Authorization: "Bearer t0ken-for-tests" }
endpoints:
  - { path: /api/items }
  - { path: "/api/items/{id}", params: { id: "1" } }
limits: { requestsPerSecond: 1000 }
`;

const PYTHON_500 = `Traceback (most recent call last):
  File "/app/api/items.py", line 31, in list_items
    cur.execute(f"SELECT * FROM items WHERE name = '{q}'")
psycopg2.errors.SyntaxError: unterminated quoted string at or near "'"
LINE 1: SELECT * FROM items WHERE name = '''
`;

/** express 4 with its default error handler; "development" shows the stack, "production" does not. */
async function startExpress(env: 'development' | 'production'): Promise<{ url: string; close(): Promise<void> }> {
  // express logs every error it handles to console.error outside env "test": keep the test output clean.
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const app = express();
  app.set('env', env);
  app.get('/api/items', (_req, res) => res.json({ data: [] }));
  // Express decodes :id itself; "%zz" makes it throw a URIError, answered by the default handler.
  app.get('/api/items/:id', (req, res) => res.json({ id: req.params.id }));
  const served = await serveApp(app);
  return { url: served.url, close: () => (quiet.mockRestore(), served.close()) };
}

const signatures = (findings: ReturnType<typeof of>): string[] => [...new Set(findings.filter((f) => f.status === 'fail').map((f) => f.data?.['signature'] as string))].sort();

describe('error-leaks check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('fails on a 500 with a Python traceback and a psycopg2 error, quoting them with evidence', async () => {
    const server = await startServer((req, res) => {
      if ((req.url ?? '').includes("'") || (req.url ?? '').includes('%27')) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(PYTHON_500);
        return;
      }
      json(res, req.url?.startsWith('/api/items') ? 200 : 404, { data: [] });
    });
    closers.push(server.close);
    const findings = await runChecks([malformedInput, errorLeaks], await targetFor(server.url, config));
    const leaks = of(findings, 'error-leaks');
    expect(signatures(leaks)).toEqual(['absolute-file-path', 'postgres-error', 'python-traceback', 'sql-statement']);
    const traceback = leaks.find((f) => f.data?.['signature'] === 'python-traceback')!;
    expect(traceback.endpoint).toBe('GET /api/items');
    expect(traceback.message).toMatch(/^GET \/api\/items\?preflight=%27 → 500 revealed a Python traceback .*: "Traceback \(most recent call last\):"/);
    expect(traceback.evidence[0]!.status).toBe(500);
    expect(traceback.reproduce).toMatch(/^curl /);
    const psycopg = leaks.find((f) => f.data?.['signature'] === 'postgres-error')!;
    expect(psycopg.message).toContain('psycopg2.errors.SyntaxError: unterminated quoted string at or near');
    expect(psycopg.severity).toBe('high');
    // The same leak on the other endpoint is its own finding.
    expect(leaks.filter((f) => f.data?.['signature'] === 'python-traceback').map((f) => f.endpoint).sort()).toEqual(['GET /api/items', 'GET /api/items/{id}']);
  });

  it("fails on express's development error page (a stack with file paths) and its X-Powered-By", async () => {
    const server = await startExpress('development');
    closers.push(server.close);
    const leaks = of(await runChecks([malformedInput, errorLeaks], await targetFor(server.url, config)), 'error-leaks');
    expect(signatures(leaks)).toEqual(expect.arrayContaining(['express-error-page', 'node-stack', 'x-powered-by']));
    const page = leaks.find((f) => f.data?.['signature'] === 'express-error-page')!;
    expect(page.endpoint).toBe('GET /api/items/{id}');
    expect(page.message).toMatch(/GET \/api\/items\/%zz → 400 revealed Express's development error page/);
    expect(page.message).toContain('URIError: Failed to decode param');
    const header = leaks.find((f) => f.data?.['signature'] === 'x-powered-by')!;
    expect(header.endpoint).toBe('*');
    expect(header.severity).toBe('low');
    expect(header.message).toMatch(/^\d+ responses \(first: .*\) reveal the framework or language behind the API: "X-Powered-By: Express"$/);
  });

  it("finds no stack in express's production mode: only the X-Powered-By header remains", async () => {
    const server = await startExpress('production');
    closers.push(server.close);
    const leaks = of(await runChecks([malformedInput, errorLeaks], await targetFor(server.url, config)), 'error-leaks');
    expect(signatures(leaks)).toEqual(['x-powered-by']);
  });

  it('passes against an API that leaks nothing, saying how much it read', async () => {
    // Plain node:http: the msw middleware is express, and sends X-Powered-By: Express.
    const server = await startServer((_req, res) => json(res, 404, { error: { code: 'not_found', message: 'No such item.' } }));
    closers.push(server.close);
    const leaks = of(await runChecks([malformedInput, errorLeaks], await targetFor(server.url, config)), 'error-leaks');
    expect(leaks.map((f) => f.status), leaks.map((f) => f.message).join('\n')).toEqual(['pass']);
    expect(leaks[0]!.message).toMatch(/^none of the run's \d+ responses \(\d+ of them errors; \d+ distinct bodies\) matched any of \d+ body or \d+ header leak signatures$/);
  });

  it('does not pass a run that saw no error response (all 2xx, or only 429s): it skips', async () => {
    const server = await startServer((req, res) => (req.url === '/limited' ? json(res, 429, { error: { code: 'rate_limited' } }, { 'retry-after': '0' }) : json(res, 200, { data: [] })));
    closers.push(server.close);
    const findings = await runChecks([errorLeaks], await targetFor(server.url, config), async (client) => {
      await client.send({ method: 'GET', path: '/api/items' });
      await client.send({ method: 'GET', path: '/limited', retryOn429: false });
    });
    expect(findings.map((f) => f.status)).toEqual(['skip']);
    expect(findings[0]!.message).toMatch(/^no error response \(4xx\/5xx other than 429\) was seen during the run/);
  });

  it("scans responses other checks collected, and names each endpoint", async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/debug/vars') return json(res, 200, { env: { DATABASE_URL: 'postgres://svc:hunter22@10.0.4.12:5432/app', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG' } });
      json(res, 200, { ok: true }, { server: 'nginx/1.18.0' });
    });
    closers.push(server.close);
    const findings = await runChecks([errorLeaks], await targetFor(server.url, config), async (client) => {
      await client.send({ method: 'GET', path: '/debug/vars', purpose: 'another check' });
      await client.send({ method: 'GET', path: '/api/items', purpose: 'another check' });
      await client.send({ method: 'GET', path: '/api/items', purpose: 'another check' });
    });
    // The password, the connection string and the private IP are all on the dumped DATABASE_URL line: one finding, not four.
    expect(signatures(findings)).toEqual(['environment-dump', 'server-version']);
    expect(findings.find((f) => f.data?.['signature'] === 'environment-dump')!.data?.['alsoMatched']).toEqual(['credentials-in-url', 'connection-string', 'private-ip']);
    const env = findings.find((f) => f.data?.['signature'] === 'environment-dump')!;
    expect(env.endpoint).toBe('GET /debug/vars');
    expect(env.severity).toBe('critical');
    // The target's own leaked secrets are not printed again.
    for (const finding of findings) expect(`${finding.message} ${JSON.stringify(finding.data)}`).not.toMatch(/hunter22|wJalrXUtnFEMI/);
    const server_ = findings.find((f) => f.data?.['signature'] === 'server-version')!;
    expect(server_.message).toMatch(/^2 responses \(first: GET \/api\/items → 200\) reveal the server software and its exact version: "Server: nginx\/1.18.0"$/);
  });

  it('groups one leak seen on many unconfigured paths (a catch-all) into one finding that lists them', async () => {
    const server = await startServer((req, res) => json(res, 200, { env: { DATABASE_URL: 'postgres://svc@db-1.internal.corp/app' }, path: req.url }));
    closers.push(server.close);
    const findings = await runChecks([errorLeaks], await targetFor(server.url, config), async (client) => {
      for (const path of ['/admin', '/admin/config', '/admin/jobs']) await client.send({ method: 'GET', path });
    });
    expect(signatures(findings)).toEqual(['environment-dump']);
    const dump = findings.filter((f) => f.data?.['signature'] === 'environment-dump');
    expect(dump).toHaveLength(1);
    expect(dump[0]!.data?.['alsoMatched']).toEqual(['connection-string', 'internal-hostname']);
    expect(dump[0]!.endpoint).toBe('GET /admin');
    expect(dump[0]!.message).toMatch(/^GET \/admin → 200 revealed environment variables .*: "DATABASE_URL: postgres:\/\/svc@db-1\.internal\.corp\/app" \(3 responses, also on GET \/admin\/config, GET \/admin\/jobs\)$/);
    expect(dump[0]!.evidence).toHaveLength(3);
  });

  it('never prints the configured credential, even when a leaked dump echoes it', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Error: upstream refused\n    at callUpstream (/srv/app/src/upstream.js:12:9)\nrequest headers: authorization=${req.headers.authorization}`);
    });
    closers.push(server.close);
    const findings = await runChecks([errorLeaks], await targetFor(server.url, config), async (client) => {
      await client.send({ method: 'GET', path: '/api/items' });
    });
    expect(signatures(findings)).toEqual(['node-stack']);
    for (const finding of findings) expect(JSON.stringify(finding)).not.toContain('t0ken-for-tests');
  });
});
