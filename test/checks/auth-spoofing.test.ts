import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { expect } from 'vitest';
import check from '../../checks/auth-spoofing.js';
import type { Finding } from '../../src/types.js';
import { issueToken, userOf } from '../helpers/auth.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const token = await issueToken('u_alice');

const config = (extra = ''): string => `
auth:
  headers: { Authorization: "Bearer ${token}" }
publicPaths: [/health]
health: /health
endpoints:
  - { path: /api/orders }
limits: { requestsPerSecond: 500 }
${extra}`;

const ORDERS: Record<string, Array<{ id: string }>> = { u_alice: [{ id: 'ord_a1' }, { id: 'ord_a2' }], u_bob: [{ id: 'ord_b1' }] };

/** Orders of the caller, with what changes on every call (a timestamp, a request id) in the body too. */
function ordersOf(user: string): unknown {
  return { data: ORDERS[user] ?? [], served_at: new Date().toISOString(), request_id: randomUUID() };
}

/** The last server a case started, to assert what really went out. */
let server: TestServer;

/** An orders API on loopback whose idea of who is calling is `identify`; /health is public. */
async function ordersApi(
  identify: (req: IncomingMessage) => Promise<string | undefined>,
  body: (user: string) => unknown = ordersOf,
): Promise<TestServer> {
  server = await startServer(async (req, res) => {
    if (req.url === '/health') return json(res, 200, { status: 'ok' });
    const user = await identify(req);
    if (!user) return json(res, 401, { error: 'unauthorized' });
    json(res, 200, body(user));
  });
  return server;
}

/**
 * A token list that another writer keeps adding to: every authenticated read finds one more token
 * than the last (issue 13: ".length was 2500, now 2501"). Each token names its user.
 */
function growingTokens(): (user: string) => unknown {
  let count = 1;
  return (user) => ({ objects: Array.from({ length: ++count }, (_, i) => ({ id: `tok_${user}_${i + 1}`, user })), total: count });
}

const find = (findings: Finding[], verdict: string): Finding => findings.find((f) => f.id === `auth-spoofing/${verdict}`)!;

