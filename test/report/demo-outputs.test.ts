// `preflight demo --output …` writes every format for both demo APIs, from real audits with every
// check: the JSON validates against the report schema, the JUnit parses, the Markdown has the
// checklist, and the HTML (with latency charts from the real latency check) renders cleanly in Chromium.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJunit } from 'junit2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFindings } from '../../src/report/common.js';
import { loadReportFile } from '../../src/report/load.js';
import type { Report } from '../../src/report/types.js';
import { inkOf, launchChromium, openPage } from '../helpers/browser.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { sarifValidator } from '../helpers/sarif-schema.js';

describe('preflight demo --output', () => {
  let dir: string;
  let run: CliResult;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-demo-out-'));
    run = await runCli(
      [
        'demo',
        '--no-progress',
        '--no-color',
        '--output',
        'demo.html',
        '--output',
        'demo.md',
        '--output',
        'demo.xml',
        '--output',
        'demo.json',
        '--output',
        'demo.sarif',
      ],
      { cwd: dir },
    );
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one file per API and format, and says where', () => {
    expect(run.code, run.stderr).toBe(0);
    for (const api of ['broken', 'fixed'])
      for (const ext of ['html', 'md', 'xml', 'json', 'sarif'])
        expect(existsSync(join(dir, `demo-${api}.${ext}`)), `demo-${api}.${ext}`).toBe(true);
    expect(run.stdout).toContain(
      `Reports written: demo-broken.html, demo-broken.md, demo-broken.xml, demo-broken.json, demo-broken.sarif, demo-fixed.html`,
    );
  });

  it('every format tells the same story as the JSON', async () => {
    for (const api of ['broken', 'fixed']) {
      const report: Report = await loadReportFile(`demo-${api}.json`, dir);
      const junit = (await parseJunit(readFileSync(join(dir, `demo-${api}.xml`), 'utf8'))) as {
        tests: number;
        failures: number;
        testsuite: unknown[];
      };
      const findings = allFindings(report);
      const fails = findings.filter((f) => f.status === 'fail').length;
      expect(junit.testsuite).toHaveLength(10);
      expect(junit.failures).toBe(fails + (report.gate.passed ? 0 : 1));
      const md = readFileSync(join(dir, `demo-${api}.md`), 'utf8');
      expect(md).toContain(`**Score ${report.score}/100 · grade ${report.grade}`);
      expect(md.split('\n').filter((line) => /^\| [1-8] \|/.test(line))).toHaveLength(8);
    }
  });

  it("the broken API's SARIF is valid SARIF 2.1.0 and its rule ids are the findings' ids", async () => {
    const report = await loadReportFile('demo-broken.json', dir);
    const sarif = JSON.parse(readFileSync(join(dir, 'demo-broken.sarif'), 'utf8')) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number }> }>;
    };
    expect(sarifValidator()(sarif)).toEqual({ valid: true, errors: [] });
    const { rules } = sarif.runs[0]!.tool.driver;
    const results = sarif.runs[0]!.results;
    const failing = allFindings(report).filter((f) => f.status === 'fail' || f.status === 'warn' || f.status === 'waived');
    expect(results.map((r) => r.ruleId).sort()).toEqual(failing.map((f) => f.id).sort());
    for (const result of results) expect(rules[result.ruleIndex]?.id, result.ruleId).toBe(result.ruleId);
  });

  it('the broken API report renders in Chromium: not blank, no console error, latency charts drawn', async () => {
    const report = await loadReportFile('demo-broken.json', dir);
    const timed = allFindings(report).filter((f) => Array.isArray((f.data?.latency as { samplesMs?: unknown } | undefined)?.samplesMs));
    expect(timed.length, 'the latency check recorded samples').toBeGreaterThan(0);
    const browser = await launchChromium();
    try {
      const url = `file://${join(dir, 'demo-broken.html')}`;
      const { page, problems } = await openPage(browser, url);
      expect(inkOf(await page.screenshot()).ink).toBeGreaterThan(0.05);
      expect(await page.locator('svg.hist').count()).toBeGreaterThan(0);
      expect(await page.locator('section.item').count()).toBe(9);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
