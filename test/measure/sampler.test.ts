import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/client.js';
import { summarize } from '../../src/measure/percentiles.js';
import { peakOverlap, sample, type SamplePlan } from '../../src/measure/sampler.js';
import { runAudit } from '../../src/runner/run.js';
import type { Limits } from '../../src/types.js';
import { useServers } from '../helpers/server-pool.js';
import { json } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

const limits: Limits = {
  concurrency: 4,
  requestsPerSecond: 1000,
  maxRequests: 500,
  timeoutMs: 3000,
  maxResponseBytes: 64 * 1024,
  maxDurationMs: 60_000,
};
const plan = (overrides: Partial<SamplePlan>): SamplePlan => ({
  samples: 10,
  concurrency: 1,
  budgetMs: 10_000,
  budgetName: 'latency.maxSeconds: 10',
  ...overrides,
});

/** Answers after `ms` milliseconds, counting how many requests it holds at once. */
function delayed(ms: number, stats = { inFlight: 0, peak: 0 }): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    stats.peak = Math.max(stats.peak, ++stats.inFlight);
    setTimeout(() => {
      stats.inFlight--;
      json(res, 200, { ok: true });
    }, ms);
  };
}

describe('summarize (hdr-histogram-js)', () => {
  it('gives nearest-rank percentiles within the histogram precision', async () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    const summary = await summarize(samples);
    expect(summary.count).toBe(100);
    for (const [figure, exact] of [
      ['p50', 50],
      ['p95', 95],
      ['p99', 99],
      ['max', 100],
    ] as const) {
      expect(Math.abs(summary[figure] - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.01);
    }
    expect(await summarize([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});

describe('sampler', () => {
  const serve = useServers();

  it('stops before overrunning the time budget and says how many samples it took', async () => {
    // 30 samples of 100 ms cannot fit in 2 s; the budget leaves room for several even when the machine is
    // busy with other test files (700 ms once fitted only the warm-up and one sample under load).
    const server = await serve(delayed(100));
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    const started = performance.now();
    const samples = await sample(
      http,
      { method: 'GET', path: '/slow' },
      plan({ samples: 30, concurrency: 4, budgetMs: 2000, budgetName: 'latency.maxSeconds: 2' }),
    );
    const elapsed = performance.now() - started;
    await http.close();
    const taken = samples.sequential.samplesMs.length;
    expect(taken).toBeGreaterThanOrEqual(2);
    expect(taken).toBeLessThan(30);
    expect(samples.sequential.stopped).toBe('the time budget (latency.maxSeconds: 2) was spent');
    expect(samples.concurrent).toBeUndefined();
    expect(elapsed).toBeLessThan(2000 + 100);
    expect(server.requests).toHaveLength(1 + taken);
  });

  it('stops after three samples once each is over slowMs: a slow median needs no more proof', async () => {
    const server = await serve(delayed(120));
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    const samples = await sample(http, { method: 'GET', path: '/report' }, plan({ samples: 30, concurrency: 4, slowMs: 60 }));
    await http.close();
    expect(samples.sequential.samplesMs).toHaveLength(3);
    expect(samples.sequential.stopped).toBe('all 3 were over 60 ms');
    expect(server.requests).toHaveLength(4);
  });

  it('really has `concurrency` requests in flight in the second round, as the server counts them', async () => {
    const stats = { inFlight: 0, peak: 0 };
    const server = await serve(delayed(60, stats));
    const http = await createHttpClient({ baseUrl: server.url, limits, allowWrites: false });
    const samples = await sample(http, { method: 'GET', path: '/x' }, plan({ samples: 8, concurrency: 4 }));
    await http.close();
    expect(stats.peak).toBe(4);
    expect(samples.concurrent!.samplesMs).toHaveLength(8);
    expect(samples.concurrent!.peakInFlight).toBe(4);
    expect(server.requests).toHaveLength(1 + 8 + 8);
  });

  it('reports a lower peak when the rate limit keeps requests from overlapping', async () => {
    const server = await serve(delayed(1));
    const http = await createHttpClient({ baseUrl: server.url, limits: { ...limits, requestsPerSecond: 50 }, allowWrites: false });
    const samples = await sample(http, { method: 'GET', path: '/x' }, plan({ samples: 4, concurrency: 4 }));
    await http.close();
    expect(samples.concurrent!.peakInFlight).toBe(1);
  });

  it('counts a timed-out sample at the time the client gave up', async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      // The third request (second sample) never answers.
      if (++calls !== 3) json(res, 200, {});
    });
    const http = await createHttpClient({ baseUrl: server.url, limits: { ...limits, timeoutMs: 200 }, allowWrites: false });
    const samples = await sample(http, { method: 'GET', path: '/x' }, plan({ samples: 4 }));
    await http.close();
    expect(samples.sequential.timeouts).toBe(1);
    expect(samples.sequential.samplesMs).toHaveLength(4);
    expect(Math.max(...samples.sequential.samplesMs)).toBeGreaterThanOrEqual(195);
  });

  it('measures each endpoint once when background-work and latency both need it', async () => {
    const server = await serve((req, res) => json(res, 200, { path: req.url }));
    const target = await targetFor(
      server.url,
      'endpoints:\n  - { path: /api/items }\nhealth: /health\nlimits: { requestsPerSecond: 1000 }\nlatency: { samples: 6, concurrency: 2 }\n',
    );
    const report = await runAudit(target, { only: ['background-work', 'latency'] });
    // The runner's existence probe, then one warm-up and both rounds, shared by the two checks.
    expect(server.requests.filter((r) => r.url === '/api/items')).toHaveLength(1 + 1 + 6 + 6);
    const checks = new Set(
      report.items
        .flatMap((item) => item.findings)
        .filter((f) => f.endpoint === 'GET /api/items')
        .map((f) => f.checkId),
    );
    expect(checks).toEqual(new Set(['background-work', 'latency-percentiles']));
  });

  it('times a write endpoint with a few requests one at a time: each one creates a record', async () => {
    let created = 0;
    const server = await serve((req, res) => (req.method === 'POST' ? json(res, 201, { id: `item_${++created}` }) : json(res, 200, {})));
    const target = await targetFor(
      server.url,
      'endpoints:\n  - { method: POST, path: /api/items, kind: write, body: { name: x } }\nhealth: /health\nallowWrites: true\nlimits: { requestsPerSecond: 1000 }\nlatency: { samples: 30, concurrency: 4 }\n',
    );
    const report = await runAudit(target, { only: ['background-work', 'latency'] });
    // The runner's existence probe, then a warm-up and MAX_WRITE_SAMPLES samples; no concurrent round.
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1 + 1 + 5);
    // Every record the timing created is named, for the owner to delete.
    const latency = report.items.flatMap((item) => item.findings).find((f) => f.checkId === 'latency-percentiles')!;
    // (item_1 is the existence probe's.)
    expect(latency.data?.createdIds).toEqual(['item_2', 'item_3', 'item_4', 'item_5', 'item_6', 'item_7']);
    expect(latency.id).toBe('latency-percentiles/withinThresholds');
    expect(latency.data?.basis).toMatch(
      /timing it created 6 records on the target \(item_2, item_3, item_4, item_5, item_6, item_7\): delete them$/,
    );
  });
});

describe('peakOverlap', () => {
  it('counts back-to-back intervals as not overlapping', () => {
    expect(
      peakOverlap([
        [0, 10],
        [10, 20],
      ]),
    ).toBe(1);
    expect(
      peakOverlap([
        [0, 10],
        [5, 20],
        [6, 7],
      ]),
    ).toBe(3);
    expect(peakOverlap([])).toBe(1);
  });
});
