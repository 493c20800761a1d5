import { describe, expect, it } from 'vitest';
import check from '../../checks/background-work.js';
import { useServers } from '../helpers/server-pool.js';
import { json } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

/** slowMs scaled down with the delays, so no test waits seconds. */
const settings = 'limits: { requestsPerSecond: 1000, timeoutMs: 2000 }\nthresholds: { slowMs: 150 }\nlatency: { samples: 5, concurrency: 1, maxSeconds: 5 }\n';
const asyncImport = `endpoints:\n  - { method: POST, path: /api/imports, kind: async, body: { source: "s3://bucket/file.csv" } }\nallowWrites: true\n${settings}`;

describe('background-work check', () => {
  const serve = useServers();

  it('fails an endpoint whose median is over slowMs, stopping after three slow samples', async () => {
    const server = await serve((_req, res) => void setTimeout(() => json(res, 200, { total: 1 }), 300));
    const { findings } = await runCheck(check, await targetFor(server.url, `endpoints:\n  - { path: /api/reports/summary }\n${settings}`));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/^GET \/api\/reports\/summary took a median of 3\d\d ms, over slowMs \(150 ms\): this work belongs in a background job; timed over 3 of 5 requests one at a time \(stopped early: all 3 were over 150 ms\)$/);
    expect(server.requests).toHaveLength(1 + 3);
    expect(findings[0]!.data).toMatchObject({ slowMs: 150, samples: 3 });
  });

  it('passes a fast endpoint', async () => {
    const server = await serve((_req, res) => json(res, 200, { total: 1 }));
    const { findings } = await runCheck(check, await targetFor(server.url, `endpoints:\n  - { path: /api/reports/summary }\n${settings}`));
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.message).toMatch(/under slowMs \(150 ms\); timed over 5 requests one at a time$/);
  });

  it('fails an endpoint that never answers within the timeout', async () => {
    const server = await serve(() => undefined);
    const { findings } = await runCheck(check, await targetFor(server.url, `endpoints:\n  - { path: /api/reports/summary }\n${settings.replace('timeoutMs: 2000', 'timeoutMs: 300')}`));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/did not answer within 300 ms: this work belongs in a background job/);
  });

  it('passes a proper async endpoint: 202 at once, a Location that answers', async () => {
    const server = await serve((req, res) => {
      if (req.method === 'POST') return json(res, 202, { job_id: 'job_1' }, { location: '/api/jobs/job_1' });
      if (req.url === '/api/jobs/job_1') return json(res, 200, { status: 'queued' });
      json(res, 404, {});
    });
    const { findings } = await runCheck(check, await targetFor(server.url, asyncImport));
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.message).toMatch(/answered 202 in a median of [\d.]+ ms with status URL \/api\/jobs\/job_1, which answered 200; timed over 5 requests one at a time$/);
    expect(server.requests.filter((r) => r.method === 'GET').map((r) => r.url)).toEqual(['/api/jobs/job_1']);
  });

  it('fails an async endpoint that does the work inline and answers 200', async () => {
    const server = await serve((_req, res) => void setTimeout(() => json(res, 200, { imported: 1200 }), 200));
    const { findings } = await runCheck(check, await targetFor(server.url, asyncImport));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/marked kind: async but answered 200 after doing the work \(a median of 2\d\d ms/);
  });

  it('fails an async endpoint that answers 200 fast: the status says the work is done, so it ran inline', async () => {
    const server = await serve((_req, res) => json(res, 200, { imported: 3 }));
    const { findings } = await runCheck(check, await targetFor(server.url, asyncImport));
    expect(statuses(findings)).toEqual(['fail']);
  });

  it('fails a 202 whose status URL does not answer, and one with no way to follow the job', async () => {
    const dangling = await serve((req, res) => (req.method === 'POST' ? json(res, 202, {}, { location: '/api/jobs/gone' }) : json(res, 404, {})));
    const first = await runCheck(check, await targetFor(dangling.url, asyncImport));
    expect(statuses(first.findings)).toEqual(['fail']);
    expect(first.findings[0]!.message).toMatch(/status URL GET \/api\/jobs\/gone answered 404/);

    const anonymous = await serve((_req, res) => json(res, 202, { accepted: true }));
    const second = await runCheck(check, await targetFor(anonymous.url, asyncImport));
    expect(statuses(second.findings)).toEqual(['fail']);
    expect(second.findings[0]!.message).toMatch(/neither a job id nor a Location/);
  });

  it('warns on a 202 with a job id but nowhere to poll', async () => {
    const server = await serve((_req, res) => json(res, 202, { job_id: 'job_7' }));
    const { findings } = await runCheck(check, await targetFor(server.url, asyncImport));
    expect(statuses(findings)).toEqual(['warn']);
    expect(findings[0]!.message).toMatch(/job id job_7 but no Location header or status URL/);
  });

  it('skips async (write) endpoints without allowWrites, sending nothing', async () => {
    const server = await serve((_req, res) => json(res, 202, {}));
    const { findings } = await runCheck(check, await targetFor(server.url, asyncImport.replace('allowWrites: true\n', '')));
    expect(statuses(findings)).toEqual(['skip']);
    expect(server.requests).toHaveLength(0);
  });
});
