// Every --output is proven writable before the first probe: a folder that exists but refuses files
// (/proc) is a one-line exit 2 with no request sent, for `audit`, `report -o` and `demo -o` alike.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { fixtureReport } from '../report/fixture.js';

describe('outputs that cannot be written', () => {
  let server: TestServer;
  let requests = 0;
  let dir: string;
  let config: string;
  beforeAll(async () => {
    server = await startServer((_req, res) => {
      requests++;
      json(res, 200, { ok: true });
    });
    dir = mkdtempSync(join(tmpdir(), 'preflight-outputs-'));
    config = join(dir, 'target.yaml');
    writeFileSync(config, `target: { baseUrl: "${server.url}" }\nendpoints:\n  - { path: /api/items }\nhealth: /health\n`);
  });
  afterAll(async () => server?.close());

  it('audit -o /proc/x.html: exit 2, one line, before any probe', async () => {
    const run = await runCli(['audit', '--config', config, '-o', join(dir, 'ok.json'), '-o', '/proc/x.html']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^preflight: cannot write --output \/proc\/x\.html \(E[A-Z]+\): choose a file in a folder you can write to\n$/,
    );
    expect(requests).toBe(0);
    // The check leaves nothing behind.
    expect(existsSync(join(dir, 'ok.json'))).toBe(false);
  });

  it('report -o /proc/x.html: exit 2 before printing anything', async () => {
    const saved = join(dir, 'saved.json');
    writeFileSync(saved, JSON.stringify(fixtureReport()));
    const run = await runCli(['report', saved, '-o', '/proc/x.html']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('demo -o into /proc: exit 2 before the demo APIs start', async () => {
    const run = await runCli(['demo', '-o', '/proc/demo.html']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot write --output \/proc\/demo-broken\.html/);
    expect(run.stdout).toBe('');
  });

  it('an existing file is checked, not truncated', async () => {
    const existing = join(dir, 'keep.md');
    writeFileSync(existing, 'previous');
    const run = await runCli(['audit', '--config', config, '-o', existing, '-o', '/proc/x.html']);
    expect(run.code).toBe(2);
    expect(readdirSync(dir)).toContain('keep.md');
    expect(readFileSync(existing, 'utf8')).toBe('previous');
  });
});
