import { describe, expect, it } from 'vitest';
import { renderSarif } from '../../src/report/sarif.js';
import { sarifValidator } from '../helpers/sarif-schema.js';
import { fixtureReport } from './fixture.js';

describe('SARIF 2.1.0 report', () => {
  const validate = sarifValidator();

  it('is valid against the OASIS schema, with one result per fail/warn/waived finding', () => {
    const report = fixtureReport();
    const sarif = JSON.parse(renderSarif(report)) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string }> } };
        results: Array<{ ruleId: string; ruleIndex: number; suppressions?: unknown[]; message: { text: string } }>;
      }>;
    };
    expect(validate(sarif)).toEqual({ valid: true, errors: [] });
    const run = sarif.runs[0]!;
    const findings = report.items.flatMap((i) => i.findings).filter((f) => ['fail', 'warn', 'waived'].includes(f.status));
    expect(run.results.map((r) => r.ruleId)).toEqual(findings.map((f) => f.id));
    expect(run.results.filter((r) => r.suppressions).length).toBe(findings.filter((f) => f.status === 'waived').length);
    expect(run.results[0]!.message.text).toContain('Reproduce: curl');
  });

  it('has a rule for every verdict of every check, and a result points at its own rule', () => {
    const report = fixtureReport();
    report.checks = report.checks.map((meta) => ({
      ...meta,
      verdicts: {
        capped: { status: 'pass', message: 'capped at {n}' },
        uncapped: { status: 'fail', message: 'not capped', severity: 'critical' },
      },
    }));
    const sarif = JSON.parse(renderSarif(report)) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string; properties: Record<string, unknown> }> } } }>;
    };
    const rules = sarif.runs[0]!.tool.driver.rules;
    expect(rules.map((r) => r.id)).toContain('list-limit-cap/uncapped');
    expect(rules.map((r) => r.id)).toContain('list-limit-cap/undecided');
    expect(rules.find((r) => r.id === 'request-id/uncapped')!.properties['security-severity']).toBe('9.5');
    expect(validate(sarif).valid).toBe(true);
  });
});
