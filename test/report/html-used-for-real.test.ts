// Issue 26 (5, 6): the HTML report as a reader uses it. A real audit of a loopback API with long,
// unbroken paths renders in headless Chromium at 390 px without a horizontal scroll; the latency
// charts start at 0, draw the p95/p99 budget, fill the card on desktop, and list too few samples
// instead of drawing a histogram of them.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { histogram } from '../../src/report/html-charts.js';
import { latencyOf } from '../../src/report/latency.js';
import { render } from '../../src/report/render.js';
import type { Report } from '../../src/report/types.js';
import { runAudit } from '../../src/runner/run.js';
import type { Finding } from '../../src/types.js';
import { launchChromium, openPage, type Browser } from '../helpers/browser.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

const SEGMENT = 'deployments-and-environment-configuration-history-for-the-acme-corporation-international-platform';
const ID = `prj_${'9f3c2a7b'.repeat(12)}`;

const finding = (latency: Record<string, unknown>): Finding =>
  ({
    id: 'latency-percentiles/withinThresholds',
    endpoint: 'GET /x',
    checkId: 'latency-percentiles',
    status: 'pass',
    data: { latency },
  }) as unknown as Finding;

/** The x-axis labels (the row under the plot), left to right. */
const xAxis = (svg: string): string[] =>
  [...svg.matchAll(/<text class="axis" x="[\d.]+" y="220" [^>]*>([^<]+)<\/text>/g)].map((m) => m[1]!);

describe('latency charts that answer "how far over budget"', () => {
  const samplesMs = [1203, 1204, 1204, 1205, 1206, 1206, 1207, 1208];
  const series = latencyOf(finding({ samplesMs, p50: 1205, p95: 1208, p99: 1208, max: 1208, thresholds: { p95Ms: 500, p99Ms: 1000 } }))!;
  const svg = histogram(series, 'chart');

  it('the x-axis starts at 0: a tight cluster at 1200 ms is not drawn as spread', () => {
    expect(xAxis(svg)[0]).toBe('0 ms');
    // Every sample in one or two adjacent bars, not spread over the whole width.
    expect([...svg.matchAll(/class="hist-bar"/g)].length).toBeLessThanOrEqual(2);
  });

  it('draws the p95 and p99 budget as lines at their values', () => {
    const lines = [...svg.matchAll(/<line class="threshold t-(p95|p99)" data-ms="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(lines).toEqual([
      ['p95', 500],
      ['p99', 1000],
    ]);
  });

  it('a budget far beyond the samples is marked at the edge, not squeezing the chart', () => {
    const fast = latencyOf(finding({ samplesMs: [10, 11, 12, 12, 13, 14], thresholds: { p95Ms: 300, p99Ms: 800 } }))!;
    const chart = histogram(fast, 'chart');
    expect(chart).toContain('p95 budget 300 ms →');
    // The axis ends near the slowest sample (14 ms), not at 300 ms.
    expect(Number.parseFloat(xAxis(chart).at(-1)!)).toBeLessThanOrEqual(20);
  });

  it('too few samples: "n = 2 samples", no histogram', () => {
    const two = histogram(latencyOf(finding({ samplesMs: [12, 15] }))!, 'chart');
    expect(two).toMatch(/^<p class="few-samples" data-n="2">n = 2 samples: 12 ms, 15 ms; too few for a histogram<\/p>$/);
    expect(two).not.toContain('<svg');
  });

  it('a percentile never exceeds the max, in the report or from the sampler', async () => {
    const clamped = latencyOf(finding({ samplesMs: [30, 33], p50: 31, p95: 34, p99: 34, max: 33 }))!;
    expect([clamped.p95, clamped.p99, clamped.max]).toEqual([33, 33, 33]);
    const { summarize, formatMs } = await import('../../src/measure/percentiles.js');
    // HDR's bucket for 33.49 ms ends above it: p99 used to print as 34 ms with max 33 ms.
    const summary = await summarize(new Array(100).fill(33.49));
    expect(summary.p99).toBeLessThanOrEqual(summary.max);
    expect(formatMs(summary.p99)).toBe(formatMs(summary.max));
  });
});

describe('the HTML report of a target with long paths, in headless Chromium', () => {
  let api: TestServer;
  let page: TestServer;
  let browser: Browser;
  let report: Report;
  beforeAll(async () => {
    api = await startServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/health') return json(res, 200, { ok: true });
      if (path.includes(SEGMENT)) return json(res, 200, { id: ID, data: [{ id: ID }] });
      json(res, 404, { error: { code: 'not_found', message: `no route ${path}` } });
    });
    const target = await targetFor(
      api.url,
      `publicPaths: [/health]\nhealth: /health\nlatency: { samples: 8, maxSeconds: 2 }\nlimits: { requestsPerSecond: 200 }\nendpoints:\n  - { path: "/api/v1/projects/{id}/${SEGMENT}", params: { id: ${ID} } }\n  - { path: /api/v1/${SEGMENT}/${ID}/items, kind: list }\n`,
    );
    report = await runAudit(target, { only: ['latency', 'default-deny', 'request-id'] });
    const html = await render(report, 'html', { color: false, verbose: true });
    page = await startServer((req, res) => {
      res.writeHead(req.url === '/report.html' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.url === '/report.html' ? html : 'not here');
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await page?.close();
    await api?.close();
  });

  it('at 390 px nothing is wider than the screen: paths and tokens wrap in the checklist, findings and evidence', async () => {
    const { page: tab, problems } = await openPage(browser, `${page.url}/report.html`);
    await tab.setViewportSize({ width: 390, height: 844 });
    // Open every evidence block: request headers and URLs hold the long path too.
    await tab.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = true;
    });
    writeFileSync(join(tmpdir(), 'preflight-html-long-paths-390.png'), await tab.screenshot({ fullPage: false }));
    const widths = await tab.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
      // Elements whose right edge is past the screen (inside a scrolling box is fine: none here should need one).
      past: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && el.getClientRects().length)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 5),
    }));
    expect(JSON.stringify(report)).toContain(SEGMENT);
    expect(widths.past).toEqual([]);
    expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
    expect(problems).toEqual([]);
  });

  it('on desktop a latency chart uses the width of its card', async () => {
    const { page: tab } = await openPage(browser, `${page.url}/report.html`);
    await tab.setViewportSize({ width: 1280, height: 900 });
    const sizes = await tab.evaluate(() => {
      const svg = document.querySelector('.latency svg.hist')!;
      const card = svg.closest('.panel')!;
      const style = getComputedStyle(card);
      return {
        chart: svg.getBoundingClientRect().width,
        card: card.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight),
      };
    });
    expect(sizes.chart).toBeGreaterThan(700);
    expect(Math.abs(sizes.chart - sizes.card)).toBeLessThanOrEqual(1);
  });
});
