import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokenApi } from '../../src/demo/broken.js';
import type { RunningServer } from '../../src/demo/common.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import type { Report } from '../../src/report/types.js';
import { auditDemo, item } from '../helpers/demo.js';

describe('the demo APIs, fully audited', () => {
  let broken: RunningServer;
  let fixed: RunningServer;
  let brokenReport: Report;
  let fixedReport: Report;
  beforeAll(async () => {
    broken = await startBrokenApi({ slowMs: 1100 });
    fixed = await startFixedApi();
    [brokenReport, fixedReport] = await Promise.all([auditDemo(broken), auditDemo(fixed)]);
  }, 120_000);
  afterAll(async () => {
    await broken?.close();
    await fixed?.close();
  });

  it('scores the broken API below the fixed one, and only the fixed one passes the gate', () => {
    expect(brokenReport.score).not.toBeNull();
    expect(fixedReport.score).not.toBeNull();
    expect(brokenReport.score!).toBeLessThan(fixedReport.score!);
    expect(brokenReport.gate.passed).toBe(false);
    expect(fixedReport.gate.passed, fixedReport.gate.reasons.join('; ')).toBe(true);
  });

  it('fails the broken API on request ids and passes the fixed one', () => {
    expect(item(brokenReport, 'request-id').status).toBe('fail');
    expect(item(fixedReport, 'request-id').status).toBe('pass');
  });

  it('decides every checklist item that has checks on the fixed API (nothing left as error)', () => {
    const errors = fixedReport.items.flatMap((i) => i.findings).filter((f) => f.status === 'error');
    expect(errors.map((f) => `${f.checkId} ${f.endpoint}: ${f.message}`)).toEqual([]);
  });
});
