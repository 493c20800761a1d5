import { afterEach, describe, expect, it } from 'vitest';
import { startBrokenApi } from '../../src/demo/broken.js';
import type { RunningServer } from '../../src/demo/common.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import type { Report } from '../../src/report/types.js';
import { runAudit } from '../../src/runner/run.js';
import { demoTarget } from '../helpers/demo.js';
import type { Finding, Target } from '../../src/types.js';

const ITEMS = ['idempotency', 'background-work', 'latency'];
/** The broken API's slow routes sleep this long; the thresholds below are scaled down to match. */
const SLOW_MS = 300;

/** The demo's own config, with time thresholds and sample counts scaled down so the slow routes cost 300 ms, not 1.2 s. */
async function scaledDemoTarget(url: string): Promise<Target> {
  const target = await demoTarget(url);
  target.thresholds = { ...target.thresholds, slowMs: 200, p95Ms: 150, p99Ms: 250 };
  target.latency = { ...target.latency, samples: 10, maxSeconds: 1.5 };
  return target;
}

function findingsOf(report: Report, item: string): Finding[] {
  return report.items.find((i) => i.id === item)?.findings ?? [];
}

describe('the demo APIs on idempotency, background-work and latency', () => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  it('the broken API fails all three, with figures', async () => {
    const server = await startBrokenApi({ slowMs: SLOW_MS });
    servers.push(server);
    const report = await runAudit(await scaledDemoTarget(server.url), { only: ITEMS });
    for (const item of ITEMS) expect(report.items.find((i) => i.id === item)?.status, item).toBe('fail');

    const replay = findingsOf(report, 'idempotency').find((f) => f.id === 'idempotency/createdTwice')!;
    expect(replay.severity).toBe('critical');
    expect(replay.data!.created).toMatch(/^ord_new_\d+, ord_new_\d+$/);
    expect(replay.data).toMatchObject({ verify: 'GET /api/orders', added: 2 });

    const slow = findingsOf(report, 'background-work');
    const summary = slow.find((f) => f.endpoint === 'GET /api/reports/summary')!;
    expect(summary.id).toBe('background-work/slow');
    expect(summary.data).toMatchObject({ slowMs: 200, sampled: '3 of 10 requests one at a time (stopped early: all 3 were over 200 ms)' });
    expect(summary.data!.median).toMatch(/^[3-9]\d\d ms$/);
    expect(slow.find((f) => f.endpoint === 'POST /api/imports')!.id).toBe('background-work/asyncInline');

    const latency = findingsOf(report, 'latency').find(
      (f) => f.endpoint === 'GET /api/reports/summary' && f.id === 'latency-percentiles/overThresholds',
    )!;
    const figures = latency.data!.latency as { samplesMs: number[]; count: number; p95: number; measured: string };
    expect(figures.count).toBe(figures.samplesMs.length);
    expect(figures.p95).toBeGreaterThanOrEqual(SLOW_MS);
    expect(figures.measured).toBe('time to last byte');
  });

  it('the fixed API passes all three', async () => {
    const server = await startFixedApi();
    servers.push(server);
    const report = await runAudit(await scaledDemoTarget(server.url), { only: ITEMS });
    for (const item of ITEMS) {
      const findings = findingsOf(report, item);
      expect(findings.length, item).toBeGreaterThan(0);
      expect(
        findings
          .filter((f) => f.status !== 'pass' && f.status !== 'skip')
          .map((f) => `${f.checkId} ${f.endpoint}: ${f.status} ${f.message}`),
        item,
      ).toEqual([]);
    }
    const pair = findingsOf(report, 'idempotency').find((f) => f.key.startsWith('idempotency/pair@'))!;
    expect(['idempotency/pairConflict', 'idempotency/pairIdentical']).toContain(pair.id);
    expect(findingsOf(report, 'idempotency').map((f) => f.id)).toContain('idempotency/replayed');
  });
});
