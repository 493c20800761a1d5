// npm run bench: the speed and memory figures of issues 9, 16 and 27, measured in one run on this
// machine, printed as a table. Every server is on 127.0.0.1 and every loop is bounded.
// `npm run bench -- --smoke` runs every section once at a small size (CI runs it after the tests): the
// figures of a smoke run mean nothing, it only proves the bench still runs, and exits 1 when a section breaks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../src/config/load.js';
import { startBrokenApi } from '../src/demo/broken.js';
import { demoEnv } from '../src/demo/common.js';
import { DEMO_CONFIG } from '../src/demo/config.js';
import { startFixedApi } from '../src/demo/fixed.js';
import { packageRoot } from '../src/package-info.js';
import { runAudit } from '../src/runner/run.js';
import { startHostile } from '../test/hostile/servers.js';
import { githubAudit, githubInit, runMeasuredCli } from './github.js';
import { latencyFidelity, samplingThroughput } from './latency.js';
import { stackDetectionMs } from './stack-detect.js';
import { scannerCost } from './scanner.js';

interface Row {
  figure: string;
  measured: string;
  goal: string;
  met: boolean | undefined;
}

/** A quick run of every section at a small size: proves the bench runs, measures nothing worth reading. */
const smoke = process.argv.includes('--smoke');
const rows: Row[] = [];
const root = packageRoot();
const bin = join(root, 'bin', 'preflight.js');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median wall time of a command over `runs` runs (after one untimed run to warm the file cache). */
function timeCommand(args: string[], runs = smoke ? 2 : 15): number {
  spawnSync(process.execPath, args, { stdio: 'ignore' });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    spawnSync(process.execPath, args, { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  return median(times);
}

async function coldStart(): Promise<void> {
  const bare = timeCommand(['-e', '0']);
  for (const [label, args, goal] of [
    ['preflight --version', [bin, '--version'], 1.5],
    ['preflight checks', [bin, 'checks'], 2],
  ] as const) {
    const ms = timeCommand([...args]);
    const ratio = ms / bare;
    rows.push({
      figure: `cold start: ${label}`,
      measured: `${ms.toFixed(0)} ms = ${ratio.toFixed(2)}× node -e 0 (${bare.toFixed(0)} ms)`,
      goal: `≤ ${goal}×`,
      met: ratio <= goal,
    });
  }
}

async function demoWallTime(): Promise<void> {
  // The demo config paces requests at 200/s (a polite default for a real API); that pacing is a
  // deliberate delay too, so the tool's own time is measured with it lifted.
  const audit = async (
    label: string,
    start: () => ReturnType<typeof startFixedApi>,
    options: { unpaced: boolean; note: string },
  ): Promise<void> => {
    const server = await start();
    try {
      const target = await loadConfigText(DEMO_CONFIG, 'demo', { env: demoEnv(server.url) });
      if (options.unpaced) target.limits.requestsPerSecond = 10_000;
      const started = performance.now();
      const report = await runAudit(target);
      const ms = performance.now() - started;
      rows.push({
        figure: `demo audit: ${label}`,
        measured: `${(ms / 1000).toFixed(2)} s, ${report.requests} requests, score ${report.score}${options.note}`,
        goal: '< 2 s excluding deliberate delays',
        met: options.note ? undefined : ms < 2000,
      });
    } finally {
      await server.close();
    }
  };
  await audit('fixed API, unpaced', startFixedApi, { unpaced: true, note: '' });
  // The broken API's slow endpoints sleep on purpose; with the sleeps at 1 ms the rest is the tool's own time.
  await audit('broken API, unpaced, sleeps off', () => startBrokenApi({ slowMs: 1 }), { unpaced: true, note: '' });
  if (smoke) return;
  await audit('fixed API, as shipped (200 req/s)', startFixedApi, { unpaced: false, note: ' (paced at 200 req/s)' });
  await audit('broken API, as shipped', () => startBrokenApi(), { unpaced: false, note: ' (200 req/s, 1.2 s sleeps)' });
}

/** Audits of 100 / 500 / 1,000 endpoints, each in its own process (bench/scale-run.ts): time should grow linearly, memory stay flat. */
async function scale(): Promise<void> {
  const results: Array<{ count: number; ms: number; rssMb: number; heldMb: number; requests: number; reportMb: number }> = [];
  for (const count of smoke ? [10, 20] : [100, 500, 1000]) {
    // --expose-gc only so the child can say what it holds after a full collection (heldMb); the tool runs without it.
    const child = spawnSync(process.execPath, ['--expose-gc', join(root, 'dist', 'bench', 'scale-run.js'), String(count)], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (child.status !== 0) throw new Error(`scale run of ${count} endpoints failed: ${(child.stderr || '').split('\n')[0]}`);
    results.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as (typeof results)[number]);
  }
  const first = results[0]!;
  const last = results[results.length - 1]!;
  const perEndpointGrowth = last.ms / last.count / (first.ms / first.count);
  rows.push({
    figure: 'scale: endpoints → wall time, requests, report (unlimited budget)',
    measured: results.map((r) => `${r.count}: ${(r.ms / 1000).toFixed(1)} s, ${r.requests} req, JSON file ${r.reportMb} MB`).join('; '),
    goal: 'time per endpoint at 1,000 ≤ 1.5× that at 100',
    met: perEndpointGrowth <= 1.5,
  });
  // Issue 27: memory must not grow with the requests an audit sends, so the peaks stand side by side.
  const peaks = results.map((r) => r.rssMb);
  const spread = Math.max(...peaks) / Math.min(...peaks) - 1;
  rows.push({
    figure: `flat memory: peak RSS at ${results.map((r) => r.count).join(' / ')} endpoints`,
    measured: `${peaks.join(' / ')} MB (largest ${(100 * spread).toFixed(0)} % above smallest)`,
    goal: '< 200 MB each, within 15 % of each other',
    met: Math.max(...peaks) < 200 && spread <= 0.15,
  });
  // What the audit holds once its report is built: live heap after a full GC. Peak RSS adds the young
  // generation (up to 32 MB) and the old generation's headroom, which V8 sizes at up to 4× what is live.
  rows.push({
    figure: `memory held after the audit (live heap after GC) at ${results.map((r) => r.count).join(' / ')} endpoints`,
    measured: `${results.map((r) => r.heldMb).join(' / ')} MB`,
    goal: '(what peak RSS is made of)',
    met: undefined,
  });
}

/** The CLI auditing a 1,000-route API that lists, reads, writes and queues jobs, writes allowed, no budget: the 709 MB figure. */
async function bigApi(): Promise<void> {
  const { bigApiConfig, startBigApi } = await import('../test/helpers/big-api.js');
  const server = await startBigApi();
  try {
    const count = smoke ? 20 : 1000;
    const dir = mkdtempSync(join(tmpdir(), 'preflight-bench-big-'));
    writeFileSync(
      join(dir, 'big.yaml'),
      bigApiConfig(server.url, count, { limits: '{ concurrency: 8, requestsPerSecond: 10000, maxRequests: 1000000, timeoutMs: 5000 }' }),
    );
    const run = await runMeasuredCli(
      ['audit', '--config', 'big.yaml', '--no-progress', '--quiet', '--output', 'report.json'],
      dir,
      600_000,
    );
    if (run.code !== 0 && run.code !== 1) throw new Error(`audit of the big API exited ${run.code}: ${run.stderr.split('\n')[0]}`);
    rows.push({
      figure: `peak RSS: CLI audit of a ${count}-route API, writes allowed, no budget`,
      measured: `${run.rssMb} MB, ${(run.ms / 1000).toFixed(1)} s`,
      goal: '< 200 MB',
      met: run.rssMb < 200,
    });
  } finally {
    await server.close();
  }
}

/** GitHub's 13 MB spec: init, then audit --openapi against a loopback mock with the default budget. */
async function githubSpec(): Promise<void> {
  if (smoke) {
    // init from the 13 MB spec has its own test (test/openapi/large-spec.test.ts); the smoke audits with a tiny budget.
    await githubAudit(100);
    return;
  }
  const init = await githubInit();
  rows.push({
    figure: "init --from-openapi GitHub's spec (1,223 ops)",
    measured: `${(init.ms / 1000).toFixed(1)} s wall (${(init.cpuMs / 1000).toFixed(1)} s CPU), ${init.rssMb} MB peak RSS, ${init.endpoints} endpoints`,
    goal: '< 5 s, < 300 MB',
    met: init.ms < 5000 && init.rssMb < 300,
  });
  const audit = await githubAudit();
  const share = audit.findings ? (100 * audit.undecided) / audit.findings : 0;
  rows.push({
    figure: "audit --openapi GitHub's spec, maxRequests 2000",
    measured: `${(audit.ms / 1000).toFixed(1)} s, ${audit.requests} requests, ${audit.undecided} of ${audit.findings} findings undecided (${share.toFixed(1)} %), ${audit.itemsDecided} of 8 items decided, ${audit.rssMb} MB peak RSS`,
    goal: 'undecided < 5 %, < 200 MB',
    met: share < 5 && audit.rssMb < 200,
  });
}

/** Peak RSS of a whole audit, in a child process, against a target that streams 500 MiB bodies. */
async function peakRssOnHugeBody(): Promise<void> {
  // The same hostile server the test suite uses: /health answers, every other path streams 500 MiB.
  const server = await startHostile('streams a 500 MiB body');
  try {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-bench-'));
    const config = join(dir, 'huge.yaml');
    writeFileSync(
      config,
      `target: { baseUrl: "${server.url}" }\nendpoints:\n  - { path: /api/huge, kind: list }\n  - { path: /api/huge2 }\nhealth: /health\nlimits: { timeoutMs: 5000, maxDurationMs: 60000 }\nlatency: { samples: 5, maxSeconds: 3 }\n`,
    );
    const peak = (await runMeasuredCli(['audit', '--config', config, '--no-progress', '--format', 'json'], dir, 120_000)).rssMb;
    rows.push({
      figure: 'peak RSS: full audit of a 500 MiB-body target',
      measured: `${peak} MB`,
      goal: '< 150 MB',
      met: peak > 0 && peak < 150,
    });
  } finally {
    await server.close();
  }
}

function print(): void {
  const widths = [52, 70, 36];
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 10)).join(' │ ');
  console.log(
    `\napi-preflight benchmarks${smoke ? ' (SMOKE: sizes cut down, figures not meaningful)' : ''} · node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB · ${new Date().toISOString()}\n` +
      `load average (1/5/15 min) at start ${loadAtStart}, at end ${loadNow()}: figures measured on a busy machine are slower than an idle one's\n`,
  );
  console.log(`${line(['figure', 'measured', 'goal'])} │ met`);
  console.log('─'.repeat(175));
  for (const row of rows)
    console.log(`${line([row.figure, row.measured, row.goal])} │ ${row.met === undefined ? '–' : row.met ? 'yes' : 'NO'}`);
}

