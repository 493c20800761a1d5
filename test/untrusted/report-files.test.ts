// Issue 15 item 7: report files and saved reports. --output never writes through a symlink; a
// tampered saved report is refused by the schema, and target text in Markdown never becomes HTML,
// a live link or a notification (URLs and @mentions are code spans).
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { fixtureReport } from '../report/fixture.js';

describe('report files and saved reports (issue 15 item 7)', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-files-'));
    server = await startServer((_req, res) => json(res, 200, { ok: true }));
  });
  afterAll(() => server.close());

  it('--output that is a symlink is refused before any probe, and its target is untouched', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'report.json'));
    const config = join(dir, 'p.yaml');
    writeFileSync(config, `target: { baseUrl: "${server.url}" }\nendpoints: [{ path: /x }]\n`);
    const result = await runCli(['audit', '--config', config, '--output', 'report.json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/report\.json: it is a symbolic link/);
    expect(server.requests).toHaveLength(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('init --force onto a symlink is refused, and its target is untouched', async () => {
    const victim = join(dir, 'victim-init.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'preflight.yaml'));
    const result = await runCli(['init', '--force', '--output', 'preflight.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('report writes replace a regular file (through a temp file and a rename)', async () => {
    const saved = join(dir, 'saved.json');
    writeFileSync(saved, JSON.stringify(fixtureReport()));
    writeFileSync(join(dir, 'out.md'), 'old');
    const result = await runCli(['report', saved, '--quiet', '--output', 'out.md'], { cwd: dir });
    expect([0, 1]).toContain(result.code);
    expect(readFileSync(join(dir, 'out.md'), 'utf8')).toMatch(/^# API preflight/);
  });

  it.each([
    ['tool.version', (r: Record<string, any>) => (r.tool.version = '0.1.0 <img src=x onerror=alert(1)>')],
    [
      'waiver.expires',
      (r: Record<string, any>) =>
        (r.items.flatMap((i: any) => i.findings).find((f: any) => f.waiver).waiver.expires = '2099-01-01<script>alert(1)</script>'),
    ],
  ])('a saved report with markup in %s is refused by the schema (exit 2)', async (_field, tamper) => {
    const report = JSON.parse(JSON.stringify(fixtureReport())) as Record<string, any>;
    tamper(report);
    const file = join(dir, `tampered-${_field}.json`);
    writeFileSync(file, JSON.stringify(report));
    const result = await runCli(['report', file, '--format', 'markdown'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a valid preflight report/);
    expect(result.stdout).toBe('');
  });

  it('target text in Markdown: no raw HTML, URLs and @mentions are code spans', async () => {
    const report = JSON.parse(JSON.stringify(fixtureReport())) as Record<string, any>;
    const hostile =
      'see https://evil.example/login?x=1 or www.evil.example, mail ops@evil.example, cc @octocat and @acme/security, fixes #12 <img src=x onerror=alert(1)>';
    const findings = report.items.flatMap((i: any) => i.findings);
    for (const f of findings) f.message = hostile;
    findings.find((f: any) => f.waiver).waiver.reason = hostile;
    report.target.name = hostile;
    report.notes = [hostile];
    const file = join(dir, 'hostile-text.json');
    writeFileSync(file, JSON.stringify(report));
    const summary = join(dir, 'summary.md');
    const result = await runCli(['report', file, '--format', 'markdown', '--output', 'r.html'], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect([0, 1], result.stderr).toContain(result.code);
    for (const markdown of [result.stdout, readFileSync(summary, 'utf8')]) {
      expect(markdown).toContain('`https://evil.example/login?x=1`');
      expect(markdown).toContain('`www.evil.example`,');
      expect(markdown).toContain('`ops@evil.example`');
      expect(markdown).toContain('`@octocat`');
      expect(markdown).toContain('`@acme/security`');
      expect(markdown).toContain('`#12`');
      expect(markdown).not.toMatch(/(?<!\\)<img/);
      // Outside code spans, no bare URL or mention is left.
      const plain = markdown.replace(/`[^`\n]*`/g, '');
      expect(plain).not.toMatch(/https?:\/\/evil|(?<![\w\\])@octocat|www\.evil/);
    }
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).not.toMatch(/<img src=x/);
  });
});
