// Class 3 of issue 28: what the user allow-listed is theirs to decide. A metrics service whose
// product is /metrics lists it in publicPaths; before, default-deny failed the allow-list
// (adminAllowed, fail); now it is a warn that asks to confirm or waive, the same every run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import adminSurface from '../../checks/admin-surface.js';
import defaultDeny from '../../checks/default-deny.js';
import { sameEveryRun, verdictIds } from '../helpers/repeat.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const TOKEN = 'Bearer metrics-token';
const config = `
auth:
  headers: { Authorization: "${TOKEN}" }
publicPaths: [/health, /metrics]
endpoints:
  - { path: /api/v1/series }
limits: { requestsPerSecond: 1000 }
`;

/** A metrics service: /metrics and /health are public on purpose, everything else refuses anonymous callers. */
let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/health') return json(res, 200, { status: 'ok' });
    if (req.url === '/metrics') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('up 1\n');
    if (req.headers.authorization !== TOKEN) return json(res, 401, { error: 'unauthorized' });
    if (req.url === '/api/v1/series') return json(res, 200, { data: [] });
    json(res, 404, { error: 'not found' });
  });
});
afterAll(() => server.close());

describe('an allow-listed path that looks internal', () => {
  it('is a warn asking to confirm or waive, not a fail, every run', async () => {
    const findings = await sameEveryRun(defaultDeny, server, config);
    const allowList = findings.find((finding) => finding.key.includes('allow-list'));
    expect(allowList?.id).toBe('default-deny/adminAllowed');
    expect(allowList?.status).toBe('warn');
    expect(allowList?.data?.adminLooking).toEqual(['/metrics']);
    expect(findings.filter((finding) => finding.status === 'fail')).toEqual([]);
  });

  it('admin-surface leaves the allow-listed /metrics alone', async () => {
    const findings = await sameEveryRun(adminSurface, server, config);
    expect(verdictIds(findings)).toEqual(['noneFound']);
  });
});
