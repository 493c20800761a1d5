import { describe, expect, it } from 'vitest';
import check from '../../checks/latency-percentiles.js';
import type { Finding } from '../../src/types.js';
import { useServers } from '../helpers/server-pool.js';
import { json } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

interface LatencyData {
  samplesMs: number[];
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  measured: string;
  concurrency: number;
}

const latencyOf = (finding: Finding): LatencyData => finding.data!.latency as LatencyData;

/** Nearest-rank percentile, computed independently of the check's histogram. */
function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

describe('latency-percentiles check', () => {
  const serve = useServers();

  it('reports p50/p95 within 10% (or 2 ms) of what the server measured of itself', async () => {
    // A known, skewed distribution: mostly 60-130 ms, a slow tail of 200-260 ms. (Long enough that a
    // few ms of scheduling noise on a busy machine stay inside the 10% the comparison allows.)
    const delays = [62, 95, 70, 85, 210, 66, 90, 80, 72, 130, 88, 61, 93, 75, 260, 84, 67, 97, 79, 230];
    const serverMs: number[] = [];
    let n = 0;
    const server = await serve((_req, res) => {
      const started = performance.now();
      res.on('finish', () => serverMs.push(performance.now() - started));
      // The first request is the warm-up; the samples then walk the list.
      const delay = n++ === 0 ? 5 : delays[(n - 2) % delays.length]!;
      setTimeout(() => json(res, 200, { ok: true }), delay);
    });
    const target = await targetFor(server.url, 'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000 }\nlatency: { samples: 20, concurrency: 1 }\nthresholds: { p95Ms: 500, p99Ms: 1000 }\n');
    const { findings } = await runCheck(check, target);
    expect(statuses(findings)).toEqual(['pass']);
    const figures = latencyOf(findings[0]!);
    const measured = serverMs.slice(1);
    expect(figures.count).toBe(20);
    expect(figures.samplesMs).toHaveLength(20);
    expect(figures.measured).toBe('time to last byte');
    expect(figures.concurrency).toBe(1);
    for (const p of [50, 95] as const) {
      const own = nearestRank(measured, p);
      const reported = p === 50 ? figures.p50 : figures.p95;
      expect(Math.abs(reported - own), `p${p}: reported ${reported}, server ${own}`).toBeLessThanOrEqual(Math.max(own * 0.1, 2));
    }
    expect(findings[0]!.message).toMatch(/^GET \/api\/items: p50 \d+ ms, p95 \d+ ms, p99 \d+ ms, max \d+ ms, within p95Ms 500 ms and p99Ms 1000 ms; time to last byte over 20 requests one at a time$/);
  });

  it('fails when p95 is over thresholds.p95Ms, one finding per concurrency', async () => {
    let n = 0;
    // Every fourth request takes 150 ms: p50 is fast, p95 is not.
    const server = await serve((_req, res) => void setTimeout(() => json(res, 200, {}), n++ % 4 === 3 ? 150 : 2));
    const target = await targetFor(server.url, 'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000 }\nlatency: { samples: 12, concurrency: 3 }\nthresholds: { p95Ms: 100, p99Ms: 200 }\n');
    const { findings } = await runCheck(check, target);
    expect(statuses(findings)).toEqual(['fail', 'fail']);
    expect(findings[0]!.message).toMatch(/^GET \/api\/items: p95 1\d\d ms is over thresholds\.p95Ms \(100 ms\); p50 [\d.]+ ms, .*time to last byte over 12 requests one at a time$/);
    expect(latencyOf(findings[0]!).p50).toBeLessThan(50);
    expect(latencyOf(findings[0]!).p95).toBeGreaterThanOrEqual(150);
    expect(latencyOf(findings[1]!).concurrency).toBe(3);
    expect(findings[1]!.message).toMatch(/at 3 in flight/);
    expect(findings[0]!.reproduce).toMatch(/^curl .*\/api\/items/);
  });

  it('cannot decide from error responses alone', async () => {
    const server = await serve((_req, res) => json(res, 401, { error: 'unauthorized' }));
    const target = await targetFor(server.url, 'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000 }\nlatency: { samples: 5, concurrency: 1 }\n');
    const { findings } = await runCheck(check, target);
    expect(statuses(findings)).toEqual(['error']);
    expect(findings[0]!.message).toMatch(/every sample of GET \/api\/items answered 401/);
  });

  it('fails an endpoint that does not answer within the timeout', async () => {
    const server = await serve(() => undefined);
    const target = await targetFor(server.url, 'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000, timeoutMs: 300 }\n');
    const { findings } = await runCheck(check, target);
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toBe('GET /api/items did not answer the warm-up within 300 ms, so it was not sampled');
  });

  it('times write endpoints only with allowWrites', async () => {
    const server = await serve((_req, res) => json(res, 201, { id: 'x' }));
    const yaml = 'endpoints:\n  - { method: POST, path: /api/items, body: { a: 1 } }\nlimits: { requestsPerSecond: 1000 }\nlatency: { samples: 3, concurrency: 1 }\n';
    const withoutWrites = await runCheck(check, await targetFor(server.url, yaml));
    expect(statuses(withoutWrites.findings)).toEqual(['skip']);
    expect(server.requests).toHaveLength(0);
    const withWrites = await runCheck(check, await targetFor(server.url, `${yaml}allowWrites: true\n`));
    expect(statuses(withWrites.findings)).toEqual(['pass']);
    expect(server.requests.map((r) => r.headers['content-type'])).toEqual(Array(4).fill('application/json'));
  });
});
