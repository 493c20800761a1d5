// Class 8 of issue 28: "can't tell" is undecided, never a warn or a fail. An empty list gives no
// items to page through; a list holding fewer items than the cap cannot show a missing cap; a health
// path refused anonymously but 404 with credentials does not exist, it does not "need credentials".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import healthEndpoint from '../../checks/health-endpoint.js';
import listLimitCap from '../../checks/list-limit-cap.js';
import listPagination from '../../checks/list-pagination.js';
import { byVerdict } from '../helpers/check-tester.js';
import { sameEveryRun, verdictIds } from '../helpers/repeat.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const AUTH = 'Bearer t0ken-for-tests';
const config = `
auth:
  headers: { Authorization: "${AUTH}" }
endpoints:
  - { path: /api/items, kind: list, pagination: { limitParam: limit, maxLimit: 100 } }
limits: { requestsPerSecond: 1000, timeoutMs: 2000 }
thresholds: { healthMs: 200 }
`;

/** A default-deny API with an empty list and no health endpoint: 401 to anyone without the token, 404 for unknown paths. */
let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers.authorization !== AUTH) return json(res, 401, { error: 'unauthorized' });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/items') return json(res, 200, { items: [] });
    json(res, 404, { error: 'not found' });
  });
});
afterAll(() => server.close());

describe("can't tell is undecided", () => {
  it('an empty list with no paging fields: list-pagination undecided (no items to page through), every run', async () => {
    const findings = await sameEveryRun(listPagination, server, config);
    expect(verdictIds(findings)).toEqual(['noItemsToPage']);
    expect(byVerdict(findings, 'noItemsToPage').status).toBe('error');
  });

  it('the same list: list-limit-cap cannot see a missing cap, undecided', async () => {
    const findings = await sameEveryRun(listLimitCap, server, config);
    expect(byVerdict(findings, 'capUnproven').status).toBe('error');
    expect(findings.every((finding) => finding.status !== 'warn' && finding.status !== 'fail')).toBe(true);
  });

  it('a health path that answers 401 anonymously and 404 with credentials does not exist: missing, not needsCredentials', async () => {
    const findings = await sameEveryRun(healthEndpoint, server, `${config}health: /health\n`);
    expect(verdictIds(findings)).toEqual(['missing']);
    expect(byVerdict(findings, 'missing').data?.tried).toEqual(['GET /health → 401', 'GET /health → 404 with credentials']);
  });

  it('without a configured path, the conventional paths behind auth are looked for the same way', async () => {
    const findings = await sameEveryRun(healthEndpoint, server, config);
    expect(verdictIds(findings)).toEqual(['missing']);
    expect(byVerdict(findings, 'missing').data?.tried).toHaveLength(8);
  });
});
