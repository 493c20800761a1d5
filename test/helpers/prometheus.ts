// A real Prometheus (Debian's /usr/bin/prometheus) on loopback for the observability tests: a
// generated config scraping the test apps every second and loading a rules file. One per test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** Why the real-Prometheus tests cannot run here, or undefined when they can. */
export function noPrometheusReason(): string | undefined {
  try {
    accessSync(PROMETHEUS_BIN, constants.X_OK);
    return undefined;
  } catch {
    return `no Prometheus at ${PROMETHEUS_BIN}: set PROMETHEUS_BIN, or run .ci/run, which installs Debian's prometheus`;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`Prometheus: ${what} not within ${timeoutMs} ms`);
}

export interface RunningPrometheus {
  url: string;
  close(): Promise<void>;
}

/** Starts Prometheus scraping each job's host:port every second, with the rules file; resolves once every target is up. */
export async function startPrometheus(jobs: Record<string, string>, rules: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-prometheus-'));
  writeFileSync(join(dir, 'rules.yml'), rules);
  const scrapeConfigs = Object.entries(jobs)
    .map(([job, url]) => `  - job_name: ${job}\n    static_configs: [{ targets: ["${new URL(url).host}"] }]`)
    .join('\n');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nrule_files: ["${join(dir, 'rules.yml')}"]\nscrape_configs:\n${scrapeConfigs}\n`,
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('ready', async () => (await fetch(`${url}/-/ready`)).ok, 20_000);
    await until(
      'every target up',
      async () => {
        const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ health: string }> } };
        const targets = body.data.activeTargets;
        return targets.length === Object.keys(jobs).length && targets.every((t) => t.health === 'up');
      },
      10_000,
    );
  } catch (error) {
    await close();
    throw new Error(`${(error as Error).message}; its stderr: ${stderr}`);
  }
  return { url, close };
}
