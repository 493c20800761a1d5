import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import check from '../../checks/alert-rules.js';
import type { Target } from '../../src/types.js';
import { ERROR_RATE_RULE, LATENCY_RULE, rulesFile } from '../fixtures/alert-rules.js';
import { checkTester } from '../helpers/check-tester.js';
import { auditTraffic, startObservedApp } from '../helpers/observability-apps.js';

const dir = mkdtempSync(join(tmpdir(), 'preflight-rules-'));
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const both = write('both.yml', rulesFile(ERROR_RATE_RULE, LATENCY_RULE));
const onlyErrors = write('errors.yml', rulesFile(ERROR_RATE_RULE));
const none = write('none.yml', rulesFile());
const ghost = write('ghost.yml', rulesFile(ERROR_RATE_RULE.replaceAll('http_requests_total', 'api_requests_total'), LATENCY_RULE));
const lax = write('lax.yml', rulesFile(ERROR_RATE_RULE, LATENCY_RULE.replace('> 0.5', '> 5')));
write('split-a.yml', rulesFile(ERROR_RATE_RULE));
write('split-b.yml', rulesFile(LATENCY_RULE));
const invalid = write('invalid.yml', rulesFile(ERROR_RATE_RULE, LATENCY_RULE, '      - alert: Broken\n        expr: sum(rate(x[5m])'));

const config = `
endpoints:
  - { path: /api/orders }
limits: { requestsPerSecond: 1000 }
`;
const rules = (file: string): string =>
  `${config}observability:\n  metrics: { url: "http://placeholder.invalid/metrics" }\n  alertRules: { files: [${JSON.stringify(file)}] }\n`;

/** The rules are checked against the series the app really exports, on its own /metrics. */
const metricsOnTarget = (target: Target): Target => ({
  ...target,
  observability: { ...target.observability!, metrics: { ...target.observability!.metrics!, url: `${target.baseUrl}/metrics` } },
});
const withRules = (file: string) => ({
  server: () => startObservedApp({ metrics: 'correct' }),
  config: rules(file),
  target: metricsOnTarget,
  before: auditTraffic,
});

checkTester.run(check, {
  config,
  valid: [
    { name: 'an error-rate and a p95 alert over the exported series', ...withRules(both), verdicts: ['errorRateAlert', 'latencyAlert'] },
    { name: 'the two alerts in two files of a glob', ...withRules(join(dir, 'split-*.yml')), verdicts: ['errorRateAlert', 'latencyAlert'] },
  ],
  invalid: [
    { name: 'only the error-rate alert', ...withRules(onlyErrors), verdicts: ['noLatencyAlert'] },
    { name: 'no alerting rules at all', ...withRules(none), verdicts: ['noErrorRateAlert', 'noLatencyAlert'] },
    {
      name: 'an error-rate rule over a metric the service does not export never fires',
      ...withRules(ghost),
      verdicts: [
        {
          verdict: 'noErrorRateAlert',
          data: {
            ghosts:
              ' (ApiHighErrorRate selects api_requests_total{job="orders-api",status_code=~"5.."}, which this service does not export)',
          },
        },
      ],
    },
    {
      name: 'a p95 alert at 10× thresholds.p95Ms',
      ...withRules(lax),
      verdicts: [{ verdict: 'latencyThresholdHigh', data: { thresholdMs: 5000 } }],
    },
    { name: 'a rule that is not PromQL is named and not counted', ...withRules(invalid), verdicts: ['invalidExpr'] },
  ],
});
