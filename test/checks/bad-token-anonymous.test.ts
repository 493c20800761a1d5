// Class 4 of issue 28: a server that treats a bad token as anonymous. No credentials, an empty
// Authorization, a malformed token, the wrong scheme and forged JWTs all get the same 200 with an
// empty, permission-filtered result (plus a timing field that changes per request). Before: a
// timing or page number that happened to equal the authenticated answer's read as "data", so the
// verdict was a fail in one run and a warn in the next. After: one stable warn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import authAnonymous from '../../checks/auth-anonymous.js';
import { byVerdict } from '../helpers/check-tester.js';
import { sameEveryRun, verdictIds } from '../helpers/repeat.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const TOKEN = 'Bearer real-token-1234';
const config = `
auth:
  headers: { Authorization: "${TOKEN}" }
endpoints:
  - { path: /api/search, query: { q: report } }
limits: { requestsPerSecond: 1000 }
`;

let calls = 0;
let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    // The timing cycles 1, 2, 3: an anonymous answer's often equals the authenticated one's.
    const took_ms = (calls++ % 3) + 1;
    const results = req.headers.authorization === TOKEN ? [{ id: 'doc_1', title: 'Quarterly report', owner: 'alice' }] : [];
    json(res, 200, { results, page: 1, took_ms });
  });
});
afterAll(() => server.close());

describe('bad credentials treated as anonymous', () => {
  it('is one warn, badCredentialsAsAnonymous, the same in every run', async () => {
    for (let round = 0; round < 2; round++) {
      const findings = await sameEveryRun(authAnonymous, server, config);
      expect(verdictIds(findings)).toEqual(['badCredentialsAsAnonymous']);
      const anonymous = byVerdict(findings, 'badCredentialsAsAnonymous');
      expect(anonymous.status).toBe('warn');
      expect(anonymous.data?.names).toMatch(/^an empty Authorization header, /);
    }
  });

  it("an anonymous answer that holds the authenticated user's records is still open (a fail)", async () => {
    const open = await startServer((_req, res) => json(res, 200, { results: [{ id: 'doc_1', title: 'Quarterly report' }], page: 1 }));
    try {
      expect(verdictIds(await sameEveryRun(authAnonymous, open, config))).toEqual(['open']);
    } finally {
      await open.close();
    }
  });
});
