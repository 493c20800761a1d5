import { describe, expect, it } from 'vitest';
import check, { judgeLatencyRound } from '../../checks/latency-percentiles.js';
import { summarize } from '../../src/measure/percentiles.js';
import type { SampleRound } from '../../src/measure/sampler.js';
import type { Finding } from '../../src/types.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

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
const keyed = (findings: Finding[], key: string): Finding => findings.find((f) => f.key.endsWith(`#${key}`))!;

/** Nearest-rank percentile, computed independently of the check's histogram. */
function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** A server for one case, kept so the case's assertions can see what it received. */
function kept(start: () => Promise<TestServer>): { server: () => Promise<TestServer>; seen: () => TestServer } {
  let started: TestServer | undefined;
  return { server: async () => (started = await start()), seen: () => started! };
}

// A known, skewed distribution: mostly 60-130 ms, a slow tail of 200-260 ms. (Long enough that a
// few ms of scheduling noise on a busy machine stay inside the 10% the comparison allows.)
const delays = [62, 95, 70, 85, 210, 66, 90, 80, 72, 130, 88, 61, 93, 75, 260, 84, 67, 97, 79, 230];
const serverMs: number[] = [];
const skewed = (): Promise<TestServer> => {
  let n = 0;
  serverMs.length = 0;
  return startServer((_req, res) => {
    const started = performance.now();
    res.on('finish', () => serverMs.push(performance.now() - started));
    // The first request is the warm-up; the samples then walk the list.
    const delay = n++ === 0 ? 5 : delays[(n - 2) % delays.length]!;
    setTimeout(() => json(res, 200, { ok: true }), delay);
  });
};
const slowTail = (): Promise<TestServer> => {
  let n = 0;
  // Every fourth request takes 150 ms: p50 is fast, p95 is not.
  return startServer((_req, res) => void setTimeout(() => json(res, 200, {}), n++ % 4 === 3 ? 150 : 2));
};
const writeYaml =
  'endpoints:\n  - { method: POST, path: /api/items, body: { a: 1 } }\nlimits: { requestsPerSecond: 1000 }\nlatency: { samples: 3, concurrency: 1 }\n';
const writesAllowed = kept(() => startServer((_req, res) => json(res, 201, { id: 'x' })));
const writesNotAllowed = kept(() => startServer((_req, res) => json(res, 201, { id: 'x' })));

checkTester.run(check, {
  config: 'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000 }\nlatency: { samples: 5, concurrency: 1 }\n',
  valid: [
    {
      name: 'p50/p95 within 10% (or 2 ms) of what the server measured of itself',
      server: skewed,
      config:
        'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000 }\nlatency: { samples: 20, concurrency: 1 }\nthresholds: { p95Ms: 500, p99Ms: 1000 }\n',
      verdicts: [
        { verdict: 'withinThresholds', data: { p95Ms: 500, p99Ms: 1000, basis: 'time to last byte over 20 requests one at a time' } },
      ],
      assert: (findings) => {
        const figures = latencyOf(byVerdict(findings, 'withinThresholds'));
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
      },
    },
    {
      name: 'write endpoints are timed with allowWrites, sending the JSON body',
      server: writesAllowed.server,
      config: `${writeYaml}allowWrites: true\n`,
      verdicts: ['withinThresholds'],
      assert: () => expect(writesAllowed.seen().requests.map((r) => r.headers['content-type'])).toEqual(Array(4).fill('application/json')),
    },
    {
      name: 'write endpoints are not timed without allowWrites',
      server: writesNotAllowed.server,
      config: writeYaml,
      verdicts: ['notOptedIn'],
      assert: () => expect(writesNotAllowed.seen().requests).toHaveLength(0),
    },
  ],
  invalid: [
    {
      name: 'p95 over thresholds.p95Ms, one finding per concurrency',
      server: slowTail,
      config:
        'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000 }\nlatency: { samples: 12, concurrency: 3 }\nthresholds: { p95Ms: 100, p99Ms: 200 }\n',
      verdicts: ['overThresholds', 'overThresholds'],
      assert: (findings) => {
        const sequential = keyed(findings, 'sequential');
        expect(sequential.data!.over).toMatch(/^p95 1\d\d ms is over thresholds\.p95Ms \(100 ms\)$/);
        expect(sequential.data!.basis).toBe('time to last byte over 12 requests one at a time');
        expect(latencyOf(sequential).p50).toBeLessThan(50);
        expect(latencyOf(sequential).p95).toBeGreaterThanOrEqual(150);
        expect(latencyOf(keyed(findings, 'concurrent')).concurrency).toBe(3);
        expect(keyed(findings, 'concurrent').data!.basis).toMatch(/at 3 in flight/);
        expect(sequential.reproduce).toMatch(/^curl .*\/api\/items/);
      },
    },
    {
      name: 'an endpoint that does not answer within the timeout',
      server: () => startServer(() => undefined),
      config: 'endpoints:\n  - { path: /api/items }\nlimits: { requestsPerSecond: 1000, timeoutMs: 300 }\n',
      verdicts: [{ verdict: 'timedOut', data: { endpoint: 'GET /api/items', timeoutMs: 300 } }],
    },
  ],
});

