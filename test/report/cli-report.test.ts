// The report flags end to end through the CLI (in-process): --format, repeatable --output, --quiet,
// --baseline/--fail-on-regression, the GitHub job summary, and `preflight report` (no probing).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJunit } from 'junit2json';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { fixtureReport } from './fixture.js';

/** Request ids right while `good` is true; afterwards it stops setting them (a regression). */
async function idServer(state: { good: boolean }): Promise<TestServer> {
  return startServer((req, res) => {
    const id = (req.headers['x-request-id'] as string | undefined) ?? `gen-${Math.random()}`;
    const headers: Record<string, string> = state.good ? { 'x-request-id': id } : {};
    if (req.url === '/health') return json(res, 200, { ok: true }, headers);
    if (req.url?.startsWith('/api/items')) return json(res, req.headers.authorization === 'Bearer t0k' ? 200 : 401, {}, headers);
    json(res, 404, { error: 'not_found' }, headers);
  });
}

describe('report formats through the CLI', () => {
  let dir: string;
  const servers: TestServer[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-report-cli-'));
  });
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (url: string): string => {
    const file = join(dir, 'target.yaml');
    writeFileSync(
      file,
      `target:\n  name: report cli\n  baseUrl: ${url}\nauth:\n  headers: { Authorization: "Bearer t0k" }\npublicPaths: [/health]\nendpoints:\n  - { path: /api/items }\nhealth: /health\nthresholds: { failUnder: 0 }\n`,
    );
    return file;
  };

  it('audit: --quiet prints nothing, writes every --output by extension and appends to GITHUB_STEP_SUMMARY', async () => {
    const server = await idServer({ good: true });
    servers.push(server);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const outputs = ['r.json', 'r.md', 'r.html', 'r.xml', 'r.txt'];
    const run = await runCli(
      ['audit', '-c', config(server.url), '--only', 'request-id', '--quiet', ...outputs.flatMap((o) => ['--output', o])],
      { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    expect(JSON.parse(read('r.json')).schemaVersion).toBe(2);
    expect(read('r.md')).toMatch(/^# API preflight: report cli\n\n\*\*Score 100\/100 · grade A · gate passed\*\*/);
    expect(read('r.html')).toMatch(/^<!doctype html>/);
    expect(await parseJunit(read('r.xml'))).toMatchObject({ failures: 0 });
    expect(read('r.txt')).toMatch(/Score 100\/100 · grade A/);
    const appended = read('summary.md');
    expect(appended.startsWith('# earlier step\n# API preflight: report cli')).toBe(true);
  });

  it('audit: --format picks what goes to stdout', async () => {
    const server = await idServer({ good: true });
    servers.push(server);
    const junit = await runCli(['audit', '-c', config(server.url), '--only', 'request-id', '--format', 'junit'], { cwd: dir });
    expect(junit.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="api-preflight: report cli"/);
    const md = await runCli(['audit', '-c', config(server.url), '--only', 'request-id', '-f', 'markdown'], { cwd: dir });
    expect(md.stdout).toMatch(/^# API preflight/);
    const bad = await runCli(['audit', '-c', config(server.url), '--format', 'pdf'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are terminal, json, markdown, html, junit/);
  });

  it('audit: --baseline shows what got worse; --fail-on-regression fails the gate even with failUnder 0', async () => {
    const state = { good: true };
    const server = await idServer(state);
    servers.push(server);
    const file = config(server.url);
    expect((await runCli(['audit', '-c', file, '--only', 'request-id', '--quiet', '-o', 'previous.json'], { cwd: dir })).code).toBe(0);

    state.good = false;
    const seen = await runCli(['audit', '-c', file, '--only', 'request-id', '--baseline', 'previous.json'], { cwd: dir });
    expect(seen.code).toBe(0);
    expect(seen.stdout).toMatch(
      /Compared with the baseline\n {2}Compared with previous\.json .*: score 100 → 0 \(−100\), gate passed both times\. WORSE: 3 findings got worse \(3 new failures\); the score dropped from 100 to 0\./,
    );
    expect(seen.stdout).toMatch(/Worse \(3\)\n {4}request-id\/notEchoed: pass → fail — GET \/api\/items was sent X-Request-Id/);

    const gated = await runCli(
      ['audit', '-c', file, '--only', 'request-id', '--baseline', 'previous.json', '--fail-on-regression', '--format', 'json'],
      { cwd: dir },
    );
    expect(gated.code).toBe(1);
    const report = JSON.parse(gated.stdout);
    expect(report.gate).toMatchObject({
      passed: false,
      reasons: [expect.stringMatching(/^worse than the baseline previous\.json: 3 findings got worse/)],
    });
    // With JSON on stdout, the comparison's verdict goes to stderr.
    expect(gated.stderr).toMatch(/WORSE: 3 findings got worse/);
  });

  it('refuses bad flags and files before sending a single request (exit 2, one line)', async () => {
    const server = await idServer({ good: true });
    servers.push(server);
    const file = config(server.url);
    const cases: Array<[string[], RegExp]> = [
      [['--output', 'report.pdf'], /cannot tell the format of --output report\.pdf/],
      [['--fail-on-regression'], /--fail-on-regression needs --baseline FILE/],
      [['--baseline', 'missing.json'], /missing\.json: cannot read the baseline \(no such file\)/],
    ];
    for (const [flags, message] of cases) {
      const run = await runCli(['audit', '-c', file, ...flags], { cwd: dir });
      expect(run.code, flags.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('report: re-renders a saved report in any format without probing, exit per its gate', async () => {
    const saved = fixtureReport();
    writeFileSync(join(dir, 'saved.json'), JSON.stringify(saved));
    const html = await runCli(['report', 'saved.json', '--format', 'html', '--output', 'out/again.md'], { cwd: dir });
    expect(html.code).toBe(1); // the saved run's gate failed
    expect(html.stdout).toMatch(/^<!doctype html>[\s\S]*<title>Preflight: orders-api staging — 38\/100 \(F\)<\/title>/);
    expect(readFileSync(join(dir, 'out', 'again.md'), 'utf8')).toMatch(/^# API preflight: orders-api staging/);
    // The same object gives the same text: re-rendering a saved JSON equals rendering the original.
    const json = await runCli(['report', 'saved.json', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(saved)));
  });

  it('report: a file that is not a preflight report is a one-line usage error', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['notjson.json', '{ nope', /notjson\.json: the report is not JSON/],
      [
        'future.json',
        JSON.stringify({ ...fixtureReport(), schemaVersion: 3 }),
        /future\.json: the report has schemaVersion 3, this preflight reads 2/,
      ],
      [
        'shape.json',
        JSON.stringify({ ...fixtureReport(), score: 'high' }),
        /shape\.json: not a valid preflight report: \/score must be integer,null/,
      ],
    ];
    for (const [name, text, message] of cases) {
      writeFileSync(join(dir, name), text);
      const run = await runCli(['report', name, '--format', 'html'], { cwd: dir });
      expect(run.code, name).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    }
  });
});
