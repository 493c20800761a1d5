import { expect } from 'vitest';
import check from '../../checks/request-metrics.js';
import type { Target } from '../../src/types.js';
import { checkTester } from '../helpers/check-tester.js';
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
      name: 'metrics that count only 2xx: the 404s and the 500 are missing',
      ...service('only-2xx'),
      verdicts: [
        { verdict: 'undercounted', data: { delta: 8, sent: 13 } },
        { verdict: 'errorsNotCounted', data: { missing: '4xx or 5xx' } },
      ],
    },
    { name: 'no request metrics at all', ...service('none'), verdicts: ['noCounter', 'noHistogram'] },
  ],
});
