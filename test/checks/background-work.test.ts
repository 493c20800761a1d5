import { expect } from 'vitest';
import check from '../../checks/background-work.js';
import type { Finding } from '../../src/types.js';
import { checkTester } from '../helpers/check-tester.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

/** slowMs scaled down with the delays, so no test waits seconds. */
const settings =
  'limits: { requestsPerSecond: 1000, timeoutMs: 2000 }\nthresholds: { slowMs: 150 }\nlatency: { samples: 5, concurrency: 1, maxSeconds: 5 }\n';
const summary = `endpoints:\n  - { path: /api/reports/summary }\n${settings}`;
const asyncImport = `endpoints:\n  - { method: POST, path: /api/imports, kind: async, body: { source: "s3://bucket/file.csv" } }\nallowWrites: true\n${settings}`;

/** A server for one case, kept so the case's assertions can count what it received. */
function kept(start: () => Promise<TestServer>): { server: () => Promise<TestServer>; seen: () => TestServer } {
  let started: TestServer | undefined;
  return { server: async () => (started = await start()), seen: () => started! };
}

const only = (findings: Finding[]): Finding => {
  expect(findings).toHaveLength(1);
  return findings[0]!;
};

const slowSummary = kept(() => startServer((_req, res) => void setTimeout(() => json(res, 200, { total: 1 }), 300)));
const properJob = kept(() =>
  startServer((req, res) => {
    if (req.method === 'POST') return json(res, 202, { job_id: 'job_1' }, { location: '/api/jobs/job_1' });
    if (req.url === '/api/jobs/job_1') return json(res, 200, { status: 'queued' });
    json(res, 404, {});
  }),
);
const withoutWrites = kept(() => startServer((_req, res) => json(res, 202, {})));
const fastErrors = kept(() => startServer((_req, res) => json(res, 500, { error: 'internal' })));
let calls = 0;
const someErrors = kept(() =>
  startServer((_req, res) =>
    ++calls % 2 === 0 ? json(res, 500, { error: 'internal' }) : void setTimeout(() => json(res, 200, { total: 1 }), 300),
  ),
);

checkTester.run(check, {
  config: summary,
  valid: [
    {
      name: 'a fast endpoint',
      server: () => startServer((_req, res) => json(res, 200, { total: 1 })),
      verdicts: [{ verdict: 'fast', data: { slowMs: 150, samples: 5, sampled: '5 requests one at a time' } }],
    },
    {
      name: 'a proper async endpoint: 202 at once, a Location that answers',
      server: properJob.server,
      config: asyncImport,
      verdicts: [
        {
          verdict: 'asyncFollowable',
          data: { status: 202, statusUrl: '/api/jobs/job_1', statusAnswer: 200, sampled: '5 requests one at a time' },
        },
      ],
      assert: () =>
        expect(
          properJob
            .seen()
            .requests.filter((r) => r.method === 'GET')
            .map((r) => r.url),
        ).toEqual(['/api/jobs/job_1']),
    },
    {
      name: 'async (write) endpoints are skipped without allowWrites, sending nothing',
      server: withoutWrites.server,
      config: asyncImport.replace('allowWrites: true\n', ''),
      verdicts: ['notOptedIn'],
      assert: () => expect(withoutWrites.seen().requests).toHaveLength(0),
    },
  ],
  invalid: [
    {
      name: 'a median over slowMs, stopping after three slow samples',
      server: slowSummary.server,
      verdicts: [
        {
          verdict: 'slow',
          data: { slowMs: 150, samples: 3, sampled: '3 of 5 requests one at a time (stopped early: all 3 were over 150 ms)' },
        },
      ],
      assert: (findings) => {
        expect(only(findings).data!.median).toMatch(/^3\d\d ms$/);
        expect(slowSummary.seen().requests).toHaveLength(1 + 3);
      },
    },
    {
      name: 'an endpoint that never answers within the timeout',
      server: () => startServer(() => undefined),
      config: summary.replace('timeoutMs: 2000', 'timeoutMs: 300'),
      verdicts: [{ verdict: 'timedOut', data: { timeoutMs: 300 } }],
    },
    {
      name: 'an async endpoint that does the work inline and answers 200',
      server: () => startServer((_req, res) => void setTimeout(() => json(res, 200, { imported: 1200 }), 200)),
      config: asyncImport,
      verdicts: [{ verdict: 'asyncInline', data: { status: 200 } }],
      assert: (findings) => expect(only(findings).data!.median).toMatch(/^2\d\d ms$/),
    },
    {
      name: 'an async endpoint that answers 200 fast: the status says the work is done, so it ran inline',
      server: () => startServer((_req, res) => json(res, 200, { imported: 3 })),
      config: asyncImport,
      verdicts: ['asyncInline'],
    },
    {
      name: 'a 202 whose status URL does not answer',
      server: () =>
        startServer((req, res) => (req.method === 'POST' ? json(res, 202, {}, { location: '/api/jobs/gone' }) : json(res, 404, {}))),
      config: asyncImport,
      verdicts: [{ verdict: 'asyncStatusBroken', data: { statusUrl: '/api/jobs/gone', statusAnswer: 404 } }],
    },
    {
      name: 'a 202 with no way to follow the job',
      server: () => startServer((_req, res) => json(res, 202, { accepted: true })),
      config: asyncImport,
      verdicts: ['asyncUntrackable'],
    },
    {
      name: 'a 202 with a job id but nowhere to poll',
      server: () => startServer((_req, res) => json(res, 202, { job_id: 'job_7' })),
      config: asyncImport,
      verdicts: [{ verdict: 'asyncNoStatusUrl', data: { jobId: 'job_7' } }],
    },
    {
      name: 'an async endpoint that refuses the configured body is undecided',
      server: () => startServer((_req, res) => json(res, 422, { error: 'invalid source' })),
      config: asyncImport,
      verdicts: [{ verdict: 'asyncRefused', data: { status: 422 } }],
    },
    // Issue 13.8: a median over error answers passed.
    {
      name: 'an endpoint that answers 500 fast is undecided, not a pass',
      server: fastErrors.server,
      verdicts: [{ verdict: 'noWorkTimed', data: { statuses: ['500'] } }],
    },
    {
      name: 'fast 500s among slow 200s do not pull the median under slowMs',
      server: () => {
        calls = 0;
        return someErrors.server();
      },
      config: summary.replace('samples: 5', 'samples: 6'),
      verdicts: [{ verdict: 'slow', data: { samples: 3 } }],
      assert: (findings) => expect(only(findings).data!.sampled).toMatch(/of which 3 answered 500 and were not timed$/),
    },
  ],
});
