import { readFileSync } from 'node:fs';
import { parse as parseJunit, type TestCase } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { allFindings } from '../../src/report/common.js';
import { FORMATS, formatForFile, render } from '../../src/report/render.js';
import { CHECKS, fixtureReport } from './fixture.js';

const report = fixtureReport();
const options = { color: false, verbose: true };

describe('every format from one fixed report', () => {
  it('the fixture is a valid report (so the goldens show what real reports look like)', async () => {
    const { default: Ajv } = await import('ajv');
    const { default: addFormats } = await import('ajv-formats');
    const ajv = new Ajv.default({ strict: false, allowUnionTypes: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')) as object);
    expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
    expect(report.score).toBe(38);
    expect(report.gate.passed).toBe(false);
  });

  it('Markdown matches the reviewed golden file', async () => {
    await expect(await render(report, 'markdown', options)).toMatchFileSnapshot('golden/report.md');
  });

  it('JUnit matches the reviewed golden file', async () => {
    await expect(await render(report, 'junit', options)).toMatchFileSnapshot('golden/report.xml');
  });

  it('all formats agree: score, grade, gate and every finding appear in each', async () => {
    for (const format of FORMATS) {
      const out = await render(report, format, options);
      expect(out, format).toContain('38');
      // SARIF says it as data (its rule descriptions no longer quote verdict templates with "failed" in them).
      if (format === 'sarif') expect(out).toContain('"gatePassed": false');
      else if (format !== 'json') expect(out, format).toMatch(/FAILED|failed/);
      for (const finding of allFindings(report)) {
        // Markdown escapes markup characters; compare on a stretch of plain words.
        const words = finding.message.match(/[A-Za-z0-9 /.:=?]{16,}/)?.[0] ?? finding.message;
        if (format === 'terminal' && (finding.status === 'pass' || finding.status === 'skip') && !options.verbose) continue;
        // SARIF carries what code scanning alerts on: fail, warn and waived findings only.
        if (format === 'sarif' && !['fail', 'warn', 'waived'].includes(finding.status)) continue;
        expect(out, `${format}: ${finding.message}`).toContain(words.trim());
      }
    }
  });

  it('Markdown: score first, the checklist table, then fixes with what was sent and came back (cut), why, how and curl', async () => {
    const md = await render(report, 'markdown', options);
    const lines = md.split('\n');
    expect(lines[2]).toMatch(/^\*\*Score 38\/100 · grade F · gate FAILED\*\*/);
    expect(md.indexOf('## Checklist')).toBeLessThan(md.indexOf('## What to fix'));
    expect(lines.filter((l) => /^\| [1-8] \|/.test(l))).toHaveLength(8);
    expect(md).toContain(`**Why it matters:** ${CHECKS[0]!.rationale}`);
    expect(md).toContain('**How to fix:** How to fix list-limit-cap: cap it server-side.');
    expect(md).toContain('- **Sent:** `GET http://127.0.0.1:8080/api/orders?limit=1000000`');
    expect(md).toContain('- **Came back:** 200 in 12 ms, 250000 bytes (cut at the byte cap)');
    expect(md).toMatch(/more characters not shown/);
    expect(md).toContain("curl -sS -i 'http://127.0.0.1:8080/api/orders?limit=1000000'");
    // The response body with a ``` fence inside is fenced with a longer fence, so it cannot break out.
    expect(md).toMatch(/````http\n[\s\S]*``` fence ```[\s\S]*\n {4}````/);
    // A pipe in a message does not break the table; markup from the target is literal text.
    expect(md).toContain('\\| \\`pipe\\` \\*stars\\* \\<b\\>tag\\</b\\>');
    expect(md).toContain('**waived until 2026-03-31:** scraped from the VPC only; ticket OPS-42');
  });

  it('HTML: one self-contained page that escapes everything from the target', async () => {
    const html = await render(report, 'html', options);
    expect(html).not.toMatch(/<(img|iframe|object|embed)\b/i);
    // The one link is an empty data: icon, so the browser does not ask for /favicon.ico.
    expect(html.match(/<link\b[^>]*>/g)).toEqual(['<link rel="icon" href="data:,">']);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-/);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain('@media (prefers-color-scheme:dark)');
    expect(html).toMatch(/<svg class="gauge"[^>]*aria-label="Score 38 of 100, grade F"/);
    expect(html).toContain('<h2>Latency by endpoint</h2>');
    // Every sample is in exactly one bar.
    const counts = [...html.matchAll(/<rect class="hist-bar"[^>]*><title>(\d+) requests? took/g)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThan(2);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60);
    expect(html).toMatch(/data-copy="curl-\d+"/);
    expect(html).toContain('Waived until 2026-03-31: scraped from the VPC only; ticket OPS-42');
  });

  it('HTML: no latency section when no finding carries samples', async () => {
    const bare = fixtureReport({
      items: report.items.map((item) => ({ ...item, findings: item.findings.map(({ data: _data, ...rest }) => rest) })),
    });
    const html = await render(bare, 'html', options);
    expect(html).not.toContain('Latency by endpoint');
    expect(html).not.toContain('class="hist"');
  });

  it('JUnit parses back with a JUnit parser: a suite per item plus the gate, a case per finding', async () => {
    const xml = await render(report, 'junit', options);
    // XML 1.0 forbids these; one would make CI parsers reject the whole file.
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    const parsed = await parseJunit(xml);
    expect(parsed).toBeDefined();
    const suites = (
      parsed as {
        testsuite: Array<{ name: string; tests: number; failures: number; errors: number; skipped: number; testcase: TestCase[] }>;
      }
    ).testsuite;
    expect(suites.map((s) => s.name.split(':')[0])).toEqual([...report.items.map((i) => i.id), 'gate']);
    const bySuite = Object.fromEntries(suites.map((s) => [s.name.split(':')[0], s]));
    expect(bySuite['list-caps']).toMatchObject({ tests: 2, failures: 1, errors: 0, skipped: 0 });
    expect(bySuite['list-caps']!.testcase[0]!.failure![0]!.message).toBe(
      'GET /api/orders?limit=1000000 → 200 with 2503 items, over the cap of 100',
    );
    expect(bySuite['list-caps']!.testcase[0]!.failure![0]!.inner).toMatch(/reproduce: curl -sS -i/);
    expect(bySuite['error-hygiene']!.testcase[0]!.failure![0]!.inner).toContain('<script>alert("x")</script>');
    expect(bySuite['error-hygiene']!.testcase[1]!['system-out']![0]).toMatch(/^WARNING: GET \/api\/orders\/nope answered 404/);
    expect(bySuite['default-deny']!.testcase[0]!.skipped![0]!.message).toMatch(/^waived until 2026-03-31: scraped from the VPC only/);
    expect(bySuite['request-id']).toMatchObject({ tests: 2, errors: 1 });
    expect(bySuite.idempotency!.testcase[0]!.skipped![0]!.message).toMatch(/runs only with allowWrites/);
    expect(bySuite['size-caps']!.testcase[0]!.skipped).toHaveLength(1);
    expect(bySuite.gate!.testcase[0]!.failure![0]!.message).toMatch(/^gate failed: score 38 is below failUnder 80/);
    const totals = parsed as { tests: number; failures: number; errors: number };
    expect(totals).toMatchObject({ tests: 13, failures: 4, errors: 1 });
  });

  it('takes the format of an --output file from its extension', () => {
    expect(['r.json', 'r.md', 'R.HTML', 'junit.xml', 'r.txt'].map(formatForFile)).toEqual([
      'json',
      'markdown',
      'html',
      'junit',
      'terminal',
    ]);
    expect(() => formatForFile('report.pdf')).toThrow(/cannot tell the format of --output report.pdf/);
  });
});
