// The spinner under pseudo-terminals (util-linux `script`): a terminal of 0 columns (some CI runners)
// once made ora repeat cursor-up codes forever (309 MB in 10 minutes for a 7-request audit).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/spawn-cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const STOP_READING_AT = 5 * 1024 * 1024;

/** Runs the built CLI under `script` with a terminal of `cols` columns; kills it after killAfterMs. */
function underPty(
  cols: number,
  args: string[],
  env: Record<string, string>,
  killAfterMs = 40_000,
): Promise<{ output: string; bytes: number; killed: boolean; code: number | null }> {
  ensureBuilt();
  const command = `stty cols ${cols} rows 40; exec ${process.execPath} bin/preflight.js ${args.map((a) => `'${a}'`).join(' ')}`;
  return new Promise((resolve) => {
    // detached: the kill reaches script and the CLI under it (a process group).
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let bytes = 0;
    let killed = false;
    const stop = (): void => {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (output.length < 200_000) output += chunk.toString();
      if (bytes > STOP_READING_AT && !killed) stop();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const killer = setTimeout(stop, killAfterMs);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ output, bytes, killed, code });
    });
  });
}

describe('progress spinner under a pseudo-terminal', () => {
  let server: TestServer;
  let config: string;
  beforeAll(async () => {
    // Slow enough answers that a spinner gets many frames in.
    server = await startServer((req, res) => {
      setTimeout(() => json(res, req.url === '/health' ? 200 : 200, { data: [] }, { 'x-request-id': 'r' }), 40);
    });
    const dir = mkdtempSync(join(tmpdir(), 'preflight-pty-'));
    config = join(dir, 'target.yaml');
    writeFileSync(
      config,
      `target: { name: pty, baseUrl: "${server.url}" }\npublicPaths: [/health, /api/items]\nendpoints:\n  - { path: /api/items }\nhealth: /health\nlatency: { samples: 5 }\n`,
    );
  });
  afterAll(async () => server?.close());

  it('0 columns: no spinner, the run ends by itself and prints a small report', async () => {
    const run = await underPty(0, ['audit', '--config', config, '--only', 'request-id,latency'], {});
    expect(run.killed, `killed after ${run.bytes} bytes: ${run.output.slice(-300)}`).toBe(false);
    expect(run.bytes).toBeLessThan(100_000);
    expect(run.output).toMatch(/requests in/);
  }, 60_000);

  it('80 columns with NO_COLOR: a spinner, without colour codes', async () => {
    const run = await underPty(80, ['audit', '--config', config, '--only', 'request-id,latency'], { NO_COLOR: '1' });
    expect(run.killed).toBe(false);
    expect(run.output).toMatch(/auditing/);
    // eslint-disable-next-line no-control-regex
    expect(run.output).not.toMatch(/\u001b\[(3\d|9\d|1)m/);
  }, 60_000);
});
