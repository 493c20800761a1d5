import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../src/report/render.js';
import { runAudit } from '../../src/runner/run.js';
import { applyWaivers } from '../../src/scoring/score.js';
import type { Finding } from '../../src/types.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

const checksDir = join(import.meta.dirname, 'waiver-checks');

// /api/a and /api/b answer anonymous calls (fail), /api/c refuses them (pass).
const config = `
auth:
  headers: { Authorization: "Bearer waiver-test" }
endpoints:
  - { path: /api/a }
  - { path: /api/b }
  - { path: /api/c }
waivers:
  - { check: open-endpoint, endpoint: "get  /api/a", reason: "public by design until the v2 launch", expires: 2026-06-30 }
  - { check: default-deny, endpoint: "GET /api/b", reason: "only reachable over the VPN", expires: 2026-05-31 }
  - { check: open-endpoint, endpoint: "GET /api/gone", reason: "removed endpoint", expires: 2026-12-31 }
`;

describe('waivers, by check or item id, around a fixed clock', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => json(res, req.url === '/api/c' && !req.headers.authorization ? 401 : 200, {}));
  });
  afterAll(() => server.close());

  const audit = async (iso: string) => runAudit(await targetFor(server.url, config), { checksDir, now: () => new Date(iso) });
  const byEndpoint = (findings: Finding[]) => Object.fromEntries(findings.map((f) => [f.endpoint, f]));

  it('on the last day of a waiver, matching failures are waived with the reason; an unused waiver is a warning', async () => {
    const report = await audit('2026-05-31T23:59:59Z');
    const item = report.items.find((i) => i.id === 'default-deny')!;
    const f = byEndpoint(item.findings);
    expect(f['GET /api/a']).toMatchObject({
      status: 'waived',
      waiver: { reason: 'public by design until the v2 launch', expires: '2026-06-30' },
    });
    expect(f['GET /api/b']).toMatchObject({ status: 'waived', waiver: { reason: 'only reachable over the VPN', expires: '2026-05-31' } });
    expect(f['GET /api/c']!.status).toBe('pass');
    expect(report.notes).toEqual(['waiver for open-endpoint on GET /api/gone matched no failure; remove it if the problem is fixed']);
    // Waived critical failures do not fail the gate.
    expect(report.gate).toMatchObject({ passed: true });
    expect(item.status).toBe('waived');

    const md = await render(report, 'markdown', { color: false, verbose: true });
    expect(md).toContain('**waived until 2026-05-31:** only reachable over the VPN');
    const terminal = await render(report, 'terminal', { color: false, verbose: true });
    expect(terminal).toContain('waived until 2026-06-30: public by design until the v2 launch');
    expect(terminal).toContain('waiver for open-endpoint on GET /api/gone matched no failure');
  });

  it('the day after expiry the failure counts again and the expired waiver is named in a warning', async () => {
    const report = await audit('2026-06-01T00:00:00Z');
    const f = byEndpoint(report.items.find((i) => i.id === 'default-deny')!.findings);
    expect(f['GET /api/a']!.status).toBe('waived');
    expect(f['GET /api/b']!.status).toBe('fail');
    expect(f['GET /api/b']!.waiver).toBeUndefined();
    expect(report.notes).toContain(
      'waiver for default-deny on GET /api/b expired on 2026-05-31; its failures count again (renew it or fix them)',
    );
    expect(report.gate.passed).toBe(false);
    expect(report.gate.reasons.join()).toMatch(/critical failure: open-endpoint on GET \/api\/b/);
  });

  it('once both have lapsed, both failures count and both waivers are named', async () => {
    const report = await audit('2026-07-01T08:00:00Z');
    const f = byEndpoint(report.items.find((i) => i.id === 'default-deny')!.findings);
    expect([f['GET /api/a']!.status, f['GET /api/b']!.status]).toEqual(['fail', 'fail']);
    expect(report.notes.filter((n) => /expired/.test(n))).toHaveLength(2);
  });

  it('a renewed waiver beside the expired one wins; a waiver never touches a pass or a warning', () => {
    const finding = (status: Finding['status']): Finding => ({
      id: `open-endpoint/${status}`,
      key: 'open-endpoint/anonymous@GET /x',
      checkId: 'open-endpoint',
      item: 'default-deny',
      severity: 'critical',
      endpoint: 'GET /x',
      status,
      message: 'm',
      evidence: [],
    });
    const waivers = [
      { check: 'open-endpoint', endpoint: 'GET /x', reason: 'old', expires: '2026-01-31' },
      { check: 'default-deny', endpoint: 'GET /x', reason: 'renewed', expires: '2026-12-31' },
    ];
    const result = applyWaivers([finding('fail'), finding('warn'), finding('pass')], waivers, new Date('2026-03-01T00:00:00Z'));
    expect(result.findings.map((f) => f.status)).toEqual(['waived', 'warn', 'pass']);
    expect(result.findings[0]!.waiver!.reason).toBe('renewed');
    expect(result.notes).toEqual([
      'waiver for open-endpoint on GET /x expired on 2026-01-31; its failures count again (renew it or fix them)',
    ]);
  });

  it('a waiver may name one verdict of a check (check/verdict): only that outcome is waived', () => {
    const finding = (id: string): Finding => ({
      id,
      key: `${id}@GET /x`,
      checkId: 'auth-anonymous',
      item: 'default-deny',
      severity: 'critical',
      endpoint: 'GET /x',
      status: 'fail',
      message: 'm',
      evidence: [],
    });
    const waivers = [
      { check: 'auth-anonymous/emptyForAnonymous', endpoint: 'GET /x', reason: 'search is public by design', expires: '2026-12-31' },
    ];
    const result = applyWaivers(
      [finding('auth-anonymous/emptyForAnonymous'), finding('auth-anonymous/open')],
      waivers,
      new Date('2026-03-01T00:00:00Z'),
    );
    expect(result.findings.map((f) => [f.id, f.status])).toEqual([
      ['auth-anonymous/emptyForAnonymous', 'waived'],
      ['auth-anonymous/open', 'fail'],
    ]);
  });
});
