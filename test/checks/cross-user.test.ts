import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect } from 'vitest';
import check from '../../checks/cross-user.js';
import { checkTester } from '../helpers/check-tester.js';
import { json, startServer } from '../helpers/servers.js';
import { LEAKED } from '../fixtures/leaked-secrets.js';

const USERS: Record<string, string> = { 'Bearer alice-token-1234': 'alice', 'Bearer bob-token-5678': 'bob' };

interface Order {
  id: string;
  owner: string;
  sku: string;
}

/** An orders API for two users; `scoped` decides whether it checks who owns what. */
function ordersApi(scoped: boolean, log: string[] = [], padFor?: string) {
  return () => {
    const orders = new Map<string, Order>([
      ['o1', { id: 'o1', owner: 'alice', sku: 'A1' }],
      ['o2', { id: 'o2', owner: 'alice', sku: 'B2' }],
      ['o3', { id: 'o3', owner: 'bob', sku: 'C3' }],
    ]);
    let next = 4;
    return startServer(async (req: IncomingMessage, res: ServerResponse) => {
      log.push(`${req.method} ${req.url}`);
      const user = USERS[req.headers.authorization ?? ''];
      if (!user) return json(res, 401, { error: 'unauthorized' });
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Partial<Order>) : {};
      const visible = (o: Order | undefined): o is Order => o !== undefined && (!scoped || o.owner === user);
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/orders' && req.method === 'GET') {
        // A page too large to read whole (cut at maxResponseBytes) for one user.
        const padding = user === padFor ? { note: 'x'.repeat(4096) } : {};
        return json(res, 200, { ...padding, data: [...orders.values()].filter(visible) });
      }
      if (url.pathname === '/api/orders' && req.method === 'POST') {
        const order = { id: `o${next++}`, owner: user, sku: String(body.sku ?? '') };
        orders.set(order.id, order);
        return json(res, 201, order);
      }
      const id = /^\/api\/orders\/([^/]+)$/.exec(url.pathname)?.[1];
      const order = id ? orders.get(id) : undefined;
      if (!visible(order)) return json(res, 404, { error: 'not found' });
      if (req.method === 'GET') return json(res, 200, order);
      if (req.method === 'DELETE') {
        orders.delete(order.id);
        res.writeHead(204);
        return res.end();
      }
      Object.assign(order, { sku: `${body.sku ?? ''}-edited-by-${user}` });
      return json(res, 200, order);
    });
  };
}

const config = (allowWrites: boolean): string => `
auth:
  headers: { Authorization: "Bearer alice-token-1234" }
  identities:
    other: { headers: { Authorization: "Bearer bob-token-5678" } }
allowWrites: ${allowWrites}
endpoints:
  - { path: /api/orders, kind: list }
  - { path: "/api/orders/{id}", params: { id: o1 } }
  - { method: POST, path: /api/orders, body: { sku: Z9 } }
`;

const readOnlyLog: string[] = [];

