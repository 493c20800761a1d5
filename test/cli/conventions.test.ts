// CLI habits people expect: per-command help with examples and exit codes, usage errors that name
// the command's own help, `checks --json`, did-you-mean for --only/--skip, init's next step on stdout.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKLIST } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';

describe('CLI conventions', () => {
  it.each(['audit', 'report', 'init', 'checks', 'demo'])('%s --help shows examples and exit codes', async (command) => {
    const help = await runCli([command, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`Examples (${command}):\n  preflight ${command}`);
    expect(help.stdout).toMatch(/\nExit codes: 0/);
  });

  it('audit --openapi says it takes a URL too', async () => {
    expect((await runCli(['audit', '--help'])).stdout.replace(/\s+/g, ' ')).toMatch(
      /--openapi <file-or-url> also probe every operation in this OpenAPI 3\.x document: a file, or a URL/,
    );
  });

  it('a usage error names the help of the command it happened in', async () => {
    const run = await runCli(['audit', '--config', 'x.yaml', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('(run preflight audit --help for usage)');
    expect((await runCli(['report'])).stderr).toContain('(run preflight report --help for usage)');
  });

  it('checks --json lists every item with its checks', async () => {
    const run = await runCli(['checks', '--json']);
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as {
      items: Array<{ id: string; checks: Array<{ id: string; severity: string; writes: boolean }> }>;
    };
    expect(parsed.items.map((item) => item.id)).toEqual(CHECKLIST.map((item) => item.id));
    expect(parsed.items.flatMap((item) => item.checks).some((check) => check.id === 'request-id' && check.severity.length > 0)).toBe(true);
  });

  it('--only and --skip suggest the id that was meant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-conv-'));
    const config = join(dir, 't.yaml');
    writeFileSync(config, 'target: { baseUrl: "http://127.0.0.1:9" }\nendpoints:\n  - { path: /x }\n');
    const only = await runCli(['audit', '--config', config, '--only', 'request-idd']);
    expect(only.code).toBe(2);
    expect(only.stderr).toBe(
      'preflight: --only: unknown check or item "request-idd" (did you mean "request-id"? `preflight checks` lists them)\n',
    );
    expect((await runCli(['audit', '--config', config, '--skip', 'latncy'])).stderr).toMatch(
      /--skip: unknown check or item "latncy" \(did you mean "latency"\?/,
    );
  });

  it('init -o - says to save the config before auditing it', async () => {
    const run = await runCli(['init', '--base-url', 'https://staging.example.com', '-o', '-']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# /);
    expect(run.stderr).toMatch(
      /next: save it \(add > preflight\.yaml to this command, or use -o preflight\.yaml\), then preflight audit --config preflight\.yaml\n$/,
    );
  });
});
