// GitHub's REST description (the @octokit/openapi dev dependency, 13 MB, about 1,200 operations):
// `preflight init` from it, and `audit --openapi` with it against a loopback mock, each in a child
// process with its peak RSS. The mock answers like a careful API: 401 without the token, lists as
// arrays, writes 201, a request id on every answer.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, sendJson } from '../src/demo/common.js';
import { packageRoot } from '../src/package-info.js';

export interface Measured {
  code: number | null;
  ms: number;
  rssMb: number;
  /** CPU time of the child (user + system): steadier than wall time on a shared machine. */
  cpuMs: number;
  stderr: string;
}

/** Runs the built CLI in a child process (test/helpers/measured-run.mjs) and returns its exit code, wall time and peak RSS. */
export function runMeasuredCli(args: string[], cwd: string, killAfterMs = 300_000): Promise<Measured> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageRoot(), 'test', 'helpers', 'measured-run.mjs'), ...args], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code) => {
      clearTimeout(killer);
      const match = /@@measure (\{.*\})/.exec(stderr);
      const measured = match ? (JSON.parse(match[1]!) as { maxRssMb: number; cpuMs: number }) : { maxRssMb: -1, cpuMs: -1 };
      resolve({ code, ms: performance.now() - started, rssMb: measured.maxRssMb, cpuMs: measured.cpuMs, stderr });
    });
  });
}

export function githubSpecPath(): string {
  return createRequire(join(packageRoot(), 'package.json')).resolve('@octokit/openapi/generated/api.github.com.json');
}

export async function githubInit(): Promise<{ ms: number; cpuMs: number; rssMb: number; endpoints: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-bench-gh-'));
  const run = await runMeasuredCli(['init', '--from-openapi', githubSpecPath(), '--output', 'github.yaml', '--force'], dir);
  if (run.code !== 0) throw new Error(`init failed: ${run.stderr.split('\n')[0]}`);
  const endpoints = (readFileSync(join(dir, 'github.yaml'), 'utf8').match(/^ {2}- method: /gm) ?? []).length;
  return { ms: run.ms, cpuMs: run.cpuMs, rssMb: run.rssMb, endpoints };
}

const TOKEN = 'bench-token';

export async function githubAudit(
  maxRequests = 2000,
): Promise<{ ms: number; rssMb: number; requests: number; findings: number; undecided: number; itemsDecided: number }> {
  const server = await listen((req, res) => {
    const headers = { 'x-request-id': String(req.headers['x-request-id'] ?? Math.random().toString(36).slice(2)) };
    req.resume();
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return sendJson(res, 401, { message: 'Requires authentication' }, headers);
    if (req.method === 'GET') return sendJson(res, 200, [], headers);
    if (req.method === 'POST') return sendJson(res, 201, { id: 1 }, headers);
    return sendJson(res, req.method === 'DELETE' ? 204 : 200, { id: 1 }, headers);
  });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-bench-gh-'));
    writeFileSync(
      join(dir, 'github.yaml'),
      `target: { name: github mock, baseUrl: "${server.url}" }\nauth: { headers: { Authorization: "Bearer ${TOKEN}" } }\nendpoints: []\nlimits: { requestsPerSecond: 10000, maxRequests: ${maxRequests}, concurrency: 8 }\nlatency: { samples: 10, maxSeconds: 5 }\n`,
    );
    const run = await runMeasuredCli(
      ['audit', '--config', 'github.yaml', '--openapi', githubSpecPath(), '--no-progress', '--quiet', '--output', 'report.json'],
      dir,
    );
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      requests: number;
      items: Array<{ score: number | null; findings: Array<{ status: string }> }>;
    };
    const findings = report.items.flatMap((item) => item.findings);
    return {
      ms: run.ms,
      rssMb: run.rssMb,
      requests: report.requests,
      findings: findings.length,
      undecided: findings.filter((f) => f.status === 'error').length,
      itemsDecided: report.items.filter((item) => item.score !== null).length,
    };
  } finally {
    await server.close();
  }
}
