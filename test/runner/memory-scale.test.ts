// Issue 27: memory stays flat in endpoints. An audit of 1,000 endpoints of a loopback API with an
// unlimited budget (about 33,000 requests), measured from outside in a child process (its peak RSS):
// findings beyond a window and recorded answers beyond theirs live in temporary files, and the audit
// asks V8 for a small heap (src/runner/heap-policy.ts). Issue 27's bound is 220 MB; the same run peaks
// 130–160 MB here (bench: `npm run bench`, flat-memory rows), 205–240 MB without the heap policy. Not timed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/demo/common.js';
import { bigApiConfig, startBigApi } from '../helpers/big-api.js';
import { runMeasured } from '../helpers/spawn-cli.js';

describe('an audit of 1,000 endpoints with an unlimited budget', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startBigApi();
  });
  afterAll(async () => {
    await server.close();
  });

  it('peaks under 220 MB RSS and writes a bounded report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-memory-'));
    const config = join(dir, 'big.yaml');
    writeFileSync(
      config,
      bigApiConfig(server.url, 1000, {
        allowWrites: false,
        limits: '{ concurrency: 8, requestsPerSecond: 10000, maxRequests: 1000000, timeoutMs: 5000 }',
      }),
    );
    const report = join(dir, 'report.json');
    const run = await runMeasured(['audit', '--config', config, '--quiet', '--no-progress', '--output', report], {}, 280_000);
    expect(run.code, run.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(report, 'utf8')) as {
      requests: number;
      items: Array<{ findings: Array<{ evidence: unknown[] }> }>;
    };
    // Every request the plan wanted went out (nothing was cut by a budget), and the findings came back whole from disk.
    expect(saved.requests).toBeGreaterThan(20_000);
    const findings = saved.items.flatMap((item) => item.findings);
    expect(findings.length).toBeGreaterThan(5000);
    expect(findings.filter((finding) => finding.evidence.length > 0).length).toBeGreaterThan(4000);
    expect(run.maxRssMb, `peak RSS of the audit process (${saved.requests} requests)`).toBeGreaterThan(0);
    expect(run.maxRssMb).toBeLessThan(220);
  }, 300_000);
});
