import { afterEach, describe, expect, it } from 'vitest';
import { startBrokenApi } from '../../src/demo/broken.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import { demoEnv, type RunningServer } from '../../src/demo/common.js';
import { isWriteMethod, methodOverrideValue } from '../../src/http/methods.js';
import type { ItemReport } from '../../src/report/types.js';
import { runAudit } from '../../src/runner/run.js';
import { demoTarget } from '../helpers/demo.js';

/** Audits a demo API on the default-deny item, recording every request the server really got. */
async function audit(api: RunningServer, overrides: { allowWrites?: boolean } = {}) {
  const seen: Array<{ method: string; url: string; override?: string }> = [];
  api.server.on('request', (req) => {
    const override = methodOverrideValue(req.headers as Record<string, string>);
    seen.push({ method: req.method ?? '', url: req.url ?? '', ...(override ? { override } : {}) });
  });
  const target = await demoTarget(api.url);
  if (overrides.allowWrites !== undefined) target.allowWrites = overrides.allowWrites;
  const report = await runAudit(target, { only: ['default-deny'] });
  const item = report.items.find((i) => i.id === 'default-deny') as ItemReport;
  return { report, item, seen };
}

describe('default-deny on the demo APIs', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('the broken API: the open admin endpoint and the trusted X-User-Id are critical failures with evidence and curl lines', async () => {
    const api = await startBrokenApi({ slowMs: 20 });
    closers.push(api.close);
    const { report, item } = await audit(api);
    expect(item.status).toBe('fail');
    expect(report.gate.passed).toBe(false);

    const admin = item.findings.find((f) => f.checkId === 'admin-surface' && f.endpoint === 'GET /admin')!;
    expect(admin).toMatchObject({ id: 'admin-surface/exposed', status: 'fail', severity: 'critical', data: { status: 200 } });
    expect(admin.evidence[0]!.status).toBe(200);
    expect(admin.reproduce).toMatch(/^curl -sS -i 'http:\/\/127\.0\.0\.1:\d+\/admin'$/);

    const onOrders = (id: string) => item.findings.find((f) => f.id === id && f.endpoint === 'GET /api/orders')!;
    const anonymous = onOrders('auth-spoofing/spoofAccepted');
    const withToken = onOrders('auth-spoofing/identityChanged');
    for (const finding of [anonymous, withToken]) {
      expect(finding.data?.accepted).toEqual(['X-User-Id: 1']);
      expect(finding.severity).toBe('critical');
      expect(finding.evidence.length).toBeGreaterThan(0);
      expect(finding.reproduce).toMatch(/^curl .*\/api\/orders' .*-H 'X-User-Id: 1'/);
    }
    expect(anonymous.reproduce).not.toMatch(/Authorization/);
    // The token in the curl line is the configured credential (a JWT from ${DEMO_TOKEN}): named by its variable, never printed.
    expect(withToken.reproduce).toMatch(/-H 'Authorization: Bearer '"\$\{DEMO_TOKEN\}"/);
    expect(JSON.stringify(report)).not.toContain(demoEnv(api.url).DEMO_TOKEN!);
    expect(JSON.stringify(report)).not.toContain(demoEnv(api.url).DEMO_OTHER_TOKEN!);

    const forgotten = item.findings.find((f) => f.checkId === 'auth-anonymous' && f.endpoint === 'GET /api/reports/summary')!;
    expect(forgotten).toMatchObject({ id: 'auth-anonymous/open', status: 'fail', severity: 'critical' });
  });

  it('the fixed API passes', async () => {
    const api = await startFixedApi();
    closers.push(api.close);
    const { item } = await audit(api);
    const notPassing = item.findings.filter((f) => f.status !== 'pass').map((f) => `${f.checkId} ${f.endpoint} ${f.status}: ${f.message}`);
    expect(notPassing).toEqual([]);
    expect(item.status).toBe('pass');
    expect(item.score).toBe(100);
  });

  it('sends no state-changing request without allowWrites', async () => {
    for (const start of [() => startBrokenApi({ slowMs: 20 }), startFixedApi]) {
      const api = await start();
      closers.push(api.close);
      const { seen, item } = await audit(api, { allowWrites: false });
      expect(seen.length).toBeGreaterThan(100);
      expect(seen.filter((r) => isWriteMethod(r.method) || (r.override && isWriteMethod(r.override)))).toEqual([]);
      // OPTIONS: the cors check's preflight, a safe method like GET and HEAD.
      expect(new Set(seen.map((r) => r.method))).toEqual(new Set(['GET', 'HEAD', 'OPTIONS']));
      // The write endpoints are skipped with the reason, not silently dropped.
      expect(
        item.findings
          .filter((f) => f.endpoint.startsWith('POST '))
          .every((f) => f.id.endsWith('/notOptedIn') && f.status === 'skip' && /allowWrites/.test(String(f.data?.reason))),
      ).toBe(true);
    }
  });
});
