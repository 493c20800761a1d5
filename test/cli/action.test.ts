// The GitHub Action's own shell: action.yml's "Audit" and "Gate" steps run here with bash, the way a
// runner runs a composite step (inputs substituted, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / RUNNER_TEMP
// set), against a loopback API. Catches a broken flag list, outputs that never get set, a missing
// baseline that fails the job, and a gate that exits with the wrong code.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureBuilt } from '../helpers/spawn-cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const ROOT = process.cwd();

interface Step {
  id?: string;
  name?: string;
  run?: string;
  env?: Record<string, string>;
}
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default: string }>;
  runs: { using: string; steps: Step[] };
};

/** ${{ inputs.x }} and ${{ steps.audit.outputs.y }} in a step's env, as the runner fills them. */
function expand(value: string, inputs: Record<string, string>, outputs: Record<string, string> = {}): string {
  return value.replace(/\$\{\{\s*(inputs|steps\.audit\.outputs)\.([\w-]+)\s*\}\}/g, (_, scope: string, key: string) =>
    scope === 'inputs' ? (inputs[key] ?? '') : (outputs[key] ?? ''),
  );
}

async function runStep(name: string, workspace: string, inputs: Record<string, string>, outputs: Record<string, string> = {}) {
  const step = action.runs.steps.find((s) => s.name === name)!;
  const merged = {
    ...Object.fromEntries(Object.entries(action.inputs).map(([key, input]) => [key, String(input.default ?? '')])),
    ...inputs,
  };
  const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, expand(String(value), merged, outputs)]));
  const files = { GITHUB_OUTPUT: join(workspace, `output-${Math.random()}`), GITHUB_STEP_SUMMARY: join(workspace, 'summary.md') };
  writeFileSync(files.GITHUB_OUTPUT, '');
  // Async: the API under audit lives in this process, so the event loop must keep running.
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
    cwd: workspace,
    env: { PATH: process.env.PATH ?? '', CI: 'true', GITHUB_ACTION_PATH: ROOT, RUNNER_TEMP: workspace, ...files, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  const set = Object.fromEntries(
    readFileSync(files.GITHUB_OUTPUT, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return {
    status,
    stdout,
    stderr,
    outputs: set,
    summary: existsSync(files.GITHUB_STEP_SUMMARY) ? readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') : '',
  };
}

describe('action.yml (composite) steps', () => {
  let server: TestServer;
  let workspace: string;
  beforeAll(async () => {
    ensureBuilt();
    server = await startServer((req, res) =>
      json(
        res,
        req.url === '/health' ? 200 : 401,
        req.url === '/health' ? { ok: true } : { error: { code: 'unauthorized', message: 'no' } },
        { 'x-request-id': 'r' },
      ),
    );
    workspace = mkdtempSync(join(tmpdir(), 'preflight-action-'));
    writeFileSync(
      join(workspace, 'preflight.yaml'),
      `target: { name: action, baseUrl: "${server.url}" }\npublicPaths: [/health]\nendpoints:\n  - { path: /api/items }\nhealth: /health\n`,
    );
  });
  afterAll(async () => server?.close());

  it('is a composite action whose SARIF upload waits for a .sarif output', () => {
    expect(action.runs.using).toBe('composite');
    const upload = action.runs.steps.find((s) => (s as { uses?: string }).uses?.startsWith('github/codeql-action/upload-sarif'));
    expect((upload as { if?: string }).if).toBe("steps.audit.outputs.sarif != ''");
  });

  it('first run: no baseline yet is a notice, the reports and outputs are set, the summary is written', async () => {
    const run = await runStep('Audit', workspace, {
      baseline: 'baseline/preflight-report.json',
      'fail-on-regression': 'true',
      'fail-under': '50',
      args: '--only request-id,default-deny',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('::notice::no baseline at baseline/preflight-report.json yet');
    expect(run.outputs['exit-code'], run.stderr).toMatch(/^[01]$/);
    expect(run.outputs.report).toBe('preflight-report.json');
    expect(run.outputs.score).toMatch(/^\d+$/);
    expect(run.outputs.grade).toMatch(/^[A-F]$/);
    expect(run.outputs.passed).toBe(run.outputs['exit-code'] === '0' ? 'true' : 'false');
    expect(run.outputs.sarif).toBe('');
    expect(existsSync(join(workspace, 'preflight-report.html'))).toBe(true);
    expect(run.summary).toMatch(/^# API preflight: action/);
  }, 60_000);

  it('next run: the previous JSON is the baseline; the gate step exits with the audit code', async () => {
    const run = await runStep('Audit', workspace, {
      baseline: 'preflight-report.json',
      'fail-on-regression': 'true',
      outputs: 'next.json',
      args: '--only request-id,default-deny',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.summary).toContain('## Compared with the baseline');
    expect(run.outputs.report).toBe('next.json');
    const gate = await runStep('Gate', workspace, {}, run.outputs);
    expect(gate.status).toBe(Number(run.outputs['exit-code']));
    expect((await runStep('Gate', workspace, {}, { 'exit-code': '3' })).stdout).toMatch(
      /^::error::preflight: the target could not be reached/,
    );
  });

  it('a baseline at the report path itself is still compared, and the new report replaces it', async () => {
    const run = await runStep('Audit', workspace, {
      baseline: 'next.json',
      outputs: 'next.json',
      args: '--only request-id,default-deny',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.outputs['exit-code']).toMatch(/^[01]$/);
    expect(run.outputs.score).toMatch(/^\d+$/);
    expect(run.summary).toContain('## Compared with the baseline');
  });
});

// Issue 21 item 3: nothing the action reads (its inputs, a report file left in the workspace) can
// write a workflow command or an output of its own.
describe('action.yml steps cannot be steered by what they read', () => {
  let workspace: string;
  let closedUrl: string;
  beforeAll(async () => {
    ensureBuilt();
    const gone = await startServer((_req, res) => json(res, 200, {}));
    closedUrl = gone.url;
    await gone.close();
    workspace = mkdtempSync(join(tmpdir(), 'preflight-action-hostile-'));
    writeFileSync(
      join(workspace, 'preflight.yaml'),
      `target: { name: gone, baseUrl: "${closedUrl}" }\nendpoints:\n  - { path: /api/items }\ndiscover: false\nlimits: { timeoutMs: 2000 }\n`,
    );
  });

  it('no run: script holds a ${{ }} expression (inputs reach the shell only through env)', () => {
    for (const step of action.runs.steps) if (step.run) expect(step.run, step.name).not.toContain('${{');
  });

  const commands = (stdout: string): string[] => stdout.split('\n').filter((line) => line.startsWith('::'));

  it('a newline in the baseline input stays inside the ::notice:: line', async () => {
    const run = await runStep('Audit', workspace, {
      baseline: 'nope.json\n::add-mask::hunter2\n::set-output name=exit-code::0\r\n::error::forged',
      outputs: 'r.json',
    });
    expect(commands(run.stdout)).toEqual([
      '::notice::no baseline at nope.json%0A::add-mask::hunter2%0A::set-output name=exit-code::0%0D%0A::error::forged yet (first run?): auditing without a comparison',
    ]);
  });

  it('a stale report at the report path supplies no output when the tool exits 3; the gate fails', async () => {
    writeFileSync(
      join(workspace, 'stale.json'),
      JSON.stringify({ score: '100\nexit-code=0', grade: 'A\npassed=true', gate: { passed: true } }),
    );
    const run = await runStep('Audit', workspace, { outputs: 'stale.json' });
    expect(run.outputs['exit-code']).toBe('3');
    expect(Object.keys(run.outputs).sort()).toEqual(['exit-code', 'report', 'sarif']);
    expect(existsSync(join(workspace, 'stale.json'))).toBe(false);
    const gate = await runStep('Gate', workspace, {}, run.outputs);
    expect(gate.status).toBe(3);
  }, 60_000);

  it('a report read back writes score only as a number and grade only as A-F', async () => {
    const step = action.runs.steps.find((s) => s.name === 'Audit')!;
    const reader = /node -e '([\s\S]*?)' "\$report"/.exec(step.run!)?.[1];
    expect(reader).toBeDefined();
    const file = join(workspace, 'forged.json');
    writeFileSync(file, JSON.stringify({ score: '100\nexit-code=0', grade: 'A\npassed=true', gate: { passed: 'true' } }));
    const output = join(workspace, 'forged-output');
    writeFileSync(output, '');
    const child = spawn('node', ['-e', reader!, file], { env: { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: output } });
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe('passed=false\n');
  });
});
