// Item 9 through a real Prometheus: the test apps are scraped every second by Debian's prometheus,
// which loads the rules file; the audit reads the query, metadata, targets and rules APIs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/runner/run.js';
import type { Finding } from '../../src/types.js';
import { ERROR_RATE_RULE, LATENCY_RULE, rulesFile } from '../fixtures/alert-rules.js';
import { startObservedApp } from '../helpers/observability-apps.js';
import { noPrometheusReason, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { targetFor } from '../helpers/target.js';

const missing = noPrometheusReason();
const dir = mkdtempSync(join(tmpdir(), 'preflight-prom-audit-'));

describe('observability through a real Prometheus (scrape + rules API)', () => {
  let prometheus: RunningPrometheus;
  const apps: Array<{ url: string; close(): Promise<void> }> = [];
  const [correctLog, brokenLog] = [join(dir, 'orders.log'), join(dir, 'broken.log')];

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    apps.push(await startObservedApp({ metrics: 'correct', logs: 'json', logFile: correctLog }));
    apps.push(await startObservedApp({ metrics: 'raw-path', logs: 'pino-http-default', logFile: brokenLog }));
    // The rules select the orders-api job only: for broken-api they are rules over series it does not export.
    prometheus = await startPrometheus(
      { 'orders-api': apps[0]!.url, 'broken-api': apps[1]!.url },
      rulesFile(ERROR_RATE_RULE, LATENCY_RULE),
    );
  }, 40_000);
  afterAll(async () => {
    await prometheus?.close();
    for (const app of apps) await app.close();
  });

  const audit = async (baseUrl: string, job: string, logFile: string): Promise<Finding[]> => {
    const target = await targetFor(
      baseUrl,
      `auth:\n  headers: { Authorization: "Bearer audit-token-7d1e" }\nendpoints:\n  - { path: /api/orders }\n  - { path: "/api/orders/{id}", params: { id: ord_1 } }\nlimits: { requestsPerSecond: 200 }\n` +
        `observability:\n  metrics: { prometheus: "${prometheus.url}", selector: '{job="${job}"}' }\n  alertRules: {}\n  logs: { file: "${logFile}", settleMs: 100 }\n`,
    );
    const report = await runAudit(target, { only: ['observability', 'unknown-route', 'request-id'] });
    return report.items.find((item) => item.id === 'observability')!.findings;
  };
  const verdicts = (findings: Finding[]): string[] => findings.map((f) => f.id).sort();

  it('a correct service: its traffic counted, both alerts over its series, its request ids logged', async () => {
    const findings = await audit(apps[0]!.url, 'orders-api', correctLog);
    expect(verdicts(findings)).toEqual([
      'alert-rules/errorRateAlert',
      'alert-rules/latencyAlert',
      'request-logs/fieldsLogged',
      'request-logs/idsLogged',
      'request-logs/noCredentialsInLogs',
      'request-metrics/boundedLabels',
      'request-metrics/counted',
      'request-metrics/errorsCounted',
      'request-metrics/histogram',
    ]);
    const counted = findings.find((f) => f.id === 'request-metrics/counted')!;
    expect(counted.data?.delta).toBeGreaterThanOrEqual(counted.data?.sent as number);
  }, 60_000);

  it('a broken service: raw-path labels, rules over another job, the Authorization header in its logs', async () => {
    const findings = await audit(apps[1]!.url, 'broken-api', brokenLog);
    const problems = findings.filter((f) => f.status !== 'pass').map((f) => f.id);
    expect(problems.sort()).toEqual([
      'alert-rules/noErrorRateAlert',
      'alert-rules/noLatencyAlert',
      'request-logs/credentialsLogged',
      'request-metrics/rawPathLabels',
    ]);
    expect(JSON.stringify(findings)).not.toContain('audit-token-7d1e');
  }, 60_000);
});
