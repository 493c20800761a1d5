// Issue 21, held in the second review and kept so: nothing reaches another origin through discovery
// redirects, a spec's `servers`, a Link header or a next-page URL; the second identity's token and the
// tokens the audit forges (JWTs) appear in none of the outputs. (No ${{ }} in action.yml's run
// scripts is held in test/cli/action.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { auditEverything } from '../untrusted/audit.js';

const MAIN = 'main-token-0123456789abcdef';
const OTHER = 'other-token-9876543210fedcba';

describe('held: no request off the origin, no second-identity or forged token in any output', () => {
  let elsewhere: TestServer;
  let target: TestServer;
  beforeAll(async () => {
    elsewhere = await startServer((_req, res) =>
      json(res, 200, { openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: {}, data: [] }),
    );
    target = await startServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/openapi.json')
        return json(res, 200, {
          openapi: '3.0.3',
          info: { title: 't', version: '1' },
          servers: [{ url: `${elsewhere.url}/api` }],
          paths: { '/api/items': { get: { responses: { '200': { description: 'ok' } } } } },
        });
      if (path.startsWith('/swagger') || path.startsWith('/v3')) return json(res, 302, {}, { location: `${elsewhere.url}${path}` });
      if (path === '/health') return json(res, 200, { ok: true });
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${MAIN}` && auth !== `Bearer ${OTHER}`) return json(res, 401, { error: 'unauthorized' });
      if (path === '/api/items')
        return json(
          res,
          200,
          { data: [{ id: 'a' }], next: `${elsewhere.url}/api/items?cursor=2`, next_cursor: `${elsewhere.url}/api/items?cursor=2` },
          { link: `<${elsewhere.url}/api/items?page=2>; rel="next"` },
        );
      json(res, 200, { id: 'a', owner: auth === `Bearer ${MAIN}` ? 'main' : 'other' });
    });
  });
  afterAll(async () => {
    await target.close();
    await elsewhere.close();
  });

  it('sends nothing elsewhere, and no output holds the second token or a forged one', async () => {
    const out = await auditEverything(
      `target: { baseUrl: "${target.url}" }
auth:
  headers: { Authorization: "Bearer \${MAIN_TOKEN}" }
  identities:
    other: { headers: { Authorization: "Bearer \${OTHER_TOKEN}" } }
health: /health
endpoints:
  - { path: /api/items, kind: list, pagination: { cursorParam: cursor, cursorField: next_cursor, dataField: data } }
  - { path: "/api/items/{id}", params: { id: a } }
limits: { requestsPerSecond: 5000, maxRequests: 400 }
latency: { samples: 2 }
`,
      { MAIN_TOKEN: MAIN, OTHER_TOKEN: OTHER },
    );
    expect([0, 1], out.stderr).toContain(out.code);
    expect(elsewhere.requests).toEqual([]);
    // JWTs the audit signed itself (jwt-weak-secret forges them with guessed keys) are credentials too.
    const sent = new Set(
      target.requests
        .map((r) => /^Bearer (eyJ[\w-]+\.[\w-]+\.[\w-]*)$/.exec(String(r.headers.authorization ?? ''))?.[1])
        .filter((token): token is string => token !== undefined)
        // An alg "none" token is no credential (anyone can write one): the auth probes show theirs on purpose.
        .filter((token) => !/"alg":\s*"none"/i.test(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'))),
    );
    expect(sent.size).toBeGreaterThan(0);
    const outputs = [out.stdout, out.stderr, ...Object.values(out.files)];
    expect(outputs).toHaveLength(8);
    for (const text of outputs) {
      expect(text).not.toContain(OTHER);
      expect(text).not.toContain(MAIN);
      for (const token of sent) expect(text).not.toContain(token);
    }
  });
});
