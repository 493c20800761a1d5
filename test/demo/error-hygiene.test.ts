import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokenApi } from '../../src/demo/broken.js';
import type { RunningServer } from '../../src/demo/common.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import type { Report } from '../../src/report/types.js';
import { auditDemo, item } from '../helpers/demo.js';

// auditDemo loads src/demo/config.ts's DEMO_CONFIG with DEMO_BASE_URL set to the server, as `preflight demo` does.
const audit = (server: RunningServer): Promise<Report> => auditDemo(server, { only: ['error-hygiene'] });
const itemOf = (report: Report) => item(report, 'error-hygiene');

describe('error hygiene on the demo APIs', () => {
  let broken: RunningServer;
  let fixed: RunningServer;
  let brokenReport: Report;
  let fixedReport: Report;
  beforeAll(async () => {
    broken = await startBrokenApi({ slowMs: 50 });
    fixed = await startFixedApi();
    [brokenReport, fixedReport] = await Promise.all([audit(broken), audit(fixed)]);
  }, 60_000);
  afterAll(async () => {
    await broken?.close();
    await fixed?.close();
  });

  it('fails the broken API, naming the leaked stack trace and SQL error with evidence', () => {
    const hygiene = itemOf(brokenReport);
    expect(hygiene.status).toBe('fail');
    const leaks = hygiene.findings.filter((f) => f.checkId === 'error-leaks' && f.status === 'fail');
    const stack = leaks.find((f) => f.data?.signature === 'node-stack' && f.endpoint === 'GET /api/orders')!;
    expect(stack.id).toBe('error-leaks/leaked');
    expect(stack.data?.response).toMatch(/^GET \/api\/orders\?limit=\S+ → 500$/);
    expect(stack.data?.excerpt).toMatch(/at Parser\.parseErrorMessage \(\/srv\/orders-api\/node_modules\/pg-protocol/);
    expect(stack.evidence[0]!.status).toBe(500);
    expect(stack.evidence[0]!.responseBodyExcerpt).toContain('pg-protocol');
    const sql = leaks.find((f) => f.data?.signature === 'postgres-error' && f.endpoint === 'GET /api/orders')!;
    expect(sql.data?.excerpt).toMatch(/invalid input syntax for type integer/);
    expect(sql.evidence[0]!.status).toBe(500);
    const found = new Set(leaks.map((f) => f.data?.signature));
    for (const id of ['sql-statement', 'connection-string', 'server-version', 'x-powered-by']) expect(found).toContain(id);
    // The file paths and the database host are inside the stack frame and the connection string: named there, not twice.
    expect(stack.data?.alsoMatched).toContain('absolute-file-path');
    expect(leaks.find((f) => f.data?.signature === 'connection-string')!.data?.alsoMatched).toContain('internal-hostname');
    // The malformed JSON body leaks through POST too (the demo config allows writes on its own loopback server).
    expect(leaks.some((f) => f.endpoint === 'POST /api/orders' && f.data?.signature === 'node-stack')).toBe(true);
  });

  it('fails the broken API on malformed input, error shapes and the unknown /api route', () => {
    const byCheck = (id: string) => itemOf(brokenReport).findings.filter((f) => f.checkId === id);
    const inputs = byCheck('malformed-input').find((f) => f.endpoint === 'GET /api/orders' && f.id === 'malformed-input/inputsFailed')!;
    expect(inputs.data?.list).toMatch(/query limit=abc \(not a number\) → 500/);
    expect(byCheck('malformed-body').find((f) => f.endpoint === 'POST /api/orders')!.id).toBe('malformed-body/inputsFailed');
    const shape = byCheck('error-shape').find((f) => f.id === 'error-shape/manyShapes')!;
    expect(shape.data?.shapes).toEqual(
      expect.arrayContaining([expect.stringMatching(/^plain text/), expect.stringMatching(/^an HTML page/)]),
    );
    const unknownRoute = byCheck('unknown-route')[0]!;
    expect(unknownRoute.id).toBe('unknown-route/failed');
    expect(unknownRoute.data?.answers).toContain('GET /api/preflight-no-such-route-7f3a → 500');
  });

  it('passes the fixed API on every error-hygiene finding', () => {
    const hygiene = itemOf(fixedReport);
    const notPassing = hygiene.findings
      .filter((f) => f.status !== 'pass')
      .map((f) => `${f.checkId} ${f.endpoint} ${f.status}: ${f.message}`);
    expect(notPassing).toEqual([]);
    expect(hygiene.status).toBe('pass');
    expect(hygiene.findings.find((f) => f.id === 'error-shape/oneShape')!.data?.shape).toBe('{"error":{"code","message","request_id"}}');
  });
});