// The judge, in-process: a made-up round of samples in, one verdict and its data out. The servers above cover the timing itself.
describe('judgeLatencyRound', () => {
  const THRESHOLDS = { p95Ms: 100, p99Ms: 200 };
  const round = (samplesMs: number[], statuses = samplesMs.map(() => 200), concurrency = 1): SampleRound => ({
    concurrency,
    peakInFlight: concurrency,
    planned: samplesMs.length || 5,
    samplesMs,
    statuses,
    sampleStatuses: statuses,
    timeouts: 0,
    failures: 0,
  });
  const judged = async (sampled: SampleRound, createdIds: string[] = []) =>
    judgeLatencyRound('GET /api/items', sampled, await summarize(sampled.samplesMs), THRESHOLDS, createdIds);

  it('nothing answered: undecided', async () => {
    const { verdict, data } = await judged({ ...round([]), failures: 5 });
    expect(verdict).toBe('noAnswer');
    expect(data).toMatchObject({ endpoint: 'GET /api/items', sampled: '0 of 5 requests one at a time (5 lost to network errors)' });
  });

  it('error responses alone decide nothing', async () => {
    const { verdict, data } = await judged(round([5, 6, 7], [401, 401, 401]));
    expect(verdict).toBe('onlyErrors');
    expect(data).toMatchObject({ statuses: '401', basis: 'time to last byte over 3 requests one at a time, 3 of them answered 401' });
  });

  it('within both thresholds, some errors among the answers', async () => {
    const { verdict, data } = await judged(round([10, 20, 30, 40], [200, 200, 500, 200]));
    expect(verdict).toBe('withinThresholds');
    expect(data).toMatchObject({
      p95Ms: 100,
      p99Ms: 200,
      basis: 'time to last byte over 4 requests one at a time, 1 of them answered 500',
    });
    expect((data.latency as { samplesMs: number[] }).samplesMs).toEqual([10, 20, 30, 40]);
  });

  it('p95 over its threshold, named first', async () => {
    const { verdict, data } = await judged(round([...Array(18).fill(10), 150, 150], undefined, 3));
    expect(verdict).toBe('overThresholds');
    expect(data.over).toMatch(/^p95 15\d ms is over thresholds\.p95Ms \(100 ms\)$/);
    expect(data.basis).toBe('time to last byte over 20 requests at 3 in flight');
  });

  it('p95 and p99 both over', async () => {
    const { verdict, data } = await judged(round([300, 300, 300]));
    expect(verdict).toBe('overThresholds');
    expect(data.over).toMatch(/p95 .* over thresholds\.p95Ms \(100 ms\) and p99 .* over thresholds\.p99Ms \(200 ms\)$/);
  });

  it('records a write round created, to be deleted', async () => {
    const { verdict, data } = await judged(round([10, 10]), ['ord_1', 'ord_2']);
    expect(verdict).toBe('withinThresholds');
    expect(data.createdIds).toEqual(['ord_1', 'ord_2']);
    expect(data.basis).toMatch(/; timing it created 2 records on the target \(ord_1, ord_2\): delete them$/);
  });
});
