// Ctrl-C during an audit: the probing stops, every --output gets the partial report (marked
// interrupted, unprobed work as error), and the exit code is 130 (SIGINT) or 143 (SIGTERM).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { ensureBuilt } from '../helpers/spawn-cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

/** A loopback API that answers every request after 300 ms; `requested(n)` resolves at the n-th request. */
async function slowServer(): Promise<TestServer & { requested(n: number): Promise<void> }> {
  let count = 0;
  const waiters: Array<{ n: number; resolve(): void }> = [];
  const server = await startServer((req, res) => {
    count++;
    for (const waiter of waiters.filter((w) => count >= w.n)) waiter.resolve();
    setTimeout(() => json(res, 200, req.url === '/health' ? { ok: true } : { data: [] }, { 'x-request-id': 'r' }), 300);
  });
  return { ...server, requested: (n) => new Promise<void>((resolve) => (count >= n ? resolve() : waiters.push({ n, resolve }))) };
}

function runUntilSignalled(
  server: Awaited<ReturnType<typeof slowServer>>,
  signal: NodeJS.Signals,
  dir: string,
  afterRequests = 6,
): Promise<{ code: number | null; stderr: string }> {
  ensureBuilt();
  const config = join(dir, 'slow.yaml');
  writeFileSync(
    config,
    `target: { name: slow, baseUrl: "${server.url}" }\npublicPaths: [/health]\nendpoints:\n  - { path: /api/items }\n  - { path: /api/orders }\nhealth: /health\ndiscover: false\nlatency: { samples: 200 }\nlimits: { concurrency: 1, requestsPerSecond: 50 }\n`,
  );
  const child = spawn(
    process.execPath,
    ['bin/preflight.js', 'audit', '--config', config, '-o', join(dir, 'out.json'), '-o', join(dir, 'out.md')],
    { env: { PATH: process.env.PATH ?? '', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A hang is bounded: the test fails on the exit code, not by timing out.
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  // Event-based: signal once the audit is under way (that many requests reached the server), not after a sleep.
  void server.requested(afterRequests).then(() => child.kill(signal));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
}

describe('interrupting an audit', () => {
  let server: Awaited<ReturnType<typeof slowServer>> | undefined;
  afterEach(async () => server?.close());

  it('SIGINT: exit 130, the partial report in every --output, unprobed work marked error', async () => {
    server = await slowServer();
    const dir = mkdtempSync(join(tmpdir(), 'preflight-sigint-'));
    const run = await runUntilSignalled(server, 'SIGINT', dir);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/interrupted \(SIGINT\): writing the partial report/);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Report;
    expect(report.interrupted).toBe('SIGINT');
    expect(report.gate.passed).toBe(false);
    expect(report.gate.reasons[0]).toMatch(/^interrupted \(SIGINT\) before the audit finished/);
    const findings = report.items.flatMap((item) => item.findings);
    const unprobed = findings.filter(
      (f) => f.id.endsWith('/undecided') && f.data?.code === 'aborted' && /^interrupted \(SIGINT\)/.test(String(f.data?.reason)),
    );
    expect(unprobed.every((f) => f.status === 'error')).toBe(true);
    expect(unprobed.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'out.md'))).toBe(true);
    expect(readFileSync(join(dir, 'out.md'), 'utf8')).toMatch(/interrupted \(SIGINT\)/);
  }, 60_000);

  it('SIGINT while the target is still being checked: exit 130, a report with every item undecided', async () => {
    server = await slowServer();
    const dir = mkdtempSync(join(tmpdir(), 'preflight-sigint-early-'));
    const run = await runUntilSignalled(server, 'SIGINT', dir, 1);
    expect(run.code, run.stderr).toBe(130);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Report;
    expect(report.interrupted).toBe('SIGINT');
    expect(report.items.map((item) => item.status)).toEqual(Array(9).fill('error'));
  }, 60_000);

  it('SIGTERM: exit 143 with the partial report', async () => {
    server = await slowServer();
    const dir = mkdtempSync(join(tmpdir(), 'preflight-sigterm-'));
    const run = await runUntilSignalled(server, 'SIGTERM', dir);
    expect(run.code, run.stderr).toBe(143);
    expect((JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Report).interrupted).toBe('SIGTERM');
  }, 60_000);
});
