// Checklist item 9 on the demo APIs: the broken one labels metrics by raw path, has no histogram,
// logs the Authorization header and ships no alert; the fixed one passes every item-9 check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokenApi } from '../../src/demo/broken.js';
import { demoEnv, type RunningServer } from '../../src/demo/common.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import type { Report } from '../../src/report/types.js';
import { auditDemo, item } from '../helpers/demo.js';

// The admin wordlist and unknown-route probes give the audit distinct unknown paths to trace.
const ONLY = ['observability', 'admin-surface', 'unknown-route', 'request-id'];

describe('the demo APIs on item 9, observability', () => {
  const servers: RunningServer[] = [];
  let broken: Report;
  let fixed: Report;
  beforeAll(async () => {
    servers.push(await startBrokenApi({ slowMs: 20 }), await startFixedApi());
    [broken, fixed] = await Promise.all(servers.map((server) => auditDemo(server, { only: ONLY })));
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  const problems = (report: Report): string[] =>
    item(report, 'observability')
      .findings.filter((f) => f.status !== 'pass')
      .map((f) => f.id)
      .sort();

  it('the broken API fails it: raw-path labels, no histogram, credentials in its logs, no alerts', () => {
    expect(problems(broken)).toEqual([
      'alert-rules/noErrorRateAlert',
      'alert-rules/noLatencyAlert',
      'request-logs/credentialsLogged',
      'request-metrics/noHistogram',
      'request-metrics/rawPathLabels',
    ]);
    expect(item(broken, 'observability').status).toBe('fail');
    // The logged token is masked in the report, whichever line shows it.
    const text = JSON.stringify(broken);
    expect(text).not.toContain(demoEnv(servers[0]!.url).DEMO_TOKEN!);
    expect(text).not.toContain('preflight-canary-');
  });

  it('the fixed API passes it', () => {
    expect(problems(fixed)).toEqual([]);
    expect(item(fixed, 'observability')).toMatchObject({ status: 'pass', score: 100 });
    expect(
      item(fixed, 'observability')
        .findings.map((f) => f.id)
        .sort(),
    ).toEqual([
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
  });
});
