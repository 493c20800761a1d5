import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface MeasuredRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  maxRssMb: number;
}

const ROOT = process.cwd();

/** npm test builds first; when a test file runs alone, build once so the real command exists. */
export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) execFileSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, stdio: 'ignore' });
}

/** Runs the built CLI in a child process; reports exit code, output, wall time and peak RSS. */
export function runMeasured(args: string[], env: Record<string, string> = {}, killAfterMs = 60_000): Promise<MeasuredRun> {
  ensureBuilt();
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'test', 'helpers', 'measured-run.mjs'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code) => {
      clearTimeout(killer);
      const marker = /@@measure (\{.*\})\s*$/.exec(stderr);
      const measured = marker ? (JSON.parse(marker[1]!) as { maxRssMb: number }) : { maxRssMb: -1 };
      resolve({
        code,
        stdout,
        stderr: marker ? stderr.slice(0, marker.index).trimEnd() : stderr,
        wallMs: performance.now() - started,
        maxRssMb: measured.maxRssMb,
      });
    });
  });
}
