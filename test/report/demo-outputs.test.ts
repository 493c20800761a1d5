// `preflight demo --output …` writes every format for both demo APIs, from real audits with every
// check: the JSON validates against the report schema, the JUnit parses, the Markdown has the
// checklist, and the HTML (with latency charts from the real latency check) renders cleanly in Chromium.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJunit } from 'junit2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFindings, needsAttention } from '../../src/report/common.js';
import { loadReportFile } from '../../src/report/load.js';
import { markdownHead, renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/types.js';
import { inkOf, launchChromium, openPage } from '../helpers/browser.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { item } from '../helpers/demo.js';
import { sarifValidator } from '../helpers/sarif-schema.js';
import { fixtureReport } from './fixture.js';

const GITHUB_LIMIT = 65_536;

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

  // What the demo must show, read from the reports of this one run (test/demo/demo.test.ts audited both APIs again for it).
  it('scores the broken API below the fixed one, and only the fixed one passes the gate', async () => {
    const broken = await loadReportFile('demo-broken.json', dir);
    const fixed = await loadReportFile('demo-fixed.json', dir);
    expect(broken.score).not.toBeNull();
    expect(fixed.score).not.toBeNull();
    expect(broken.score!).toBeLessThan(fixed.score!);
    expect(broken.gate.passed).toBe(false);
    expect(fixed.gate.passed, fixed.gate.reasons.join('; ')).toBe(true);
  });

  it('fails the broken API on request ids and passes the fixed one', async () => {
    expect(item(await loadReportFile('demo-broken.json', dir), 'request-id').status).toBe('fail');
    expect(item(await loadReportFile('demo-fixed.json', dir), 'request-id').status).toBe('pass');
  });

  it('decides every checklist item that has checks on the fixed API (nothing left as error)', async () => {
    const errors = allFindings(await loadReportFile('demo-fixed.json', dir)).filter((f) => f.status === 'error');
    expect(errors.map((f) => `${f.checkId} ${f.endpoint}: ${f.message}`)).toEqual([]);
  });

  // Markdown for GitHub under a character cap, on the broken demo's report of this run (test/report/markdown-capped.test.ts audited it again):
  // the job summary (GITHUB_STEP_SUMMARY) and `--format markdown --max-chars N` stay under the cap with the
  // verdict and checklist first, then failures by weight, then how many more.
  it("the broken demo's job summary stays under 65,536 characters: verdict, checklist, heaviest failures, how many more", async () => {
    const saved = join(dir, 'demo-broken.json');
    const report = await loadReportFile('demo-broken.json', dir);
    expect(renderMarkdown(report).length, 'the full report is over the limit, so the cap matters').toBeGreaterThan(GITHUB_LIMIT);
    const summary = join(dir, 'summary.md');
    const summarized = await runCli(['report', saved, '--quiet'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(summarized.code).toBe(1);
    const md = readFileSync(summary, 'utf8');
    process.stdout.write(`broken demo job summary: ${md.length} characters (full Markdown ${renderMarkdown(report).length})\n`);
    expect(md.length).toBeLessThan(GITHUB_LIMIT);
    expect(md.length).toBeGreaterThan(GITHUB_LIMIT * 0.8);
    expect(md.indexOf('**Score')).toBeLessThan(md.indexOf('## Checklist'));
    expect(md.split('\n').filter((line) => /^\| [1-9] \|/.test(line))).toHaveLength(9);
    const total = allFindings(report).filter(needsAttention).length;
    const more = /\n(\d+) more findings? in the HTML\/JSON artifact\.\n/.exec(md);
    expect(more).not.toBeNull();
    const shown = md.split('\n').filter((line) => /^- [✗!▲] `/.test(line));
    expect(shown.length + Number(more![1])).toBe(total);
    // Heaviest first: severities never go up along the list.
    const weights = shown.map(
      (line) => ({ critical: 10, high: 5, medium: 2, low: 1 })[/\[(critical|high|medium|low)\]/.exec(line)![1] as 'critical'],
    );
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
  });

  it('--format markdown --max-chars N caps stdout; a report that fits is printed whole', async () => {
    const capped = await runCli(['report', join(dir, 'demo-broken.json'), '--format', 'markdown', '--max-chars', '20000']);
    expect(capped.stdout.length).toBeLessThanOrEqual(20_000);
    expect(capped.stdout).toMatch(/more findings? in the HTML\/JSON artifact/);
    const small = join(dir, 'small.json');
    writeFileSync(small, JSON.stringify(fixtureReport()));
    const whole = await runCli(['report', small, '--format', 'markdown', '--max-chars', '1000000']);
    expect(whole.stdout).toBe(renderMarkdown(fixtureReport()));
    expect((await runCli(['report', small, '--format', 'markdown', '--max-chars', 'lots'])).code).toBe(2);
  });

  it('a cap that leaves no room for one failure has no empty "What to fix" heading', async () => {
    const report = await loadReportFile('demo-broken.json', dir);
    // Room for the verdict, the checklist and the closing line, not for the smallest failure block.
    const cap = markdownHead(report).join('\n').length + 150;
    const tiny = await runCli(['report', join(dir, 'demo-broken.json'), '--format', 'markdown', '--max-chars', String(cap)]);
    expect(tiny.stdout.length).toBeLessThanOrEqual(cap);
    const headings = tiny.stdout.split('\n').filter((line) => line.startsWith('## '));
    // Every heading has something under it before the next one or the end.
    for (const heading of headings) {
      const after = tiny.stdout.slice(tiny.stdout.indexOf(heading) + heading.length).split(/^## /m)[0]!;
      expect(after.trim(), heading).not.toBe('');
    }
    expect(tiny.stdout).not.toContain('What to fix');
    expect(tiny.stdout).toMatch(/\d+ findings to fix, too long for this page, in the HTML\/JSON artifact\.\n$/);
  });
});
