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

    const replay = findingsOf(report, 'idempotency').find((f) => /sent twice/.test(f.message))!;
    expect(replay.status).toBe('fail');
    expect(replay.severity).toBe('critical');
    expect(replay.message).toMatch(/two resources \(ord_new_\d+, ord_new_\d+\)/);
    expect(replay.message).toMatch(/GET \/api\/orders grew by 2/);

    const slow = findingsOf(report, 'background-work');
    expect(slow.find((f) => f.endpoint === 'GET /api/reports/summary')!.message).toMatch(/took a median of [3-9]\d\d ms, over slowMs \(200 ms\): this work belongs in a background job; timed over 3 of 10 requests one at a time/);
    expect(slow.find((f) => f.endpoint === 'POST /api/imports')!.message).toMatch(/kind: async but answered 200 after doing the work/);

    const latency = findingsOf(report, 'latency').find((f) => f.endpoint === 'GET /api/reports/summary' && f.status === 'fail')!;
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
      expect(findings.filter((f) => f.status !== 'pass' && f.status !== 'skip').map((f) => `${f.checkId} ${f.endpoint}: ${f.status} ${f.message}`), item).toEqual([]);
    }
    const pair = findingsOf(report, 'idempotency').find((f) => /in flight at once|sent together/.test(f.message))!;
    expect(pair.message).toMatch(/409 Conflict|identical result/);
  });
});
