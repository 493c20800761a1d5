import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toolVersion } from '../../src/package-info.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { FINDINGS, fixtureReport } from '../report/fixture.js';

const CANARY = 'canary-token-5b1e0c7d9a';

/** A server that gets request ids right, checks a bearer token, and echoes what it was sent (to tempt leaks). */
async function goodServer(): Promise<TestServer> {
  return startServer((req, res) => {
    const id = (req.headers['x-request-id'] as string | undefined) ?? `gen-${Math.random()}`;
    const echo = { authorization: req.headers.authorization ?? null, url: req.url };
    if (req.url === '/health') return json(res, 200, { ok: true }, { 'x-request-id': id });
    if (req.url?.startsWith('/api/items') && req.headers.authorization === `Bearer ${CANARY}`)
      return json(res, 200, { data: [], echo }, { 'x-request-id': id, 'x-echo-auth': req.headers.authorization });
    if (req.url?.startsWith('/api/items'))
      return json(
        res,
        401,
        { error: { code: 'unauthorized', message: `bad token ${req.headers.authorization ?? ''}` } },
        { 'x-request-id': id },
      );
    json(res, 404, { error: { code: 'not_found', message: 'no' } }, { 'x-request-id': id });
  });
}

function writeConfig(dir: string, baseUrl: string, extra = ''): string {
  const file = join(dir, 'target.yaml');
  writeFileSync(
    file,
    `target:\n  name: cli test\n  baseUrl: ${baseUrl}\nauth:\n  headers: { Authorization: "Bearer \${TEST_TOKEN}" }\npublicPaths: [/health]\nendpoints:\n  - { path: /api/items }\nhealth: /health\n${extra}`,
  );
  return file;
}

