// Issue 26 (3): the action's `args` and `outputs` inputs are split into words and nothing else (no
// glob, no command substitution), and a failed SARIF upload cannot skip the gate step. The Audit
// step's script runs in bash against a stand-in preflight that records the argv it was given.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  'continue-on-error'?: boolean;
}
const action = parse(readFileSync('action.yml', 'utf8')) as { runs: { steps: Step[] } };
const step = (name: string): Step => action.runs.steps.find((s) => s.name === name)!;

describe('action.yml: inputs are words, never shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-action-args-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A stand-in for bin/preflight.js: writes its argv and exits 0.
  mkdirSync(join(dir, 'tool', 'bin'), { recursive: true });
  writeFileSync(
    join(dir, 'tool', 'bin', 'preflight.js'),
    `require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'argv.json'))}, JSON.stringify(process.argv.slice(2)));`,
  );
  writeFileSync(join(dir, 'tool', 'package.json'), '{"type":"commonjs"}');
  // A file a glob in the inputs would expand to.
  writeFileSync(join(dir, 'stray.json'), '{}');

  const audit = (inputs: { OUTPUTS: string; EXTRA_ARGS: string }): string[] => {
    const output = join(dir, 'github-output');
    writeFileSync(output, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', step('Audit').run!], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_ACTION_PATH: join(dir, 'tool'),
        GITHUB_OUTPUT: output,
        RUNNER_TEMP: dir,
        CONFIG: 'preflight.yaml',
        ...inputs,
      },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8')) as string[];
  };

  it('args: split on spaces and new lines; $(...) and * stay as written', () => {
    const argv = audit({ OUTPUTS: 'r.json', EXTRA_ARGS: '--only default-deny\n--rps 5 $(touch pwned) *.json' });
    expect(argv.slice(4)).toEqual(['--output', 'r.json', '--only', 'default-deny', '--rps', '5', '$(touch', 'pwned)', '*.json']);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('outputs: a glob is a file name, not the files that match it', () => {
    const argv = audit({ OUTPUTS: '*.json\nreport.sarif', EXTRA_ARGS: '' });
    expect(argv).toEqual(['audit', '--config', 'preflight.yaml', '--no-progress', '--output', '*.json', '--output', 'report.sarif']);
  });

  it('the gate step runs even when the SARIF upload before it failed', () => {
    const upload = action.runs.steps.findIndex((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    const gate = action.runs.steps.findIndex((s) => s.name === 'Gate');
    expect(upload).toBeGreaterThan(-1);
    expect(gate).toBeGreaterThan(upload);
    // Without always() or !cancelled() a step after a failed one is skipped.
    expect(step('Gate').if).toMatch(/always\(\)|!cancelled\(\)/);
  });
});
