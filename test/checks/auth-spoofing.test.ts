import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import check from '../../checks/auth-spoofing.js';
import type { Finding } from '../../src/types.js';
import { issueToken, userOf } from '../helpers/auth.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

let token: string;
beforeAll(async () => {
  token = await issueToken('u_alice');
});

const config = (): string => `
auth:
  headers: { Authorization: "Bearer ${token}" }
publicPaths: [/health]
health: /health
endpoints:
  - { path: /api/orders }
limits: { requestsPerSecond: 500 }
`;

const ORDERS: Record<string, Array<{ id: string }>> = { u_alice: [{ id: 'ord_a1' }, { id: 'ord_a2' }], u_bob: [{ id: 'ord_b1' }] };

/** Orders of the caller, with what changes on every call (a timestamp, a request id) in the body too. */
function ordersOf(user: string): unknown {
  return { data: ORDERS[user] ?? [], served_at: new Date().toISOString(), request_id: randomUUID() };
}

/** An orders API on loopback whose idea of who is calling is `identify`; /health is public. */
function ordersApi(identify: (req: IncomingMessage) => Promise<string | undefined>) {
  return startServer(async (req, res) => {
    if (req.url === '/health') return json(res, 200, { status: 'ok' });
    const user = await identify(req);
    if (!user) return json(res, 401, { error: 'unauthorized' });
    json(res, 200, ordersOf(user));
  });
}

/** Finds the finding of one sub-probe by its message. */
function about(findings: Finding[], pattern: RegExp): Finding {
  const found = findings.find((f) => pattern.test(f.message));
  if (!found) throw new Error(`no finding matches ${pattern}: ${findings.map((f) => f.message).join(' | ')}`);
  return found;
}

describe('auth-spoofing check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('passes an API that takes identity from the token alone (volatile fields do not count as a change)', async () => {
    const server = await ordersApi((req) => userOf(req.headers));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(statuses(findings)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(findings[3]!.message).toMatch(/X-User-Id, X-User, X-Forwarded-User and X-Remote-User naming another user did not change/);
    // Each spoof went out: identity headers anonymously and with the token, the rest anonymously.
    const carrying = (header: string): number => server.requests.filter((r) => r.headers[header] !== undefined).length;
    expect(['x-user-id', 'x-remote-user', 'x-forwarded-for', 'x-real-ip', 'x-original-url', 'x-rewrite-url'].map(carrying)).toEqual([2, 2, 1, 1, 1, 1]);
    expect(server.requests.every((r) => ['GET', 'HEAD'].includes(r.method))).toBe(true);
  });

  it('fails, critical, an API that trusts X-User-Id: anonymously, and with a token for someone else', async () => {
    // "Only our frontend sets X-User-Id."
    const server = await ordersApi(async (req) => (req.headers['x-user-id'] as string | undefined) ?? (await userOf(req.headers)));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    const anonymous = about(findings, /refuses an anonymous call/);
    expect(anonymous.status).toBe('fail');
    expect(anonymous.severity).toBe('critical');
    expect(anonymous.message).toMatch(/answered 200 to X-User-Id: 1 when it carried a spoofed header/);
    expect(anonymous.reproduce).toMatch(/-H 'X-User-Id: 1'/);
    expect(anonymous.reproduce).not.toMatch(/Authorization/);
    const withToken = about(findings, /with valid credentials/);
    expect(withToken.status).toBe('fail');
    expect(withToken.severity).toBe('critical');
    expect(withToken.message).toMatch(/adding X-User-Id: 1 changed what GET \/api\/orders returns \(data\.length was 2, now 0/);
    expect(withToken.evidence).toHaveLength(2);
    expect(withToken.reproduce).toMatch(/X-User-Id: 1/);
  });

  it('fails an API that lets "internal" callers (X-Forwarded-For: 127.0.0.1) skip auth', async () => {
    // "Calls from inside skip auth."
    const server = await ordersApi(async (req) => (req.headers['x-forwarded-for'] === '127.0.0.1' ? 'u_alice' : await userOf(req.headers)));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    const anonymous = about(findings, /refuses an anonymous call/);
    expect(anonymous.status).toBe('fail');
    expect(anonymous.data?.accepted).toEqual(['X-Forwarded-For: 127.0.0.1']);
    expect(about(findings, /with valid credentials/).status).toBe('pass');
  });

  it('fails an API that authorises the request line but routes by X-Original-URL', async () => {
    const route = async (path: string, req: IncomingMessage): Promise<{ status: number; body: unknown }> => {
      if (path === '/health') return { status: 200, body: { status: 'ok' } };
      if (path === '/api/orders') return { status: 200, body: ordersOf((await userOf(req.headers)) ?? 'u_alice') };
      return { status: 404, body: { error: 'not_found' } };
    };
    const server = await startServer(async (req, res) => {
      // The "edge" checks the path on the request line; the app routes by the rewrite header.
      if (req.url !== '/health' && !(await userOf(req.headers))) return json(res, 401, { error: 'unauthorized' });
      const answer = await route((req.headers['x-original-url'] as string | undefined) ?? req.url ?? '/', req);
      json(res, answer.status, answer.body);
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    const override = about(findings, /X-Original-URL/);
    expect(override.status).toBe('fail');
    expect(override.message).toMatch(/^GET \/health with X-Original-URL: \/api\/orders answered 200 with \/api\/orders's content to an anonymous caller/);
    expect(override.reproduce).toMatch(/\/health' -H 'X-Original-URL: \/api\/orders'/);
  });

  it('fails an API whose auth rule covers GET but not HEAD', async () => {
    const server = await startServer(async (req, res) => {
      if (req.url === '/health') return json(res, 200, { status: 'ok' });
      if (req.method === 'GET' && !(await userOf(req.headers))) return json(res, 401, { error: 'unauthorized' });
      json(res, 200, ordersOf('u_alice'));
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    const head = about(findings, /HEAD/);
    expect(head.status).toBe('fail');
    expect(head.message).toMatch(/answered an anonymous HEAD with 200 to HEAD with X-HTTP-Method-Override: GET and 200 to a plain HEAD: the auth rule covers GET only/);
    expect(server.requests.filter((r) => r.headers['x-http-method-override']).map((r) => `${r.method} ${r.headers['x-http-method-override']}`)).toEqual(['HEAD GET']);
  });

  it('skips write endpoints without allowWrites, sending nothing that could change state', async () => {
    const server = await startServer((_req, res) => json(res, 401, { error: 'unauthorized' }));
    closers.push(server.close);
    const target = await targetFor(server.url, `auth:\n  headers: { Authorization: "Bearer ${token}" }\nendpoints:\n  - { method: POST, path: /api/orders, body: { sku: A1 } }\n`);
    const { findings } = await runCheck(check, target);
    expect(statuses(findings)).toEqual(['skip']);
    expect(server.requests).toHaveLength(0);
  });
});
