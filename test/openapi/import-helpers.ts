// What every importer test does after its input exists: `preflight init` writes the config, the
// config loads, an audit runs against a loopback server, and no secret from the input shows up in
// the config, init's output, the audit's output or its JSON report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { Target } from '../../src/types.js';
import { runCli, type CliResult } from '../helpers/cli.js';

export interface Imported {
  init: CliResult;
  text: string;
  target: Target;
  audit: CliResult;
  report: string;
}

export async function importAndAudit(
  dir: string,
  initArgs: string[],
  options: { env: Record<string, string>; secrets: readonly string[] },
): Promise<Imported> {
  const init = await runCli(['init', ...initArgs, '-o', 'preflight.yaml'], { cwd: dir });
  expect(init.stderr.replace(/^preflight: warning: .*\n/gm, ''), init.stderr).toBe('');
  expect(init.code, init.stderr).toBe(0);
  const text = readFileSync(join(dir, 'preflight.yaml'), 'utf8');
  const target = await loadConfigFile(join(dir, 'preflight.yaml'), { env: options.env, cwd: dir });
  // A few cheap checks, a small budget: what matters is that the written config drives a real audit.
  const audit = await runCli(
    [
      'audit',
      '--config',
      'preflight.yaml',
      '--only',
      'default-deny',
      '--max-requests',
      '300',
      '--rps',
      '200',
      '--no-discover',
      '--format',
      'json',
      '--output',
      'report.json',
    ],
    { cwd: dir, env: options.env },
  );
  expect([0, 1], audit.stderr).toContain(audit.code);
  const report = readFileSync(join(dir, 'report.json'), 'utf8');
  expect(JSON.parse(report).requests).toBeGreaterThan(0);
  for (const secret of options.secrets) {
    expect(secret.length).toBeGreaterThanOrEqual(6);
    for (const [where, output] of Object.entries({
      config: text,
      'init stdout': init.stdout,
      'init stderr': init.stderr,
      'audit stdout': audit.stdout,
      'audit stderr': audit.stderr,
      report,
    }))
      expect(output.includes(secret), `${where} holds a secret from the input`).toBe(false);
  }
  return { init, text, target, audit, report };
}
