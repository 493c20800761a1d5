import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/runner/run.js';
import check from '../../checks/request-metrics.js';
import type { Target } from '../../src/types.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { targetFor } from '../helpers/target.js';
import { auditTraffic, parserRefusals, startObservedApp, type ObservedAppOptions } from '../helpers/observability-apps.js';

const config = `
endpoints:
  - { path: /api/orders }
  - { path: "/api/orders/{id}", params: { id: ord_1 } }
limits: { requestsPerSecond: 1000 }
`;
const observed = `${config}observability:\n  metrics: { url: "http://placeholder.invalid/metrics" }\n`;

/** The metrics page is the app's own /metrics: its port is known only once it listens. */
const metricsOnTarget = (target: Target): Target => ({
  ...target,
  observability: { ...target.observability!, metrics: { ...target.observability!.metrics!, url: `${target.baseUrl}/metrics` } },
});

const service = (metrics: ObservedAppOptions['metrics']) => ({
  server: () => startObservedApp({ metrics }),
  config: observed,
  target: metricsOnTarget,
  before: auditTraffic,
});

checkTester.run(check, {
  config,
  valid: [
    {
      name: 'a correct service: route templates, a status label, a histogram with a bucket at p95Ms',
      ...service('correct'),
      verdicts: [
        { verdict: 'counted', data: { metric: 'http_requests_total', delta: 13, sent: 13 } },
        'errorsCounted',
        'histogram',
        'boundedLabels',
      ],
    },
    {
      name: 'requests the HTTP parser refused (unknown method → 400, oversized headers → 431) are not counted as missing',
      ...service('correct'),
      before: async (http) => {
        await auditTraffic(http);
        expect(await parserRefusals(http)).toEqual([400, 431]);
      },
      verdicts: [{ verdict: 'counted', data: { delta: 13, sent: 13 } }, 'errorsCounted', 'histogram', 'boundedLabels'],
    },
    {
      name: 'observability not configured: one "not audited" row',
      server: () => startObservedApp({ metrics: 'correct' }),
      verdicts: ['notAudited'],
      assert: (findings) => expect(findings[0]?.message).toContain('not audited'),
    },
  ],
  invalid: [
    {
      name: 'raw paths as label values: every id and unknown path is a new series',
      ...service('raw-path'),
      verdicts: ['rawPathLabels'],
      assert: (findings) => expect(findings.find((f) => f.id === 'request-metrics/rawPathLabels')?.data?.count).toBe(9),
    },
    { name: 'a counter without a duration histogram', ...service('counter-only'), verdicts: ['noHistogram'] },
    {
      name: 'a summary instead of a histogram: no fleet-wide p95',
      ...service('summary'),
      verdicts: [{ verdict: 'noHistogram', data: { found: 'http_request_duration_seconds is a summary' } }],
    },
    {
      name: 'metrics that count only 2xx: the 404s and the 500 are missing',
      ...service('only-2xx'),
      verdicts: [
        { verdict: 'undercounted', data: { delta: 8, sent: 13 } },
        { verdict: 'errorsNotCounted', data: { missing: '4xx or 5xx' } },
      ],
    },
    { name: 'no request metrics at all', ...service('none'), verdicts: ['noCounter', 'noHistogram'] },
    {
      name: 'a metrics URL that is not an exposition page is undecided, not a service without metrics',
      ...service('correct'),
      target: (target: Target): Target => ({
        ...target,
        observability: { ...target.observability!, metrics: { ...target.observability!.metrics!, url: `${target.baseUrl}/api/orders` } },
      }),
      verdicts: ['undecided'],
    },
  ],
});

describe('the metrics source', () => {
  const TOKEN = 'metrics-token-5b2e';
  // A configured secret in the metrics URL: telemetry's errors are raw, so only makeFinding can mask it.
  const KEY = 'metrics-key-9c1d7e3a';
  const audit = async (token: string) => {
    const app = await startObservedApp({ metrics: 'correct', metricsToken: TOKEN });
    try {
      const target = await targetFor(
        app.url,
        `${config}secrets: { values: ["${KEY}"] }\nobservability:\n  metrics: { url: "${app.url}/metrics?key=${KEY}", headers: { Authorization: "Bearer \${METRICS_TOKEN}" } }\n`,
        { METRICS_TOKEN: token },
      );
      return await runAudit(target, { only: ['request-metrics'] });
    } finally {
      await app.close();
    }
  };

  it('gets the configured headers, never shows them, and is not a target request', async () => {
    const report = await audit(TOKEN);
    const findings = report.items.flatMap((item) => item.findings);
    // The app does not count its /metrics page: had the two readings gone through the target's client,
    // the run's request count would be two more than the requests the service counted.
    expect(findings.find((f) => f.id === 'request-metrics/counted')?.data).toMatchObject({ sent: report.requests });
    const text = JSON.stringify(report);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(KEY);
  });

  it('refusing the headers is undecided, with the token masked', async () => {
    const report = await audit('wrong-token-0000');
    const findings = report.items.flatMap((item) => item.findings).filter((f) => f.checkId === 'request-metrics');
    expect(findings.map((f) => f.id)).toEqual(['request-metrics/undecided']);
    expect(byVerdict(findings, 'undecided').data).toMatchObject({
      code: 'network',
      reason: expect.stringMatching(/key=\*\*\* answered 401;/),
    });
    expect(JSON.stringify(report)).not.toContain('wrong-token-0000');
    expect(JSON.stringify(report)).not.toContain(KEY);
  });
});
