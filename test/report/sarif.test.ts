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

// Issue 21 item 6: message.text is rendered as Markdown by code-scanning UIs; target text in it is inert.
describe('SARIF message text from the target', () => {
  it('a served path with a Markdown link, an image and HTML stays literal; rule help stays the tool text', () => {
    const report = JSON.parse(JSON.stringify(fixtureReport()));
    const hostile = 'GET /x/[click here](https://evil.example/fix) ![i](https://evil.example/p.png) <img src=x> **bold** @octocat';
    for (const item of report.items) for (const f of item.findings) f.message = hostile;
    const sarif = JSON.parse(renderSarif(report));
    const results = sarif.runs[0].results as Array<{ message: { text: string } }>;
    expect(results.length).toBeGreaterThan(0);
    for (const { message } of results) {
      expect(message.text).toContain('\\[click here\\]');
      expect(message.text).toContain('`https://evil.example/fix`');
      expect(message.text).not.toMatch(/(?<!\\)\[[^\]]*\]\(/);
      expect(message.text).not.toMatch(/(?<!\\)<img/);
      expect(message.text).toContain('\\*\\*bold\\*\\*');
      expect(message.text).toContain('`@octocat`');
    }
    for (const rule of sarif.runs[0].tool.driver.rules) expect(JSON.stringify(rule)).not.toContain('evil.example');
  });
});