describe('preflight audit (CLI)', () => {
  const servers: TestServer[] = [];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-cli-'));
  });
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  it('prints the version and help with examples', async () => {
    expect((await runCli(['--version'])).stdout.trim()).toBe(toolVersion());
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/Exit codes: 0 gate passed/);
  });

  it('exits 2 on an unknown flag or a bad flag value', async () => {
    expect((await runCli(['audit', '--config', 'x.yaml', '--bogus'])).code).toBe(2);
    const bad = await runCli(['audit', '--config', 'x.yaml', '--rps', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rps.*must be a number/);
    expect((await runCli(['audit'])).code).toBe(2);
  });

  it('exits 2 with one line naming file:line for a bad config', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'target:\n  baseUrl: http://127.0.0.1:1\nlimits:\n  concurency: 3\n');
    const result = await runCli(['audit', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/bad\.yaml:4:3: limits\.concurency: unknown key "concurency" \(did you mean "concurrency"\?\)/);
  });

  it('exits 2 before probing when an --output folder cannot be made, and never hangs on /proc', async () => {
    const server = await goodServer();
    servers.push(server);
    for (const output of ['/proc/preflight-nope/report.json', join(writeConfig(dir, server.url), 'inside-a-file.json')]) {
      const result = await runCli(['audit', '--config', writeConfig(dir, server.url), '--output', output], { env: { TEST_TOKEN: CANARY } });
      expect(result.code, output).toBe(2);
      expect(result.stderr).toMatch(/^preflight: cannot write --output .*(cannot create|is not a folder)/);
    }
    expect(server.requests).toHaveLength(0);
    // A folder that does not exist yet is made.
    const nested = join(dir, 'reports', 'nightly', 'r.json');
    expect(
      (
        await runCli(['audit', '--config', writeConfig(dir, server.url), '--only', 'request-id', '--output', nested], {
          env: { TEST_TOKEN: CANARY },
        })
      ).code,
    ).toBe(0);
    expect(readFileSync(nested, 'utf8')).toContain('"schemaVersion"');
  });

  it('exits 2 for an unknown --only id, naming the known ones', async () => {
    const server = await goodServer();
    servers.push(server);
    const result = await runCli(['audit', '--config', writeConfig(dir, server.url), '--only', 'nope'], { env: { TEST_TOKEN: CANARY } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown check or item "nope" \(known: list-caps/);
  });

  it('exits 3 when nothing listens at the base URL', async () => {
    const server = await goodServer();
    const url = server.url;
    await server.close();
    const result = await runCli(['audit', '--config', writeConfig(dir, url)], { env: { TEST_TOKEN: CANARY } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^preflight: could not reach http:\/\/127\.0\.0\.1:\d+: GET \/health: connection refused/);
  });

  it('exits 3 when the configured credentials are refused, rather than audit anonymously', async () => {
    const server = await goodServer();
    servers.push(server);
    const result = await runCli(['audit', '--config', writeConfig(dir, server.url)], { env: { TEST_TOKEN: 'expired-token-000' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the configured credentials were refused by GET \/api\/items: 401/);
    expect(result.stderr).not.toContain('expired-token-000');
  });

  it('exits 0 when the gate passes and 1 when it fails, and writes a JSON report that matches the schema', async () => {
    const server = await goodServer();
    servers.push(server);
    const out = join(dir, 'report.json');
    const passed = await runCli(['audit', '--config', writeConfig(dir, server.url), '--only', 'request-id', '--output', out], {
      env: { TEST_TOKEN: CANARY },
    });
    expect(passed.stderr).toBe('');
    expect(passed.code).toBe(0);
    expect(passed.stdout).toMatch(/Score 100\/100 · grade A · gate PASSED/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    const { default: Ajv } = await import('ajv');
    const { default: addFormats } = await import('ajv-formats');
    const ajv = new Ajv.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')) as object);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);

    const bad = await startServer((req, res) => json(res, req.url?.startsWith('/api/items') || req.url === '/health' ? 200 : 404, {}));
    servers.push(bad);
    const failed = await runCli(['audit', '--config', writeConfig(dir, bad.url), '--only', 'request-id'], { env: { TEST_TOKEN: CANARY } });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/gate FAILED: score 0 is below failUnder 80/);
  });

  it('never prints the credential: terminal, --verbose, JSON and the output file', async () => {
    const server = await goodServer();
    servers.push(server);
    const out = join(dir, 'canary.json');
    const config = writeConfig(dir, server.url);
    const runs = [
      await runCli(['audit', '--config', config, '--verbose'], { env: { TEST_TOKEN: CANARY } }),
      await runCli(['audit', '--config', config, '--format', 'json', '--verbose', '--output', out], { env: { TEST_TOKEN: CANARY } }),
    ];
    for (const run of runs) {
      expect(run.stdout.length).toBeGreaterThan(200);
      expect(run.stdout + run.stderr).not.toContain(CANARY);
    }
    expect(readFileSync(out, 'utf8')).not.toContain(CANARY);
    // The curl lines refer to the variable instead.
    expect(runs[1]!.stdout).toContain('${TEST_TOKEN}');
  });
});

describe('the built command (bin/preflight.js)', () => {
  const bin = join(process.cwd(), 'bin', 'preflight.js');
  beforeAll(() => {
    if (!existsSync(join(process.cwd(), 'dist', 'src', 'cli', 'main.js'))) execFileSync('npx', ['tsc', '-p', '.'], { stdio: 'ignore' });
  });

  it('prints a one-line config error and exits 2, with no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-bin-'));
    writeFileSync(join(dir, 'c.yaml'), 'target:\n  baseUrl: nope\n');
    const result = spawnSync(process.execPath, [bin, 'audit', '--config', join(dir, 'c.yaml')], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).toMatch(/c\.yaml:2:12: target\.baseUrl: must be an http/);
  });

  it('stops quietly when its reader closes stdout early (preflight report big.json | head)', () => {
    // A report big enough that it cannot fit in the pipe before `head` has gone.
    const findings = Array.from({ length: 400 }, (_, i) => ({ ...FINDINGS[0]!, message: `finding ${i} ${'x'.repeat(200)}` }));
    const dir = mkdtempSync(join(tmpdir(), 'preflight-pipe-'));
    const file = join(dir, 'big.json');
    writeFileSync(file, JSON.stringify(fixtureReport({}, findings)));
    const result = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${bin}" report "${file}" --format json | head -c 100 > /dev/null; exit \${PIPESTATUS[0]}`],
      { encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect([0, 1]).toContain(result.status);
  });

  it('runs the demo: both audits, exit 0', () => {
    const result = spawnSync(process.execPath, [bin, 'demo', '--no-color'], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
      timeout: 120_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/The broken API/);
    expect(result.stdout).toMatch(/The fixed API/);
    expect(result.stdout).toMatch(/What the fixes changed/);
  }, 120_000);
});
