// One scale figure in a process of its own, so its peak RSS is its own: `node dist/bench/scale-run.js 500`
// audits 500 endpoints of a loopback API and prints {count, ms, requests, rssMb, heldMb, reportMb} as JSON.
// The API runs in a third process (bench/server-process.mjs): in this one, its own garbage from 33,000
// answers added 15–30 MB to the peak the row reports as the tool's.
// Run with --expose-gc, heldMb is the live heap after a full collection while the report is still held:
// what the audit keeps, apart from the garbage collector's headroom that peak RSS includes.
import { loadConfigText } from '../src/config/load.js';
import { jsonReportChunks } from '../src/report/json-stream.js';
import { preferSmallHeap } from '../src/runner/heap-policy.js';
import { runAudit } from '../src/runner/run.js';
import { startServerProcess } from './server-process.js';

// As the CLI does first thing (src/cli/main.ts): the figure is the engine as `preflight audit` runs it.
await preferSmallHeap();
const count = Number(process.argv[2] ?? 100);
const server = await startServerProcess();
try {
  const endpoints = Array.from({ length: count }, (_, i) => `  - { path: /api/r${i} }`).join('\n');
  // An unlimited budget: every check on every endpoint, so the figure is the tool's, not the plan's.
  const target = await loadConfigText(
    `target: { baseUrl: "${server.url}" }\nendpoints:\n${endpoints}\nhealth: /health\nlimits: { concurrency: 8, requestsPerSecond: 10000, maxRequests: 1000000, timeoutMs: 5000 }\nlatency: { samples: 5, concurrency: 2, maxSeconds: 2 }\n`,
    'scale.yaml',
    { env: {} },
  );
  const started = performance.now();
  const report = await runAudit(target);
  const ms = performance.now() - started;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heldMb = gc ? Math.round(process.memoryUsage().heapUsed / 2 ** 20) : undefined;
  // The size of the JSON report file as the CLI writes it, counted piece by piece: the bench must not
  // add a whole-report string of its own to the peak it measures.
  let reportBytes = 0;
  for (const piece of jsonReportChunks(report)) reportBytes += Buffer.byteLength(piece);
  const reportMb = reportBytes / 1e6;
  process.stdout.write(
    `${JSON.stringify({ count, ms: Math.round(ms), requests: report.requests, rssMb: Math.round(process.resourceUsage().maxRSS / 1024), heldMb, reportMb: Number(reportMb.toFixed(1)) })}\n`,
  );
} finally {
  server.stop();
}
