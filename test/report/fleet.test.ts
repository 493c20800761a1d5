// `preflight report merge`: many services' JSON reports in one fleet view, every format, and the
// HTML in headless Chromium like the audit report.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';
import { launchChromium, openPage, type Browser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/servers.js';
import { FINDINGS, fixtureReport } from './fixture.js';

const passing: Finding[] = FINDINGS.filter((f) => f.status === 'pass');
const errored: Finding[] = FINDINGS.map((f) => ({
  ...f,
  status: 'error',
  message: 'could not decide: the target did not answer within 5000 ms',
}));

function writeReports(): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-merge-'));
  writeFileSync(
    join(dir, 'good.json'),
    JSON.stringify(fixtureReport({ target: { name: 'billing-api', baseUrl: 'http://127.0.0.1:1' } }, passing)),
  );
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(fixtureReport({ target: { name: 'orders-api', baseUrl: 'http://127.0.0.1:2' } })));
  writeFileSync(
    join(dir, 'errored.json'),
    JSON.stringify(fixtureReport({ target: { name: 'search-api', baseUrl: 'http://127.0.0.1:3' } }, errored)),
  );
  writeFileSync(join(dir, 'truncated.json'), '{"schemaVersion": 1, "tool":');
  return dir;
}

describe('preflight report merge', () => {
  let dir: string;
  beforeAll(() => {
    dir = writeReports();
  });

  it('merges good, bad and errored reports worst first, in every format, and fails when any service failed', async () => {
    const result = await runCli(
      ['report', 'merge', 'good.json', 'bad.json', 'errored.json', '-o', 'out/fleet.html', '-o', 'out/fleet.md', '-o', 'out/fleet.json'],
      { cwd: dir },
    );
    expect(result.code, result.stderr).toBe(1);
    const names = result.stdout
      .split('\n')
      .slice(3, 6)
      .map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual(['search-api', 'orders-api', 'billing-api']);
    expect(result.stdout).toMatch(/3 service\(s\): 1 passed the gate, 2 failed/);

    const fleet = JSON.parse(readFileSync(join(dir, 'out/fleet.json'), 'utf8')) as {
      services: Array<{ name: string; score: number | null; gate: { passed: boolean }; topFailures: unknown[] }>;
      items: Array<{ id: string; failing: string[] }>;
    };
    expect(fleet.services.map((s) => [s.name, s.gate.passed])).toEqual([
      ['search-api', false],
      ['orders-api', false],
      ['billing-api', true],
    ]);
    expect(fleet.services[0]!.score).toBeNull();
    expect(fleet.services[1]!.topFailures.length).toBeGreaterThan(0);
    expect(fleet.items[0]!.failing).toEqual(['orders-api']);

    const markdown = readFileSync(join(dir, 'out/fleet.md'), 'utf8');
    expect(markdown).toMatch(/^# API preflight: fleet/);
    expect(markdown).toMatch(/\| search-api \| – \| F \| FAILED \|/);
    expect(markdown).toMatch(/## Items failing across services/);
    const html = readFileSync(join(dir, 'out/fleet.html'), 'utf8');
    expect(html).toContain('<td>orders-api<br>');
  });

  it('shows a report that cannot be read as a row of its own, and exits 2 when none can be read', async () => {
    const result = await runCli(['report', 'merge', 'good.json', 'truncated.json', '--format', 'markdown'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\| truncated\.json \| – \| – \| no report \| could not read truncated\.json: the report is not JSON/);
    const none = await runCli(['report', 'merge', 'truncated.json', 'missing.json'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^preflight: none of the 2 file\(s\) is a readable preflight JSON report/);
  });

  describe('the fleet page in headless Chromium', () => {
    let browser: Browser;
    let server: TestServer;
    beforeAll(async () => {
      browser = await launchChromium();
      await runCli(['report', 'merge', 'good.json', 'bad.json', 'errored.json', '-o', 'page.html', '-q'], { cwd: dir });
      const html = readFileSync(join(dir, 'page.html'), 'utf8');
      server = await startServer((req, res) => {
        res.writeHead(req.url === '/fleet.html' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
        res.end(req.url === '/fleet.html' ? html : 'not here');
      });
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('renders every service and the failing items with no console error and no request but itself', async () => {
      const { page, problems } = await openPage(browser, `${server.url}/fleet.html`);
      expect(await page.locator('table').first().locator('tbody tr').count()).toBe(3);
      expect(await page.locator('h2').textContent()).toBe('Items failing across services');
      expect(await page.locator('td.fail').count()).toBe(2);
      expect(problems).toEqual([]);
    });
  });
});