checkTester.run(check, {
  config: config(false),
  valid: [
    {
      name: 'scoped to the caller, read-only: no write is sent',
      server: ordersApi(true, readOnlyLog),
      verdicts: ['listSeparate', 'readRefused', { verdict: 'readRefused', data: { endpoint: 'GET /api/orders/o2' } }, 'writesNotAllowed'],
      assert: () => expect(readOnlyLog.filter((line) => !line.startsWith('GET '))).toEqual([]),
    },
    {
      name: 'scoped to the caller, with writes',
      config: config(true),
      server: ordersApi(true),
      verdicts: ['listSeparate', 'readRefused', 'readRefused', 'writeRefused', 'writeRefused', 'writeRefused', 'writeRefused', 'unchanged'],
      assert: (findings) => expect(findings.find((f) => f.id === 'cross-user/unchanged')!.data!.created).toMatch(/\/api\/orders\/o4$/),
    },
    {
      name: 'no second identity configured',
      config: 'auth:\n  headers: { Authorization: "Bearer alice-token-1234" }\nendpoints:\n  - { path: /api/orders, kind: list }\n',
      server: ordersApi(false),
      verdicts: ['noOtherIdentity'],
    },
  ],
  invalid: [
    {
      name: "another identity's list cut at maxResponseBytes is not read as an empty (separate) list",
      config: `${config(false)}limits: { maxResponseBytes: 1024 }\n`,
      server: ordersApi(false, [], 'bob'),
      verdicts: [
        { verdict: 'listTooLarge', data: { identity: 'other' } },
        // Unscoped, the main identity's list holds every order; unread lists leave each id to try by id.
        { verdict: 'readLeaked', data: { endpoint: 'GET /api/orders/o1', identity: 'other' } },
        { verdict: 'readLeaked', data: { endpoint: 'GET /api/orders/o2', identity: 'other' } },
        { verdict: 'readLeaked', data: { endpoint: 'GET /api/orders/o3', identity: 'other' } },
      ],
    },
    {
      name: 'leaks records across users by id and in lists (read-only)',
      server: ordersApi(false),
      verdicts: [
        // Unscoped, the main identity's list holds every order: the other lists them all.
        { verdict: 'listLeaked', data: { identity: 'other', ids: ['o1', 'o2', 'o3'] } },
        { verdict: 'readLeaked', data: { endpoint: 'GET /api/orders/o1', identity: 'other' } },
      ],
      assert: (findings) => expect(JSON.stringify(findings)).not.toContain('bob-token-5678'),
    },
    {
      name: 'lets another user read, change and delete what the main identity created',
      config: config(true),
      server: ordersApi(false),
      verdicts: [
        'listLeaked',
        'readLeaked',
        { verdict: 'writeAccepted', data: { method: 'GET', action: 'read' } },
        { verdict: 'writeAccepted', data: { method: 'PATCH' } },
        { verdict: 'writeAccepted', data: { method: 'PUT' } },
        { verdict: 'writeAccepted', data: { method: 'DELETE' } },
        'changed',
      ],
    },
  ],
});

/** Lists are scoped but a read by id is not: ids from the main identity's list are read as the other too. */
function scopedListsOnly(aliceIds = ['o1', 'o2']) {
  return () =>
    startServer((req, res) => {
      const user = USERS[req.headers.authorization ?? ''];
      if (!user) return json(res, 401, { error: 'unauthorized' });
      const mine = user === 'alice' ? aliceIds.map((id) => ({ id, sku: 'A1' })) : [{ id: 'o3', sku: 'C3' }];
      if (req.url === '/api/orders') return json(res, 200, { data: mine });
      const id = /^\/api\/orders\/([^/]+)$/.exec(req.url ?? '')?.[1];
      return id && [...aliceIds, 'o3'].includes(id) ? json(res, 200, { id, sku: 'any' }) : json(res, 404, {});
    });
}

checkTester.run(check, {
  config: config(false),
  valid: [],
  invalid: [
    {
      name: 'scoped lists, unscoped reads by id: ids seen in lists are tried',
      server: scopedListsOnly(),
      verdicts: [
        { verdict: 'readLeaked', data: { endpoint: 'GET /api/orders/o1' } },
        { verdict: 'readLeaked', data: { endpoint: 'GET /api/orders/o2' } },
      ],
    },
    {
      // The finding's key is built from the path read: it passes makeFinding's redactor like its data (issue 22).
      name: 'a listed id that is a credential is masked in the finding, its key included',
      server: scopedListsOnly(['o1', LEAKED.github]),
      verdicts: [
        { verdict: 'readLeaked', data: { endpoint: 'GET /api/orders/o1' } },
        { verdict: 'readLeaked', data: { endpoint: 'GET /api/orders/[GitHub token, 40 chars, ghp_…]' } },
      ],
      assert: (findings) => expect(JSON.stringify(findings)).not.toContain(LEAKED.github),
    },
  ],
});
