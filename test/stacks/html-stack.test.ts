// The stack badge and snippets in the HTML report, in headless Chromium: no console errors (the CSP
// allows nothing new), and on a 390 px phone the snippets scroll inside their block, not the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../src/report/render.js';
import { runAudit } from '../../src/runner/run.js';
import { launchChromium, openPage, type Browser } from '../helpers/browser.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

describe('stack packs in the HTML report', () => {
  let browser: Browser;
  let api: TestServer;
  let page: TestServer;

  beforeAll(async () => {
    api = await startServer((req, res) => (req.url?.startsWith('/api/orders') ? json(res, 200, []) : json(res, 404, { error: 'nope' })));
    const target = await targetFor(
      api.url,
      'endpoints:\n  - { method: GET, path: /api/orders }\npublicPaths: [/api/orders]\nstack: [spring-boot, nginx]\n',
    );
    const html = await render(await runAudit(target, { only: ['request-id'] }), 'html', { color: false, verbose: false });
    page = await startServer((req, res) => {
      res.writeHead(req.url === '/report.html' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.url === '/report.html' ? html : 'not here');
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([api?.close(), page?.close()]);
  });

  it('shows the badges and the snippets without errors, and without page-wide scrolling at 390 px', async () => {
    const { page: tab, problems } = await openPage(browser, `${page.url}/report.html`);
    await tab.setViewportSize({ width: 390, height: 844 });
    const seen = await tab.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
      badges: [...document.querySelectorAll('header .stack-badge')].map((b) => b.textContent),
      snippet: document.querySelector('.stack-fix pre code.language-java')?.textContent ?? '',
      snippetWidth: (document.querySelector('.stack-fix pre') as HTMLElement | null)?.getBoundingClientRect().right ?? 0,
    }));
    expect(problems).toEqual([]);
    expect(seen.badges).toEqual(['Spring Boot', 'nginx']);
    expect(seen.snippet).toContain('class RequestIdFilter extends OncePerRequestFilter');
    expect(seen.scroll).toBeLessThanOrEqual(seen.inner);
    expect(seen.snippetWidth).toBeLessThanOrEqual(390);
  });
});
