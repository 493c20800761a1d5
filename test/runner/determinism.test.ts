// Issue 12, determinism: the same audit of the same unchanged server gives the same status for
// every finding, run after run, compared by identity (the finding key), not by position. A gate
// that flips on an unchanged API is switched off. Not a timed test: latency is left out, since its
// verdict may move only where a measured value crosses a threshold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASTIFY_CONFIG, startFastifyApi } from '../../bench/fastify-app.js';
import type { RunningServer } from '../../src/demo/common.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import { diffReports } from '../../src/report/baseline.js';
import { allFindings } from '../../src/report/common.js';
import type { Report } from '../../src/report/types.js';
import { runAudit } from '../../src/runner/run.js';
import { demoTarget } from '../helpers/demo.js';
import { targetFor } from '../helpers/target.js';

const RUNS = 3;
const SKIP = ['latency'];

function statusByKey(report: Report): Record<string, string> {
  return Object.fromEntries(allFindings(report).map((f) => [f.key, f.status]));
}

describe('the same audit of an unchanged server gives the same verdicts', () => {
  let fixed: RunningServer;
  let fastify: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    fixed = await startFixedApi();
    fastify = await startFastifyApi();
  });
  afterAll(async () => {
    await fixed?.close();
    await fastify?.close();
  });

  for (const [name, target] of [
    ['the fixed demo API', () => demoTarget(fixed.url)],
    ['a Fastify app with bodyLimit', () => targetFor(fastify.url, FASTIFY_CONFIG)],
  ] as const) {
    it(`${name}: ${RUNS} audits, every finding's status identical by key, no regression`, async () => {
      const reports: Report[] = [];
      for (let run = 0; run < RUNS; run++) reports.push(await runAudit(await target(), { skip: SKIP }));
      const first = statusByKey(reports[0]!);
      expect(Object.keys(first).length).toBeGreaterThan(10);
      for (const later of reports.slice(1)) {
        expect(statusByKey(later)).toEqual(first);
        expect(diffReports(reports[0]!, later).regressions).toEqual([]);
      }
    }, 240_000);
  }
});
