// The HTML report in a real browser: headless Chromium (found by test/setup/chromium.ts; .ci/run
// installs Debian's when missing) driven by playwright-core. The page must render something, log no console error,
// request nothing but itself, and its copy buttons and collapsible evidence must work.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../src/report/render.js';
import { inkOf, launchChromium, openPage, type Browser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/servers.js';
import { fixtureReport } from './fixture.js';

const report = fixtureReport();

describe('the HTML report in headless Chromium', () => {
  let browser: Browser;
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    browser = await launchChromium();
    const html = await render(report, 'html', { color: false, verbose: true });
    server = await startServer((req, res) => {
      res.writeHead(req.url === '/report.html' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.url === '/report.html' ? html : 'not here');
    });
    url = `${server.url}/report.html`;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders a non-blank page with no console errors and no request but itself (light)', async () => {
    const { page, problems } = await openPage(browser, url, 'light');
    const png = await page.screenshot({ fullPage: false });
    writeFileSync(join(tmpdir(), 'preflight-html-report-light.png'), png);
    const { ink, colours, corner } = inkOf(png);
    expect(ink, 'share of the screenshot that is not background').toBeGreaterThan(0.05);
    expect(colours, 'distinct colours: text, pills, gauge').toBeGreaterThan(20);
    expect(corner[0], 'light background').toBeGreaterThan(200);
    expect(await page.title()).toBe('Preflight: orders-api staging — 38/100 (F)');
    expect(await page.locator('svg.gauge').isVisible()).toBe(true);
    expect(await page.locator('table tbody tr').count()).toBe(9);
    expect(await page.locator('svg.hist').boundingBox()).toMatchObject({ height: expect.any(Number) });
    expect((await page.locator('svg.hist').boundingBox())!.height).toBeGreaterThan(100);
    // The hostile body is text on the page, not markup: no alert, no <script> from the target.
    expect(await page.locator('script').count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('renders in dark colours when the reader prefers dark, still with no errors', async () => {
    const { page, problems } = await openPage(browser, url, 'dark');
    const png = await page.screenshot({ fullPage: false });
    writeFileSync(join(tmpdir(), 'preflight-html-report-dark.png'), png);
    const { ink, corner } = inkOf(png);
    expect(ink).toBeGreaterThan(0.05);
    expect(corner[0] + corner[1] + corner[2], 'dark background').toBeLessThan(120);
    const text = await page.evaluate(() => getComputedStyle(document.body).color);
    expect(text).toMatch(/^rgb\((2[0-5]\d|1[6-9]\d), /);
    expect(problems).toEqual([]);
  });

  it('desktop (1280 px): findings come before the latency charts; p95 and p99 labels do not overlap; chart titles name the concurrency', async () => {
    const { page, problems } = await openPage(browser, url, 'light');
    await page.setViewportSize({ width: 1280, height: 900 });
    writeFileSync(join(tmpdir(), 'preflight-html-report-1280.png'), await page.screenshot({ fullPage: false }));
    const order = await page.evaluate(() => [...document.querySelectorAll('h2')].map((h) => h.textContent?.trim().split(' ')[0]));
    expect(order.indexOf('Findings')).toBeGreaterThan(order.indexOf('Checklist'));
    expect(order.indexOf('Latency')).toBeGreaterThan(order.indexOf('Findings'));
    const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
    const [p95, p99] = [await box('svg.hist text.m-p95'), await box('svg.hist text.m-p99')];
    const overlap = p95.x < p99.x + p99.width && p99.x < p95.x + p95.width && p95.y < p99.y + p99.height && p99.y < p95.y + p95.height;
    expect(overlap, `p95 ${JSON.stringify(p95)} and p99 ${JSON.stringify(p99)}`).toBe(false);
    expect(await page.locator('.latency h3').first().textContent()).toMatch(/at concurrency 1/);
    expect(problems).toEqual([]);
  });

  it('phone (390 px): no horizontal scroll, the checklist as cards, readable chart labels', async () => {
    const { page, problems } = await openPage(browser, url, 'light');
    await page.setViewportSize({ width: 390, height: 844 });
    writeFileSync(join(tmpdir(), 'preflight-html-report-390.png'), await page.screenshot({ fullPage: false }));
    writeFileSync(join(tmpdir(), 'preflight-html-report-390-full.png'), await page.screenshot({ fullPage: true }));
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(widths.scroll, 'page wider than the screen').toBeLessThanOrEqual(widths.inner);
    // Cards: the table header is hidden and each row is a block as wide as its panel.
    expect(await page.locator('table.checklist thead').isVisible()).toBe(false);
    expect(
      await page
        .locator('table.checklist tr')
        .nth(1)
        .evaluate((tr) => getComputedStyle(tr).display),
    ).toBe('block');
    // "What we saw" is on screen, not off to the right.
    const saw = (await page.locator('table.checklist tbody tr').first().locator('td').last().boundingBox())!;
    expect(saw.x + saw.width).toBeLessThanOrEqual(390);
    // Chart text at least 9 px tall on screen; percentiles in the HTML legend instead of on the chart.
    const axis = (await page.locator('svg.hist text.axis').first().boundingBox())!;
    expect(axis.height).toBeGreaterThanOrEqual(9);
    expect(await page.locator('.legend').first().isVisible()).toBe(true);
    expect(await page.locator('.legend').first().textContent()).toMatch(/p95 480 ms/);
    expect(problems).toEqual([]);
  });

  it('copies a curl line with its button, and evidence opens on a click', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const { page, problems } = await openPage(browser, url, 'light');
    const card = page.locator('article.finding.f-fail').first();
    const expected = await card.locator('.curl code').textContent();
    expect(expected).toMatch(/^curl -sS -i /);
    const button = card.locator('button.copy');
    await button.click();
    await expect.poll(() => button.textContent(), { timeout: 3000 }).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);

    const evidence = card.locator('details.evidence');
    expect(await evidence.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await evidence.locator('pre').first().isVisible()).toBe(false);
    await evidence.locator('summary').click();
    expect(await evidence.locator('pre').first().isVisible()).toBe(true);
    expect(await evidence.locator('pre').first().textContent()).toMatch(
      /^GET http:\/\/127\.0\.0\.1:8080\/api\/orders\?limit=1000000\nauthorization: \*\*\*/,
    );

    await page.locator('button[data-details="open"]').click();
    expect(await page.locator('details:not([open])').count()).toBe(0);
    await page.locator('button[data-details="close"]').click();
    expect(await page.locator('details[open]').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
