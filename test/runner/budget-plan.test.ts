import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import type { RunningServer } from '../../src/demo/common.js';
import { runAudit } from '../../src/runner/run.js';
import { runCli } from '../helpers/cli.js';
import { bigApiConfig, startBigApi } from '../helpers/big-api.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('the budget plan', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startBigApi();
  });
  afterAll(async () => {
    await server.close();
  });

  it('decides every checklist item on 1,000 endpoints within maxRequests: 2000, states the sample, and sends what `preflight plan` said', async () => {
    const text = bigApiConfig(server.url, 1000);
    const dir = mkdtempSync(join(tmpdir(), 'preflight-plan-'));
    writeFileSync(join(dir, 'big.yaml'), text);
    const planned = await runCli(['plan', '--config', 'big.yaml', '--json'], { cwd: dir });
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as {
      requests: number;
      sampled: boolean;
      checks: Array<{ checkId: string; planned: number; applicable: number }>;
    };
    expect(plan.sampled).toBe(true);
    expect(plan.requests).toBeLessThanOrEqual(2000);

    const report = await runAudit(await loadConfigText(text, 'big.yaml', { env: {} }));
    // Item 9 reads the service's own telemetry, which this config does not name: "not audited", by design.
    const undecided = report.items.filter((item) => item.score === null).map((item) => `${item.id}: ${item.status}`);
    expect(undecided).toEqual(['observability: skip']);
    const findings = report.items.flatMap((item) => item.findings);
    // No finding ran out of budget: no undecided with code budget, and no verdict's data mentions one.
    const outOfBudget = findings.filter((f) => f.data?.code === 'budget' || /budget/.test(JSON.stringify(f.data ?? {})));
    expect(outOfBudget.map((f) => `${f.checkId} ${f.endpoint}`)).toEqual([]);
    expect(report.notes.join('\n')).toMatch(/auth-anonymous: \d+ of 1,000 endpoints, sampled across \d+ of 40 path prefixes/);
    expect(report.notes[0]).toMatch(/^budget plan: every check on every endpoint would take about [\d,]+ requests/);
    // What the plan said is what the run sent, within 10 %.
    expect(
      Math.abs(report.requests - plan.requests) / plan.requests,
      `planned ${plan.requests}, sent ${report.requests}`,
    ).toBeLessThanOrEqual(0.1);
  }, 180_000);

  it('changes with --max-requests and --rps, and does not sample when the budget covers everything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-plan-'));
    writeFileSync(join(dir, 'small.yaml'), bigApiConfig('http://127.0.0.1:9', 8));
    const full = await runCli(['plan', '--config', 'small.yaml'], { cwd: dir });
    expect(full.code).toBe(0);
    expect(full.stdout).toMatch(/not sampled: every check runs on every endpoint/);
    expect(full.stdout).toMatch(/auth-anonymous\s+default-deny\s+all 8\s+7/);

    const tight = await runCli(['plan', '--config', 'small.yaml', '--max-requests', '300', '--rps', '2'], { cwd: dir });
    expect(tight.stdout).toMatch(
      /sampled: every check on every endpoint would take about [\d,]+ requests; maxDurationMs 600,000 at 2 requests\/s|maxRequests 300 allows 270/,
    );
    expect(tight.stdout).toMatch(/latency-percentiles\s+latency\s+\d of 8/);
    expect(tight.stdout).toMatch(/at 2 requests\/s/);
  });
});