/** Issue 24: loading the stack packs and recognising the stack at the end of a full-budget run. */
async function stackDetection(): Promise<void> {
  const answers = smoke ? 200 : 2000;
  const { loadMs, detectMs } = await stackDetectionMs(answers);
  const total = loadMs + detectMs;
  rows.push({
    figure: `stack packs: load + detect over ${answers} recorded 16 KiB answers`,
    measured: `${Math.round(total)} ms (load ${Math.round(loadMs)} ms, detect ${Math.round(detectMs)} ms)`,
    goal: '< 250 ms',
    met: total < 250,
  });
}

function loadNow(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}
const loadAtStart = loadNow();

// One temporary folder for the whole run (its configs, reports and the CLI processes' spill), removed at its end.
const runTmp = mkdtempSync(join(tmpdir(), 'preflight-bench-run-'));
process.env.TMPDIR = runTmp;

const sections: Array<[string, () => Promise<void>]> = [
  ['cold start', coldStart],
  // Scale first: its peak-RSS figures are this process's, before any other section adds to them.
  ['scale', scale],
  ['big API', bigApi],
  ["GitHub's spec", githubSpec],
  ['demo wall time', demoWallTime],
  // 1,000 samples: with 300, p99 is the third-slowest sample and one scheduling hiccup moves it by half a millisecond.
  ['latency fidelity', async () => void rows.push(...(await latencyFidelity(smoke ? 30 : 1000)))],
  ['sampling throughput', async () => void rows.push(...(await samplingThroughput(smoke ? { amount: 400, runs: 1 } : undefined)))],
  ['peak RSS', peakRssOnHugeBody],
  ['stack detection', stackDetection],
  ['credential scanner', async () => void rows.push(...(await scannerCost()))],
];
const broken: string[] = [];
for (const [name, run] of sections) {
  process.stderr.write(`bench: ${name}…\n`);
  try {
    await run();
  } catch (error) {
    rows.push({ figure: name, measured: `failed: ${(error as Error).message}`, goal: '', met: false });
    broken.push(name);
  }
}
print();
rmSync(runTmp, { recursive: true, force: true });
// A missed goal is a figure to read; a section that threw is a broken bench (the smoke in CI fails on it).
if (broken.length > 0) {
  console.error(`bench: ${broken.length} section(s) failed to run: ${broken.join(', ')}`);
  process.exitCode = 1;
}
