// Flap count (issue 12): audit the same unchanged server five times and count the findings whose
// status differs from the first run (paired by key), and the runs that `--fail-on-regression`
// against the first run would fail. Targets: the broken and fixed demo APIs and a Fastify app.
// Run: npm run build && node dist/bench/flaps.js [runs]
import { startBrokenApi } from '../src/demo/broken.js';
import { demoEnv, type RunningServer } from '../src/demo/common.js';
import { DEMO_CONFIG } from '../src/demo/config.js';
import { startFixedApi } from '../src/demo/fixed.js';
import { loadConfigText } from '../src/config/load.js';
import { diffReports } from '../src/report/baseline.js';
import { allFindings } from '../src/report/common.js';
import type { Report } from '../src/report/types.js';
import { runAudit } from '../src/runner/run.js';
import { FASTIFY_CONFIG, startFastifyApi } from './fastify-app.js';

const runs = Number(process.argv[2] ?? 5);

async function flaps(name: string, url: string, config: string, env: Record<string, string>): Promise<void> {
  const reports: Report[] = [];
  for (let i = 0; i < runs; i++) reports.push(await runAudit(await loadConfigText(config, `${name}.yaml`, { env })));
  const first = new Map(allFindings(reports[0]!).map((f) => [f.key, f.status]));
  const flapped = new Set<string>();
  let tripped = 0;
  for (const later of reports.slice(1)) {
    const now = new Map(allFindings(later).map((f) => [f.key, f.status]));
    for (const key of new Set([...first.keys(), ...now.keys()])) if (first.get(key) !== now.get(key)) flapped.add(key);
    if (diffReports(reports[0]!, later).regressions.length) tripped++;
  }
  const scores = reports.map((r) => r.score).join('/');
  console.log(
    `${name.padEnd(22)} ${runs} runs: ${first.size} findings, ${flapped.size} flapped, ${tripped} regression trips, scores ${scores}${flapped.size ? ` (${[...flapped].slice(0, 5).join(', ')})` : ''}`,
  );
  void url;
}

const broken: RunningServer = await startBrokenApi();
const fixed: RunningServer = await startFixedApi();
const fastify = await startFastifyApi();
try {
  await flaps('broken demo', broken.url, DEMO_CONFIG, demoEnv(broken.url));
  await flaps('fixed demo', fixed.url, DEMO_CONFIG, demoEnv(fixed.url));
  await flaps('fastify (bodyLimit)', fastify.url, `target: { name: fastify, baseUrl: "${fastify.url}" }\n${FASTIFY_CONFIG}`, {});
} finally {
  await Promise.all([broken.close(), fixed.close(), fastify.close()]);
}
