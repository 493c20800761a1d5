// Memory stays flat in endpoints: an audit of 1,000 endpoints on a loopback API, measured from
// outside in a child process (its peak RSS). The goal is 250 MB (BENCHMARKS.md); the assertion
// leaves headroom for CI noise. Not timed: time goals live in the bench.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/demo/common.js';
import { bigApiConfig, startBigApi } from '../helpers/big-api.js';
import { runMeasured } from '../helpers/spawn-cli.js';

describe('an audit of 1,000 endpoints', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startBigApi();
  });
  afterAll(async () => {
    await server.close();
  });

  it('peaks under 300 MB RSS and writes a bounded report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-memory-'));
    const config = join(dir, 'big.yaml');
    writeFileSync(
      config,
      bigApiConfig(server.url, 1000, {
        allowWrites: false,
        limits: '{ concurrency: 8, requestsPerSecond: 10000, maxRequests: 8000, timeoutMs: 5000 }',
      }),
    );
    const report = join(dir, 'report.json');
    const run = await runMeasured(['audit', '--config', config, '--quiet', '--no-progress', '--output', report], {}, 280_000);
    expect(run.code, run.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(report, 'utf8')) as { requests: number };
    expect(saved.requests).toBeGreaterThan(4000);
    expect(run.maxRssMb, `peak RSS of the audit process (${saved.requests} requests)`).toBeGreaterThan(0);
    expect(run.maxRssMb).toBeLessThan(300);
    expect(readFileSync(report).length, 'report bytes').toBeLessThan(20 * 1024 * 1024);
  }, 300_000);
});