checkTester.run(check, {
  config: config(),
  valid: [
    {
      name: 'identity from the token alone: volatile fields do not count as a change',
      server: () => ordersApi((req) => userOf(req.headers)),
      verdicts: ['spoofRefused', 'overrideRefused', 'pathOverrideIgnored', 'identityKept'],
      assert: () => {
        // Each spoof went out: identity headers anonymously and with the token, the rest anonymously.
        const carrying = (header: string): number => server.requests.filter((r) => r.headers[header] !== undefined).length;
        expect(['x-user-id', 'x-remote-user', 'x-forwarded-for', 'x-real-ip', 'x-original-url', 'x-rewrite-url'].map(carrying)).toEqual([
          2, 2, 1, 1, 1, 1,
        ]);
        expect(server.requests.every((r) => ['GET', 'HEAD'].includes(r.method))).toBe(true);
      },
    },
    {
      // Issue 13, class 1: was "critical: X-User-Id: 1 changed what GET /api/tokens returns (objects[3].id was absent, now tok_…)".
      name: 'a list another writer grows between the reads: the bracketing plain reads absorb it',
      config: config().replace('/api/orders', '/api/tokens'),
      server: () => ordersApi((req) => userOf(req.headers), growingTokens()),
      verdicts: ['spoofRefused', 'overrideRefused', 'pathOverrideIgnored', 'identityKept'],
    },
    {
      name: 'a 404 that hides the endpoint from strangers (2xx with credentials) is a refusal to keep',
      server: async () => {
        server = await startServer(async (req, res) => {
          if (req.url === '/health') return json(res, 200, { status: 'ok' });
          const user = await userOf(req.headers);
          return user ? json(res, 200, ordersOf(user)) : json(res, 404, { error: 'not_found' });
        });
        return server;
      },
      verdicts: ['spoofRefused', 'overrideRefused', 'pathOverrideIgnored', 'identityKept'],
    },
    {
      name: 'write endpoints without allowWrites: skipped by the engine, nothing sent that could change state',
      config: `auth:\n  headers: { Authorization: "Bearer ${token}" }\nendpoints:\n  - { method: POST, path: /api/orders, body: { sku: A1 } }\n`,
      server: async () => (server = await startServer((_req, res) => json(res, 401, { error: 'unauthorized' }))),
      verdicts: ['notOptedIn'],
      assert: () => expect(server.requests).toHaveLength(0),
    },
  ],
  invalid: [
    {
      name: 'an API that trusts X-User-Id: anonymously, and with a token for someone else (critical)',
      // "Only our frontend sets X-User-Id."
      server: () => ordersApi(async (req) => (req.headers['x-user-id'] as string | undefined) ?? (await userOf(req.headers))),
      verdicts: [
        { verdict: 'spoofAccepted', data: { accepted: ['X-User-Id: 1'] } },
        { verdict: 'identityChanged', data: { accepted: ['X-User-Id: 1'], how: 'left out ord_a1 and ord_a2' } },
      ],
      assert: (findings) => {
        const anonymous = find(findings, 'spoofAccepted');
        expect(anonymous.severity).toBe('critical');
        expect(anonymous.reproduce).toMatch(/-H 'X-User-Id: 1'/);
        expect(anonymous.reproduce).not.toMatch(/Authorization/);
        const withToken = find(findings, 'identityChanged');
        expect(withToken.severity).toBe('critical');
        expect(withToken.evidence).toHaveLength(3);
        expect(withToken.reproduce).toMatch(/X-User-Id: 1/);
      },
    },
    {
      name: 'an API that lets "internal" callers (X-Forwarded-For: 127.0.0.1) skip auth',
      // "Calls from inside skip auth."
      server: () => ordersApi(async (req) => (req.headers['x-forwarded-for'] === '127.0.0.1' ? 'u_alice' : await userOf(req.headers))),
      verdicts: [{ verdict: 'spoofAccepted', data: { accepted: ['X-Forwarded-For: 127.0.0.1'] } }],
      assert: (findings) => expect(find(findings, 'identityKept')).toBeDefined(),
    },
    {
      name: 'an API that authorises the request line but routes by X-Original-URL',
      server: async () => {
        const route = async (path: string, req: IncomingMessage): Promise<{ status: number; body: unknown }> => {
          if (path === '/health') return { status: 200, body: { status: 'ok' } };
          if (path === '/api/orders') return { status: 200, body: ordersOf((await userOf(req.headers)) ?? 'u_alice') };
          return { status: 404, body: { error: 'not_found' } };
        };
        return startServer(async (req, res) => {
          // The "edge" checks the path on the request line; the app routes by the rewrite header.
          if (req.url !== '/health' && !(await userOf(req.headers))) return json(res, 401, { error: 'unauthorized' });
          const answer = await route((req.headers['x-original-url'] as string | undefined) ?? req.url ?? '/', req);
          json(res, answer.status, answer.body);
        });
      },
      verdicts: [
        {
          verdict: 'pathOverrideServed',
          data: { headers: 'GET /health with X-Original-URL: /api/orders', answer: '200', path: '/api/orders' },
        },
      ],
      assert: (findings) => expect(find(findings, 'pathOverrideServed').reproduce).toMatch(/\/health' -H 'X-Original-URL: \/api\/orders'/),
    },
    {
      name: 'an API whose auth rule covers GET but not HEAD',
      server: async () => {
        server = await startServer(async (req, res) => {
          if (req.url === '/health') return json(res, 200, { status: 'ok' });
          if (req.method === 'GET' && !(await userOf(req.headers))) return json(res, 401, { error: 'unauthorized' });
          json(res, 200, ordersOf('u_alice'));
        });
        return server;
      },
      verdicts: [{ verdict: 'headUnprotected', data: { answers: '200 to HEAD with X-HTTP-Method-Override: GET and 200 to a plain HEAD' } }],
      assert: () =>
        expect(
          server.requests
            .filter((r) => r.headers['x-http-method-override'])
            .map((r) => `${r.method} ${r.headers['x-http-method-override']}`),
        ).toEqual(['HEAD GET']),
    },
    {
      // Issue 13, class 1: the real thing must still fail, critical, with another writer growing the list too.
      name: "an API that honours X-Forwarded-User: admin with a valid token (returns the admin's objects)",
      config: config().replace('/api/orders', '/api/tokens'),
      server: () =>
        ordersApi(
          async (req) => ((await userOf(req.headers)) ? ((req.headers['x-forwarded-user'] as string | undefined) ?? 'alice') : undefined),
          growingTokens(),
        ),
      verdicts: [{ verdict: 'identityChanged', data: { accepted: ['X-Forwarded-User: admin'] } }],
      assert: (findings) => {
        const changed = find(findings, 'identityChanged');
        expect(changed.severity).toBe('critical');
        expect(changed.data?.how).toMatch(
          /returned user=admin, tok_admin_1, .*which neither plain call did, and left out user=alice, tok_alice_1/,
        );
        expect(changed.reproduce).toMatch(/X-Forwarded-User: admin/);
      },
    },
    {
      // Issue 13, class 1: was "critical: … changed what GET /api/tokens returns (objects[0].user was alice, now absent)".
      name: 'a list that outgrows maxResponseBytes between the reads: undecided on a cut-off body, not a fail',
      config: config('')
        .replace('/api/orders', '/api/tokens')
        .replace('requestsPerSecond: 500', 'requestsPerSecond: 500, maxResponseBytes: 1024'),
      server: () => {
        let reads = 0;
        // Three small answers, then (after "the audit's own writes") far more than 1 KiB of alice's tokens.
        const tokens = (user: string): unknown => ({
          objects: Array.from({ length: ++reads <= 3 ? 1 : 200 }, (_, i) => ({ id: `tok_${i + 1}`, user })),
        });
        return ordersApi((req) => userOf(req.headers), tokens);
      },
      verdicts: [{ verdict: 'identityTruncated', data: { limit: '1 KiB' } }],
      assert: (findings) => expect(findings.filter((f) => f.status === 'fail')).toEqual([]),
    },
    {
      // Issue 12: a connection refused is the target being down, never a fail.
      name: 'a target that is down is undecided, not a spoofing failure',
      server: async () => {
        const gone = await startServer((_req, res) => json(res, 401, {}));
        await gone.close();
        return { url: gone.url, close: async () => undefined };
      },
      verdicts: [{ verdict: 'undecided', data: { code: 'refused' } }],
    },
    {
      name: 'an endpoint that answers 404 with valid credentials too is undecided, not a pass',
      server: async () =>
        (server = await startServer((req, res) =>
          req.url === '/health' ? json(res, 200, { status: 'ok' }) : json(res, 404, { error: 'not_found' }),
        )),
      verdicts: [{ verdict: 'notFoundWithCredentials', data: { status: 404 } }],
      assert: (findings) =>
        expect(byVerdict(findings, 'notFoundWithCredentials').data).toEqual({ endpoint: 'GET /api/orders', status: 404 }),
    },
  ],
});
