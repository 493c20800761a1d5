import express, { type RequestHandler } from 'express';
import { http, HttpResponse } from 'msw';
import { expect } from 'vitest';
import check from '../../checks/auth-anonymous.js';
import { issueToken, userOf, type TokenMode } from '../helpers/auth.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { startMswServer } from '../helpers/msw.js';
import { serveApp } from '../helpers/serve-app.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const token = await issueToken('u_alice');

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

/** One endpoint, with credentials, for the cases about a single route. */
const oneEndpoint = (endpoint: string, extra = ''): string => `
auth:
  headers: { Authorization: "Bearer ${token}" }
endpoints:
  - ${endpoint}
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

/** The last node:http server a case started, to assert what really went out. */
let server: TestServer;
const recorded = async (handler: Parameters<typeof startServer>[0]): Promise<TestServer> => (server = await startServer(handler));

/**
 * Answers filtered by permission (issue 13, class 2): the anonymous caller gets a 2xx with nothing
 * in it, the real user gets their data. `anonymousBody` is what every caller without a valid token gets.
 */
const permissionFiltered = (anonymousBody: unknown, ownBody: unknown) =>
  recorded(async (req, res) => json(res, 200, (await userOf(req.headers)) ? ownBody : anonymousBody));

checkTester.run(check, {
  config: config(),
  valid: [
    {
      name: 'default-deny middleware that verifies tokens: every bad credential is sent and refused',
      server: () =>
        recorded(async (req, res) => {
          if (req.url === '/health') return json(res, 200, { status: 'ok' });
          if (!(await userOf(req.headers))) return json(res, 401, { error: 'unauthorized' });
          json(res, 200, { data: [] });
        }),
      verdicts: [
        { verdict: 'refused', endpoint: 'GET /api/orders', data: { count: 7, summary: '401 ×7' } },
        { verdict: 'refused', endpoint: 'GET /api/reports/summary', data: { count: 7, summary: '401 ×7' } },
      ],
      assert: () => {
        // What really went out: no credentials, empty, malformed, wrong scheme, alg:none, forged, expired.
        const sent = server.requests.filter((r) => r.url === '/api/orders').map((r) => r.headers.authorization);
        expect(sent).toContain(undefined);
        expect(sent).toContain('');
        expect(sent.some((a) => a?.startsWith('Basic '))).toBe(true);
        const jwts = sent
          .filter((a) => a?.startsWith('Bearer ey'))
          .map((a) => JSON.parse(Buffer.from(a!.split(' ')[1]!.split('.')[0]!, 'base64url').toString()) as { alg: string });
        expect(jwts.map((h) => h.alg).sort()).toEqual(['HS256', 'HS256', 'none']);
        expect(sent).not.toContain(`Bearer ${token}`);
        expect(server.requests.some((r) => r.url === '/health')).toBe(false);
      },
    },
    {
      name: 'a 404 that hides the endpoint from strangers (2xx with credentials) is a refusal',
      config: oneEndpoint('{ path: /api/orders }'),
      server: () =>
        recorded(async (req, res) =>
          (await userOf(req.headers)) ? json(res, 200, { data: [{ id: 'ord_1' }] }) : json(res, 404, { error: 'not_found' }),
        ),
      verdicts: [{ verdict: 'refused', data: { summary: '404 ×7' } }],
    },
    {
      name: 'write endpoints without allowWrites: skipped by the engine, no POST sent',
      config: oneEndpoint('{ method: POST, path: /api/orders, body: { sku: A1 } }'),
      server: () => recorded((_req, res) => json(res, 401, { error: 'unauthorized' })),
      verdicts: ['notOptedIn'],
      assert: (findings) => {
        expect(byVerdict(findings, 'notOptedIn').data?.reason).toMatch(/only with allowWrites/);
        expect(server.requests).toHaveLength(0);
      },
    },
    {
      name: 'write endpoints with allowWrites: every variant is sent as the configured POST',
      config: oneEndpoint('{ method: POST, path: /api/orders, body: { sku: A1 } }', 'allowWrites: true'),
      server: () =>
        recorded(async (req, res) => {
          if (!(await userOf(req.headers))) return json(res, 401, { error: 'unauthorized' });
          json(res, 201, { id: 'ord_new' });
        }),
      verdicts: ['refused'],
      assert: () => {
        expect(server.requests.every((r) => r.method === 'POST' && r.headers['content-type'] === 'application/json')).toBe(true);
        expect(server.requests).toHaveLength(7);
      },
    },
  ],
  invalid: [
    {
      name: 'the one route an allow-by-exception API forgot to protect fails, critical and by name',
      server: async () => {
        const requireUser: RequestHandler = (req, res, next) => {
          void userOf(req.headers).then((user) => (user ? next() : res.status(401).json({ error: 'unauthorized' })));
        };
        const app = express();
        app.get('/health', (_req, res) => res.json({ status: 'ok' }));
        app.get('/api/orders', requireUser, (_req, res) => res.json({ data: [] }));
        app.get('/api/reports/summary', (_req, res) => res.json({ orders: 1832, revenue_cents: 1834500 })); // forgot requireUser
        return serveApp(app);
      },
      verdicts: [{ verdict: 'open', endpoint: 'GET /api/reports/summary', data: { answers: '200', accepted: ['no credentials'] } }],
      assert: (findings) => {
        const open = findings.find((f) => f.id === 'auth-anonymous/open')!;
        expect(open.severity).toBe('critical');
        expect(open.evidence[0]!.status).toBe(200);
        expect(open.reproduce).toMatch(/^curl .*\/api\/reports\/summary'$/);
        expect(open.reproduce).not.toMatch(/Authorization/i);
        expect(findings.find((f) => f.endpoint === 'GET /api/orders')!.id).toBe('auth-anonymous/refused');
      },
    },
    {
      name: 'an API that accepts an unsigned alg:none token',
      server: () => startMswServer(defaultDenyApi('accepts-alg-none')),
      verdicts: [
        {
          verdict: 'badCredentialAccepted',
          endpoint: 'GET /api/orders',
          data: { refusal: '401', accepted: ['an alg:none JWT (unsigned)'] },
        },
        {
          verdict: 'badCredentialAccepted',
          endpoint: 'GET /api/reports/summary',
          data: { refusal: '401', accepted: ['an alg:none JWT (unsigned)'] },
        },
      ],
      assert: ([first]) => {
        expect(first!.severity).toBe('critical');
        expect(first!.remediation).toMatch(/never "none"/);
        expect(first!.reproduce).toMatch(/Authorization: Bearer eyJhbGciOiJub25lIn0/);
      },
    },
    {
      name: 'an API that decodes tokens without verifying them: alg:none and the forged signature named (expired still refused)',
      server: () => startMswServer(defaultDenyApi('decode-only')),
      verdicts: [
        {
          verdict: 'badCredentialAccepted',
          endpoint: 'GET /api/orders',
          data: { accepted: ['an alg:none JWT (unsigned)', 'a JWT with a forged signature'] },
        },
        {
          verdict: 'badCredentialAccepted',
          endpoint: 'GET /api/reports/summary',
          data: { accepted: ['an alg:none JWT (unsigned)', 'a JWT with a forged signature'] },
        },
      ],
    },
    {
      name: 'a malformed token crashes the server (500) and the wrong scheme hangs it: high',
      config: oneEndpoint('{ path: /api/orders }', '').replace('requestsPerSecond: 500', 'requestsPerSecond: 500, timeoutMs: 300'),
      server: () =>
        recorded(async (req, res) => {
          const auth = req.headers.authorization;
          if (auth === 'Bearer not-a-valid-token') return json(res, 500, { error: 'TypeError: cannot read properties of undefined' });
          if (auth?.startsWith('Basic ')) return; // never answers: the probe's timeout is the finding
          if (!(await userOf(req.headers))) return json(res, 401, { error: 'unauthorized' });
          json(res, 200, {});
        }),
      verdicts: [
        {
          verdict: 'authErrors',
          data: { answers: '500 and no answer (timeout)', names: 'a malformed token and a token of the wrong scheme (Basic)' },
        },
      ],
      assert: (findings) => expect(byVerdict(findings, 'authErrors').severity).toBe('high'),
    },
    {
      name: 'a validation error before auth (400) is an unclear refusal',
      config: oneEndpoint('{ path: /api/orders }'),
      server: () =>
        recorded(async (req, res) =>
          (await userOf(req.headers)) ? json(res, 200, { data: [] }) : json(res, 400, { error: 'missing tenant' }),
        ),
      verdicts: [{ verdict: 'unclearRefusal', data: { answers: '400' } }],
    },
    // Issue 13, class 2: permission-filtered answers were "critical: anyone who finds the URL can call it".
    {
      name: 'a search that answers anonymous callers 200 {"objects":[],"total":0}: a warning, not critical',
      config: oneEndpoint('{ path: /api/search }'),
      server: () => permissionFiltered({ objects: [], total: 0 }, { objects: [{ id: 'doc_1', owner: 'u_alice' }], total: 1 }),
      // Every bad credential got the same empty answer as none at all (issue 28: one stable verdict for it).
      verdicts: [{ verdict: 'badCredentialsAsAnonymous', data: { answers: '200' } }],
      assert: (findings) => {
        const finding = byVerdict(findings, 'badCredentialsAsAnonymous');
        expect(finding.status).toBe('warn');
        expect(finding.data).toMatchObject({ endpoint: 'GET /api/search', answers: '200', names: expect.any(String) });
      },
    },
    {
      name: 'a whoami that answers anonymous callers 200 {}: a warning',
      config: oneEndpoint('{ path: /api/whoami }'),
      server: () => permissionFiltered({}, { id: 'u_alice', name: 'Alice' }),
      verdicts: ['badCredentialsAsAnonymous'],
    },
    {
      name: 'a list that answers anonymous callers 200 []: a warning',
      config: oneEndpoint('{ path: /api/orders }'),
      server: () => permissionFiltered([], [{ id: 'ord_1', user: 'u_alice' }]),
      verdicts: ['badCredentialsAsAnonymous'],
    },
    {
      name: 'an anonymous answer that shares fields with the real one is open (critical), even without items',
      config: oneEndpoint('{ path: /api/orders }'),
      server: () => permissionFiltered({ data: [], owner: 'u_alice' }, { data: [{ id: 'ord_1' }], owner: 'u_alice' }),
      verdicts: ['open'],
    },
    {
      name: 'an anonymous answer with items of its own is open (critical)',
      config: oneEndpoint('{ path: /api/orders }'),
      server: () => permissionFiltered({ data: [{ id: 'ord_public' }] }, { data: [{ id: 'ord_1' }] }),
      verdicts: ['open'],
    },
    {
      name: 'an empty anonymous result does not hide a forged token that gets the data',
      config: oneEndpoint('{ path: /api/orders }'),
      server: () =>
        startMswServer(
          http.all('*', async ({ request }) =>
            HttpResponse.json((await userOf(request.headers, 'decode-only')) ? { data: [{ id: 'ord_1' }] } : { data: [] }),
          ),
        ),
      verdicts: ['badCredentialsAsAnonymous', { verdict: 'badCredentialAccepted', data: { refusal: '200 with an empty result' } }],
    },
    {
      // Issue 12: a connection refused is the target being down, never a fail (it was "authErrors: no answer (refused) ×7", high).
      name: 'a target that is down is undecided, not an auth error',
      config: oneEndpoint('{ path: /api/orders }'),
      server: async () => {
        const gone = await startServer((_req, res) => json(res, 401, {}));
        await gone.close();
        return { url: gone.url, close: async () => undefined };
      },
      verdicts: [{ verdict: 'undecided', data: { code: 'refused' } }],
    },
    // Issue 12's trust rule: a 404 for everyone proves no refusal (it used to pass as "refused all 7 (404 ×7)").
    {
      name: 'an endpoint that answers 404 with valid credentials too is undecided, not a pass',
      config: oneEndpoint('{ path: /x }'),
      server: () => recorded((_req, res) => json(res, 404, { error: 'not_found' })),
      verdicts: [{ verdict: 'notFoundWithCredentials', data: { status: 404 } }],
      assert: (findings) => {
        const finding = byVerdict(findings, 'notFoundWithCredentials');
        expect(finding.status).toBe('error');
        expect(finding.data).toEqual({ endpoint: 'GET /x', status: 404 });
        // One anonymous call and one with the credentials: the bad-token variants would prove nothing more.
        expect(server.requests.map((r) => (r.headers.authorization === `Bearer ${token}` ? 'with credentials' : 'anonymous'))).toEqual([
          'anonymous',
          'with credentials',
        ]);
      },
    },
    {
      name: 'a 404 without credentials when none are configured proves nothing either',
      config: 'endpoints:\n  - { path: /x }\nlimits: { requestsPerSecond: 500 }\n',
      server: () => recorded((_req, res) => json(res, 404, { error: 'not_found' })),
      verdicts: [{ verdict: 'refusalUnproven', data: { answer: '404' } }],
    },
  ],
});
