// Item 9 (observability) in the stack packs: every framework pack says how to fix each metrics,
// alerting and logging verdict, and the alerting rules it shows are accepted by promtool and by the
// alert-rules check itself, over the series the pack's exporter really names.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import check from '../../checks/alert-rules.js';
import { loadChecks } from '../../src/runner/registry.js';
import { loadStacks } from '../../src/stack/registry.js';
import type { Target } from '../../src/types.js';
import { VERDICT_GROUPS } from '../../stacks/lib/verdict-groups.js';
import { checkTester } from '../helpers/check-tester.js';
import { noPrometheusReason, PROMETHEUS_BIN } from '../helpers/prometheus.js';
import { startServer } from '../helpers/servers.js';

const ITEM_9_GROUPS = ['metrics', 'metricLabels', 'alertRules', 'requestLogs', 'logCredentials'] as const;
/** A proxy sees requests and writes access logs; metrics and alerts belong to the service behind it. */
const PROXY_GROUPS = ['requestLogs', 'logCredentials'] as const;

/**
 * One series of each metric as the stack's exporter writes it (names and labels from its docs): the
 * counter the pack's alert divides, and a bucket of the histogram it takes the p95 of.
 */
const EXPORTED: Record<string, string[]> = {
  express: [
    'http_request_duration_seconds_bucket{method="GET",route="/api/orders",status_code="200",le="0.5"} 3',
    'http_request_duration_seconds_count{method="GET",route="/api/orders",status_code="200"} 3',
  ],
  fastify: [
    'http_request_duration_seconds_bucket{method="GET",route="/api/orders",status_code="200",le="0.5"} 3',
    'http_request_duration_seconds_count{method="GET",route="/api/orders",status_code="200"} 3',
  ],
  nestjs: [
    'http_request_duration_seconds_bucket{method="GET",route="/api/orders",status_code="200",le="0.5"} 3',
    'http_request_duration_seconds_count{method="GET",route="/api/orders",status_code="200"} 3',
  ],
  koa: [
    'http_request_duration_seconds_bucket{method="GET",route="/api/orders",status_code="200",le="0.5"} 3',
    'http_request_duration_seconds_count{method="GET",route="/api/orders",status_code="200"} 3',
  ],
  fastapi: [
    'http_requests_total{handler="/api/orders",method="GET",status="2xx"} 3',
    'http_request_duration_seconds_bucket{handler="/api/orders",method="GET",le="0.5"} 3',
  ],
  django: [
    // prometheus_client adds _total to a counter's samples
    'django_http_responses_total_by_status_view_method_total{status="200",view="orders",method="GET"} 3',
    'django_http_requests_latency_seconds_by_view_method_bucket{view="orders",method="GET",le="0.5"} 3',
  ],
  flask: [
    'flask_http_request_total{method="GET",status="200"} 3',
    'flask_http_request_duration_seconds_bucket{method="GET",path="/api/orders",status="200",le="0.5"} 3',
  ],
  'spring-boot': [
    'http_server_requests_seconds_count{exception="none",method="GET",outcome="SUCCESS",status="200",uri="/api/orders"} 3',
    'http_server_requests_seconds_bucket{exception="none",method="GET",outcome="SUCCESS",status="200",uri="/api/orders",le="0.5"} 3',
  ],
  'aspnet-core': [
    'http_requests_received_total{code="200",method="GET",controller="Orders",action="List",endpoint="api/orders"} 3',
    'http_request_duration_seconds_bucket{code="200",method="GET",controller="Orders",action="List",endpoint="api/orders",le="0.512"} 3',
  ],
  rails: [
    'rails_requests_total{controller="orders",action="index",status="200",format="json",method="get"} 3',
    'rails_request_duration_seconds_bucket{controller="orders",action="index",le="0.5"} 3',
  ],
  go: [
    'http_request_duration_seconds_bucket{method="GET",route="GET /api/orders",code="200",le="0.5"} 3',
    'http_request_duration_seconds_count{method="GET",route="GET /api/orders",code="200"} 3',
  ],
};

