// Markdown for GitHub: the job summary (GITHUB_STEP_SUMMARY) and `--format markdown --max-chars N`
// stay under the cap with the verdict and checklist first, then failures by weight, then how many more.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokenApi } from '../../src/demo/broken.js';
import type { RunningServer } from '../../src/demo/common.js';
import { needsAttention } from '../../src/report/common.js';
import { markdownHead, renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/types.js';
import { runCli } from '../helpers/cli.js';
import { auditDemo } from '../helpers/demo.js';
import { fixtureReport } from './fixture.js';

const GITHUB_LIMIT = 65_536;

describe('Markdown under a character cap', () => {
  let server: RunningServer;
  let report: Report;
  let dir: string;
  let saved: string;
  beforeAll(async () => {
    server = await startBrokenApi();
    report = await auditDemo(server);
    dir = mkdtempSync(join(tmpdir(), 'preflight-md-cap-'));
    saved = join(dir, 'broken.json');
    writeFileSync(saved, JSON.stringify(report));
  }, 120_000);
  afterAll(async () => server?.close());

  it("the broken demo's job summary stays under 65,536 characters: verdict, checklist, heaviest failures, how many more", async () => {
    expect(renderMarkdown(report).length, 'the full report is over the limit, so the cap matters').toBeGreaterThan(GITHUB_LIMIT);
    const summary = join(dir, 'summary.md');
    const run = await runCli(['report', saved, '--quiet'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(run.code).toBe(1);
    const md = readFileSync(summary, 'utf8');
    process.stdout.write(`broken demo job summary: ${md.length} characters (full Markdown ${renderMarkdown(report).length})\n`);
    expect(md.length).toBeLessThan(GITHUB_LIMIT);
    expect(md.length).toBeGreaterThan(GITHUB_LIMIT * 0.8);
    expect(md.indexOf('**Score')).toBeLessThan(md.indexOf('## Checklist'));
    expect(md.split('\n').filter((line) => /^\| [1-9] \|/.test(line))).toHaveLength(9);
    const total = report.items.flatMap((item) => item.findings).filter(needsAttention).length;
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
    const capped = await runCli(['report', saved, '--format', 'markdown', '--max-chars', '20000']);
    expect(capped.stdout.length).toBeLessThanOrEqual(20_000);
    expect(capped.stdout).toMatch(/more findings? in the HTML\/JSON artifact/);
    const small = join(dir, 'small.json');
    writeFileSync(small, JSON.stringify(fixtureReport()));
    const whole = await runCli(['report', small, '--format', 'markdown', '--max-chars', '1000000']);
    expect(whole.stdout).toBe(renderMarkdown(fixtureReport()));
    expect((await runCli(['report', small, '--format', 'markdown', '--max-chars', 'lots'])).code).toBe(2);
  });

  it('a cap that leaves no room for one failure has no empty "What to fix" heading', async () => {
    // Room for the verdict, the checklist and the closing line, not for the smallest failure block.
    const cap = markdownHead(report).join('\n').length + 150;
    const tiny = await runCli(['report', saved, '--format', 'markdown', '--max-chars', String(cap)]);
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
