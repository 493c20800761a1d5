// Class 2 of issue 28: a comparison needs a stable baseline. A notebook-like server gives every
// cell a fresh random id on each read; an anonymous-token session gets a random user name per
// request. Two plain reads of the same URL already differ, so comparing a spoofed (or another
// identity's) answer with them decides nothing. Before: auth-spoofing failed critically
// (identityChanged) and cross-user passed (readOwnObject, listSeparate) on ids that never repeat.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import authSpoofing from '../../checks/auth-spoofing.js';
import crossUser from '../../checks/cross-user.js';
import idempotency from '../../checks/idempotency.js';
import { sameEveryRun } from '../helpers/repeat.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const TOKENS = new Set(['Bearer main-token-1234', 'Bearer other-token-5678']);
const config = `
auth:
  headers: { Authorization: "Bearer main-token-1234" }
  identities:
    other: { headers: { Authorization: "Bearer other-token-5678" } }
endpoints:
  - { path: /api/cells, kind: list }
  - { path: "/api/cells/{id}", params: { id: c1 } }
  - { path: /api/session }
limits: { requestsPerSecond: 1000 }
`;

/** Every read mints new cell ids and a new anonymous user name; what the cells hold never changes. */
let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (!TOKENS.has(req.headers.authorization ?? '')) return json(res, 401, { error: 'unauthorized' });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/api/cells') return json(res, 200, { items: ['x = 1', 'print(x)'].map((source) => ({ id: randomUUID(), source })) });
    if (path.startsWith('/api/cells/')) return json(res, 200, { id: randomUUID(), source: 'x = 1' });
    if (path === '/api/session') return json(res, 200, { user: { name: `anonymous-${randomUUID().slice(0, 8)}` }, kernel: 'python3' });
    json(res, 404, { error: 'not found' });
  });
});
afterAll(() => server.close());

const identityFindings = (findings: Awaited<ReturnType<typeof sameEveryRun>>) =>
  findings.filter((finding) => finding.key.startsWith('auth-spoofing/identity'));

describe('two plain reads that already differ', () => {
  it('auth-spoofing: the spoofed-identity comparison is undecided on every endpoint, never a critical, every run', async () => {
    const findings = identityFindings(await sameEveryRun(authSpoofing, server, config));
    expect(findings.map((finding) => [finding.endpoint, finding.id, finding.status])).toEqual([
      ['GET /api/cells', 'auth-spoofing/identityUndecided', 'error'],
      ['GET /api/cells/{id}', 'auth-spoofing/identityUndecided', 'error'],
      ['GET /api/session', 'auth-spoofing/identityUndecided', 'error'],
    ]);
    expect(findings.find((finding) => finding.endpoint === 'GET /api/session')!.data?.drift).toMatch(
      /^the first read had user\.name=anonymous-\w+, the second user\.name=anonymous-\w+ instead$/,
    );
  });

  it('cross-user: reads and lists by another identity are undecided, not passes on ids that never repeat, every run', async () => {
    const findings = await sameEveryRun(crossUser, server, config);
    const byId = (id: string) => findings.filter((finding) => finding.id === `cross-user/${id}`);
    expect(byId('listUndecided')).toHaveLength(1);
    expect(byId('readUndecided').map((finding) => finding.key)).toEqual(['cross-user/read@GET /api/cells/{id}#other configured']);
    expect(findings.filter((finding) => finding.status === 'pass' && /read|list/.test(finding.key))).toEqual([]);
  });
});

/** Honours Idempotency-Key (one order per key), but its list renders every order with a fresh id on each read. */
const keyedStore = () => {
  const byKey = new Map<string, { id: string; sku: string; qty: number }>();
  return startServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    if (req.method === 'POST') {
      const key = String(req.headers['idempotency-key'] ?? randomUUID());
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { sku: string; qty: number };
      const known = byKey.get(key);
      if (known && (known.sku !== body.sku || known.qty !== body.qty)) return json(res, 422, { error: { code: 'key_reused' } });
      const order = known ?? { id: `ord_${byKey.size + 1}`, ...body };
      byKey.set(key, order);
      return json(res, 201, order);
    }
    json(res, 200, { data: [...new Set(byKey.values())].map((order) => ({ ...order, id: randomUUID() })), next_cursor: null });
  });
};

describe('a verify list whose ids change on every read', () => {
  it('idempotency does not count fresh ids as duplicates: the replay stands on its other evidence, every run', async () => {
    const config = `
endpoints:
  - { method: GET, path: /api/orders, kind: list, pagination: { dataField: data, cursorField: next_cursor, maxLimit: 100 } }
  - { method: POST, path: /api/orders, kind: write, body: { sku: A1, qty: 1 } }
allowWrites: true
idempotency: { verify: "GET /api/orders" }
limits: { requestsPerSecond: 1000 }
`;
    const findings = await sameEveryRun(idempotency, keyedStore, config);
    expect(findings.filter((finding) => finding.status === 'fail').map((finding) => finding.id)).toEqual([]);
    const pair = findings.find((finding) => finding.id.startsWith('idempotency/pair'));
    expect(pair?.data?.notCounted).toMatch(/^GET \/api\/orders could not be counted: the plain answers differ between reads/);
  });
});
