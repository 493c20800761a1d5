import express from 'express';
import { expect, vi } from 'vitest';
import check from '../../checks/error-leaks.js';
import malformedInput from '../../checks/malformed-input.js';
import type { HttpClient } from '../../src/http/types.js';
import type { Finding } from '../../src/types.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { serveApp } from '../helpers/serve-app.js';
import { json, startServer } from '../helpers/servers.js';

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
  return {
    url: served.url,
    close: () => {
      quiet.mockRestore();
      return served.close();
    },
  };
}

/** An HS256 session token, as a login endpoint hands out (signature made up, but shaped like one). */
const ISSUED_JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1XzQyIiwiaWF0IjoxNzAwMDAwMDAwfQ.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk4';

const bySignature = (findings: Finding[], signature: string): Finding[] => findings.filter((f) => f.data?.signature === signature);
const leak = (signature: string, endpoint: string, verdict = 'leaked') => ({ verdict, endpoint, data: { signature } });

/** What other checks of a run would have sent. */
const send =
  (...paths: string[]) =>
  async (client: HttpClient): Promise<void> => {
    for (const path of paths) await client.send({ method: 'GET', path, retryOn429: false });
  };

checkTester.run(check, {
  config,
  valid: [
    {
      name: 'an API that leaks nothing passes, saying how much it read',
      // Plain node:http: the msw middleware is express, and sends X-Powered-By: Express.
      server: () => startServer((_req, res) => json(res, 404, { error: { code: 'not_found', message: 'No such item.' } })),
      alongside: [malformedInput],
      verdicts: ['clean'],
      assert: (findings) =>
        expect(byVerdict(findings, 'clean').data).toEqual({
          responses: expect.any(Number),
          errorResponses: expect.any(Number),
          distinctBodies: expect.any(Number),
          bodySignatures: expect.any(Number),
          headerSignatures: expect.any(Number),
        }),
    },
    {
      name: 'a run that saw no error response (all 2xx, or only 429s) is skipped, not passed',
      server: () =>
        startServer((req, res) =>
          req.url === '/limited'
            ? json(res, 429, { error: { code: 'rate_limited' } }, { 'retry-after': '0' })
            : json(res, 200, { data: [] }),
        ),
      before: send('/api/items', '/limited'),
      verdicts: ['noErrorAnswer'],
    },
    {
      name: 'nothing recorded: nothing to scan',
      server: () => startServer((_req, res) => json(res, 200, {})),
      verdicts: ['noResponses'],
    },
    {
      // Issue 13 item 4: a 200 whose example data holds a file path, and X-Powered-By: hidden, were reported as leaks.
      name: "paths and hosts inside 2xx data are the API's data; X-Powered-By that names no product is no leak",
      server: () =>
        startServer((req, res) => {
          if (req.url === '/api/items')
            return json(
              res,
              200,
              { data: [{ id: 'k1', file: '/src/some-dir/kernel.rs', host: 'build-1.internal.corp', note: 'SELECT * FROM items' }] },
              { 'x-powered-by': 'hidden' },
            );
          json(res, 404, { error: { code: 'not_found' } }, { 'x-powered-by': 'hidden' });
        }),
      before: send('/api/items', '/api/items/2'),
      verdicts: ['clean'],
    },
  ],
  invalid: [
    {
      name: 'a 500 with a Python traceback and a psycopg2 error, quoted with evidence, per endpoint',
      server: () =>
        startServer((req, res) => {
          if ((req.url ?? '').includes("'") || (req.url ?? '').includes('%27')) {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(PYTHON_500);
            return;
          }
          json(res, req.url?.startsWith('/api/items') ? 200 : 404, { data: [] });
        }),
      alongside: [malformedInput],
      verdicts: ['GET /api/items', 'GET /api/items/{id}'].flatMap((endpoint) => [
        leak('python-traceback', endpoint),
        leak('postgres-error', endpoint),
        leak('sql-statement', endpoint),
        leak('absolute-file-path', endpoint, 'leakedMedium'),
      ]),
      assert: (findings) => {
        const traceback = bySignature(findings, 'python-traceback').find((f) => f.endpoint === 'GET /api/items')!;
        expect(traceback.data).toMatchObject({
          response: 'GET /api/items?preflight=%27 → 500',
          excerpt: 'Traceback (most recent call last):',
        });
        expect(traceback.data?.reveals).toMatch(/^a Python traceback/);
        expect(traceback.data?.quoted).toMatch(/^"Traceback \(most recent call last\):"/);
        expect(traceback.evidence[0]!.status).toBe(500);
        expect(traceback.reproduce).toMatch(/^curl /);
        expect(bySignature(findings, 'postgres-error')[0]!.data?.excerpt).toContain(
          'psycopg2.errors.SyntaxError: unterminated quoted string at or near',
        );
        expect(traceback.key).toBe('error-leaks/leak@GET /api/items#python-traceback');
      },
    },
    {
      name: "express's development error page (a stack with file paths) and its X-Powered-By",
      server: () => startExpress('development'),
      alongside: [malformedInput],
      verdicts: [
        leak('express-error-page', 'GET /api/items/{id}'),
        leak('node-stack', 'GET /api/items/{id}'),
        { verdict: 'versionHeader', endpoint: '*', data: { signature: 'x-powered-by' } },
      ],
      assert: (findings) => {
        const page = bySignature(findings, 'express-error-page')[0]!;
        expect(page.data).toMatchObject({ response: 'GET /api/items/%zz → 400' });
        expect(page.data?.excerpt).toContain('URIError: Failed to decode param');
        const header = bySignature(findings, 'x-powered-by')[0]!;
        expect(header.severity).toBe('low');
        expect(header.data).toMatchObject({
          seen: expect.stringMatching(/^\d+ of the run's responses$/),
          reveals: 'the framework or language behind the API',
          quoted: '"X-Powered-By: Express"',
        });
      },
    },
    {
      name: "express's production mode shows no stack: only the X-Powered-By header remains",
      server: () => startExpress('production'),
      alongside: [malformedInput],
      verdicts: [{ verdict: 'versionHeader', data: { signature: 'x-powered-by' } }],
    },
    {
      name: 'X-Powered-By naming a version (PHP/8.1) is a leak',
      server: () => startServer((_req, res) => json(res, 404, { error: { code: 'not_found' } }, { 'x-powered-by': 'PHP/8.1' })),
      before: send('/api/items'),
      verdicts: [{ verdict: 'versionHeader', data: { signature: 'x-powered-by', excerpt: 'X-Powered-By: PHP/8.1' } }],
    },
    {
      name: 'a 200 carrying a stack trace with frames is still a leak',
      server: () =>
        startServer((req, res) =>
          req.url === '/api/items'
            ? json(res, 200, { data: [], debug: 'TypeError: x is undefined\n    at list (/srv/app/src/items.js:12:9)' })
            : json(res, 404, { error: { code: 'not_found' } }),
        ),
      before: send('/api/items', '/nope'),
      verdicts: [leak('node-stack', 'GET /api/items')],
    },
    {
      name: 'scans responses other checks collected: an environment dump and a Server version',
      server: () =>
        startServer((req, res) => {
          if (req.url === '/debug/vars')
            return json(res, 200, {
              env: { DATABASE_URL: 'postgres://svc:hunter22@10.0.4.12:5432/app', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG' },
            });
          json(res, 200, { ok: true }, { server: 'nginx/1.18.0' });
        }),
      before: send('/debug/vars', '/api/items', '/api/items'),
      verdicts: [
        leak('environment-dump', 'GET /debug/vars', 'leakedCritical'),
        { verdict: 'versionHeader', endpoint: '*', data: { signature: 'server-version' } },
        { verdict: 'credentialLeaked', data: { kind: 'password in URL' } },
        { verdict: 'credentialLeaked', data: { kind: 'AWS_SECRET_ACCESS_KEY field' } },
      ],
      assert: (findings) => {
        // The password is on the dumped DATABASE_URL line: one finding, not two (its host and IP are data-like, not counted on a 200).
        const env = bySignature(findings, 'environment-dump')[0]!;
        expect(env.data?.alsoMatched).toEqual(['credentials-in-url']);
        expect(env.severity).toBe('critical');
        // The target's own leaked secrets are not printed again.
        for (const finding of findings) expect(`${finding.message} ${JSON.stringify(finding.data)}`).not.toMatch(/hunter22|wJalrXUtnFEMI/);
        expect(bySignature(findings, 'server-version')[0]!.data).toMatchObject({
          seen: "2 of the run's responses",
          response: 'GET /api/items → 200',
          reveals: 'the server software and its exact version',
          quoted: '"Server: nginx/1.18.0"',
        });
      },
    },
    {
      name: 'one leak seen on many unconfigured paths (a catch-all) is one finding that lists them',
      server: () =>
        startServer((req, res) => json(res, 500, { env: { DATABASE_URL: 'postgres://svc@db-1.internal.corp/app' }, path: req.url })),
      before: send('/admin/jobs', '/admin', '/admin/config'),
      verdicts: [leak('environment-dump', 'GET /admin', 'leakedCritical')],
      assert: (findings) => {
        const dump = byVerdict(findings, 'leakedCritical');
        expect(dump.data?.alsoMatched).toEqual(['connection-string', 'internal-hostname']);
        expect(dump.data).toMatchObject({
          response: 'GET /admin → 500',
          reveals: 'environment variables (configuration and secrets)',
          quoted: '"DATABASE_URL: postgres://svc@db-1.internal.corp/app"',
          more: ' (3 responses, also on GET /admin/config, GET /admin/jobs)',
        });
        expect(dump.evidence).toHaveLength(3);
        expect(dump.evidence[0]!.url).toMatch(/\/admin$/);
      },
    },
    {
      name: 'credentials the target serves are critical, masked, one finding each; a session token it issues in a 2xx is not',
      server: () =>
        startServer((req, res) => {
          if (req.url === '/login') return json(res, 200, { access_token: ISSUED_JWT, token_type: 'Bearer' });
          if (req.url === '/api/items') return json(res, 200, { data: [], billing: { key: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcXyZ9aB' } });
          json(res, 500, { error: 'boom', config: { aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } });
        }),
      before: send('/login', '/api/items', '/api/items/1', '/api/items/2'),
      verdicts: [
        { verdict: 'credentialLeaked', endpoint: 'GET /api/items', data: { kind: 'Stripe live secret key', length: 38 } },
        { verdict: 'credentialLeaked', endpoint: 'GET /api/items/{id}', data: { kind: 'AWS secret key', length: 40 } },
      ],
      assert: (findings) => {
        const aws = findings.find((f) => f.data?.kind === 'AWS secret key')!;
        expect(aws.severity).toBe('critical');
        expect(aws.data).toMatchObject({
          response: 'GET /api/items/1 → 500',
          where: 'body',
          more: ' (2 responses)',
          masked: '[AWS secret key, 40 chars, wJal…]',
        });
        const everything = JSON.stringify(findings);
        for (const raw of ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dcXyZ9aB', ISSUED_JWT])
          expect(everything).not.toContain(raw);
      },
    },
    {
      name: 'never prints the configured credential, even when a leaked dump echoes it',
      server: () =>
        startServer((req, res) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(
            `Error: upstream refused\n    at callUpstream (/srv/app/src/upstream.js:12:9)\nrequest headers: authorization=${req.headers.authorization}`,
          );
        }),
      before: send('/api/items'),
      verdicts: [leak('node-stack', 'GET /api/items')],
      assert: (findings) => {
        for (const finding of findings) expect(JSON.stringify(finding)).not.toContain('t0ken-for-tests');
      },
    },
  ],
});
