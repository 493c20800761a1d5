import express, { type Express } from 'express';
import { expect } from 'vitest';
import check from '../../checks/auth-path-tricks.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { serveApp } from '../helpers/serve-app.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const TOKEN = 'Bearer path-tricks-token';
const config = `
auth:
  headers: { Authorization: "${TOKEN}" }
publicPaths: [/health]
endpoints:
  - { path: /api/orders }
limits: { requestsPerSecond: 500 }
`;

/** Routes every check might touch; express matches them case-insensitively and with a trailing slash (its defaults). */
function routes(app: Express): Express {
  app.get('/health', (_req, res) => res.json({ status: 'ok' }));
  app.get('/api/orders', (_req, res) => res.json({ data: [{ id: 'ord_1' }] }));
  app.get('/admin', (_req, res) => res.json({ accounts: 1832, actions: ['recalculate-balances'] }));
  return app;
}

/** The last node:http server a case started, to assert what really went out. */
let server: TestServer;
const recorded = async (handler: Parameters<typeof startServer>[0]): Promise<TestServer> => (server = await startServer(handler));

/** An exact-string auth rule on /api/orders in front of a "router" that normalises the path with `route`. */
const exactRule = (route: (path: string) => string) =>
  recorded((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/api/orders' && req.headers.authorization !== TOKEN) return json(res, 401, { error: 'unauthorized' });
    if (route(path) === '/api/orders') return json(res, 200, { data: [{ id: 'ord_1' }] });
    json(res, 404, { error: 'not_found' });
  });

checkTester.run(check, {
  config,
  valid: [
    {
      name: 'default-deny middleware: every spelling of a refused path stays refused',
      server: () => {
        const app = express();
        app.use((req, res, next) =>
          req.path === '/health' || req.headers.authorization === TOKEN ? next() : res.status(401).json({ error: 'unauthorized' }),
        );
        return serveApp(routes(app));
      },
      // /api/orders and the five admin roots are all refused (401 before routing), each stays refused.
      verdicts: [
        { verdict: 'stayedRefused', endpoint: 'GET /api/orders', data: { count: 6, answers: '401' } },
        ...Array(5).fill('stayedRefused'),
      ],
    },
    {
      name: 'a catch-all 200 page is not mistaken for the protected resource',
      server: () =>
        recorded((req, res) => {
          if (req.url === '/api/orders' && req.headers.authorization !== TOKEN) return json(res, 401, { error: 'unauthorized' });
          res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><div id="app"></div>');
        }),
      verdicts: ['stayedRefused'],
    },
    {
      name: 'a configured endpoint hidden by a 404 (2xx with credentials) is a refusal to get around',
      server: () =>
        recorded((req, res) =>
          req.url === '/api/orders' && req.headers.authorization === TOKEN
            ? json(res, 200, { data: [] })
            : json(res, 404, { error: 'not_found' }),
        ),
      verdicts: [{ verdict: 'stayedRefused', endpoint: 'GET /api/orders', data: { answers: '404' } }],
    },
    {
      name: 'nothing refuses an anonymous GET: skipped with the reason',
      config: config
        .replace('{ path: /api/orders }', '{ path: /api/orders }\npublicPaths: [/api/orders]')
        .replace('publicPaths: [/health]\n', ''),
      server: () => recorded((_req, res) => json(res, 404, { error: 'not_found' })),
      verdicts: ['nothingRefused'],
    },
  ],
  invalid: [
    {
      name: 'an auth rule that matches case-sensitively in front of express, which routes case-insensitively (/Admin)',
      server: () => {
        const app = express();
        // The mistake: a string prefix rule in front of a router that ignores case by default.
        app.use((req, res, next) =>
          req.path.startsWith('/admin') && req.headers.authorization !== TOKEN ? res.status(401).json({ error: 'unauthorized' }) : next(),
        );
        return serveApp(routes(app));
      },
      verdicts: [
        {
          verdict: 'bypassed',
          endpoint: 'GET /admin',
          data: { refusal: '401', variants: '/Admin (another case)', answer: '200', paths: ['/Admin'] },
        },
      ],
      assert: (findings) => {
        const bypass = findings.find((f) => f.id === 'auth-path-tricks/bypassed')!;
        expect(bypass.severity).toBe('critical');
        expect(bypass.reproduce).toMatch(/^curl -sS -i --path-as-is '.*\/Admin'$/);
        expect(bypass.evidence.map((e) => e.status)).toEqual([200, 401]);
      },
    },
    {
      name: 'a trailing slash or ;parameter slips past an exact-match rule',
      server: () => exactRule((path) => path.replace(/;.*$/, '').replace(/\/+$/, '')),
      verdicts: [{ verdict: 'bypassed', data: { paths: ['/api/orders/', '/api/orders;x'] } }],
      // The tricks went out exactly as written.
      assert: () =>
        expect(server.requests.map((r) => r.url)).toEqual(
          expect.arrayContaining(['//api/orders', '/%61pi/orders', '/Api/orders', '/api/orders;x', '/api/orders/.']),
        ),
    },
    {
      name: 'a dot segment slips past a rule matched before the path is resolved',
      server: () => exactRule((path) => path.replace(/\/\.$/, '')),
      verdicts: [{ verdict: 'bypassed', data: { paths: ['/api/orders/.'] } }],
    },
    {
      // Issue 12's trust rule: this used to pass ("stayed refused however it was spelled (6 variants answered 404)").
      name: 'a configured endpoint that answers 404 with valid credentials too is undecided, not a pass',
      server: () => recorded((_req, res) => json(res, 404, { error: 'not_found' })),
      verdicts: [{ verdict: 'notFoundWithCredentials', endpoint: 'GET /api/orders', data: { status: 404 } }],
      assert: (findings) => {
        expect(byVerdict(findings, 'notFoundWithCredentials').data).toEqual({ endpoint: 'GET /api/orders', status: 404 });
        expect(findings.map((f) => f.id).sort()).toEqual(['auth-path-tricks/notFoundWithCredentials', 'auth-path-tricks/nothingRefused']);
      },
    },
  ],
});