const packs = await loadStacks();
const frameworks = packs.filter((pack) => pack.kind === 'framework');
const proxies = packs.filter((pack) => pack.kind === 'proxy');

describe('stack packs cover checklist item 9', () => {
  it('the item-9 groups hold every fail or warn verdict of its three checks but invalidExpr (promtool is the fix everywhere)', async () => {
    const declared = (await loadChecks())
      .filter((c) => ['request-metrics', 'alert-rules', 'request-logs'].includes(c.meta.id))
      .flatMap((c) =>
        Object.entries(c.meta.verdicts)
          .filter(([, spec]) => spec.status === 'fail' || spec.status === 'warn')
          .map(([id]) => `${c.meta.id}/${id}`),
      );
    expect(ITEM_9_GROUPS.flatMap((group) => VERDICT_GROUPS[group]).sort()).toEqual(
      declared.filter((id) => id !== 'alert-rules/invalidExpr').sort(),
    );
  });

  it.each(frameworks.map((pack) => [pack.id, pack] as const))('%s has a fix with a snippet for every item-9 verdict', (_id, pack) => {
    for (const verdict of ITEM_9_GROUPS.flatMap((group) => VERDICT_GROUPS[group]))
      expect(pack.fixes[verdict]?.snippet, `${pack.id} ${verdict}`).toBeTruthy();
  });

  it.each(proxies.map((pack) => [pack.id, pack] as const))(
    'proxy %s says how to log requests with their id and without credentials',
    (_id, pack) => {
      for (const verdict of PROXY_GROUPS.flatMap((group) => VERDICT_GROUPS[group]))
        expect(pack.fixes[verdict]?.snippet, `${pack.id} ${verdict}`).toBeTruthy();
    },
  );

  it('every framework pack is in the table of exported series below', () => {
    expect(Object.keys(EXPORTED).sort()).toEqual(frameworks.map((pack) => pack.id).sort());
  });
});

const dir = mkdtempSync(join(tmpdir(), 'preflight-pack-rules-'));
const ruleFile = (stack: string): string => {
  const file = join(dir, `${stack}.yml`);
  writeFileSync(file, frameworks.find((pack) => pack.id === stack)!.fixes['alert-rules/noErrorRateAlert']!.snippet!);
  return file;
};

describe('the alerting rules the packs show', () => {
  it('pass promtool check rules', async () => {
    const missing = noPrometheusReason();
    if (missing) throw new Error(missing);
    const promtool = join(dirname(PROMETHEUS_BIN), 'promtool');
    const { stdout } = await promisify(execFile)(promtool, ['check', 'rules', ...frameworks.map((pack) => ruleFile(pack.id))]);
    expect(stdout.match(/SUCCESS: 2 rules found/g)).toHaveLength(frameworks.length);
  });
});

/** The alert-rules check reads the stack's series from the target's own /metrics. */
const metricsOnTarget = (target: Target): Target => ({
  ...target,
  observability: { ...target.observability!, metrics: { url: `${target.baseUrl}/metrics` } },
});

checkTester.run(check, {
  config: 'endpoints:\n  - { path: /api/orders }\n',
  valid: Object.entries(EXPORTED).map(([stack, series]) => ({
    name: `${stack}: an error-rate and a p95 alert over the series its exporter writes`,
    server: () =>
      startServer((req, res) => {
        res.setHeader('content-type', 'text/plain; version=0.0.4');
        res.end(req.url === '/metrics' ? `${series.join('\n')}\n` : 'ok');
      }),
    config: `endpoints:\n  - { path: /api/orders }\nobservability:\n  metrics: { url: "http://placeholder.invalid/metrics" }\n  alertRules: { files: [${JSON.stringify(ruleFile(stack))}] }\n`,
    target: metricsOnTarget,
    verdicts: ['errorRateAlert', 'latencyAlert'],
  })),
  invalid: [],
});
