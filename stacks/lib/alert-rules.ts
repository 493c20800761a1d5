import type { StackFix } from '../../src/stack/types.js';

// The two alerting rules item 9 asks for (an error rate and a p95), written once and filled with
// the metric names each stack's exporter gives them, so every pack shows the same tested rule file.

export interface AlertMetrics {
  /** The request counter (a counter's *_total, or the histogram's *_count when there is no counter). */
  requests: string;
  /** The matcher that picks its 5xx series: status_code=~"5..", code=~"5..", status="5xx", … */
  errors: string;
  /** The duration histogram's *_bucket series (in seconds). */
  buckets: string;
}

/** A Prometheus rule file (check it with `promtool check rules`): 5xx share over 5% and p95 over 0.5 s. */
export function alertRules(metrics: AlertMetrics): string {
  const { requests, errors, buckets } = metrics;
  return `# rules/orders-api.yml (promtool check rules rules/orders-api.yml); job = this service's scrape job,
# 0.5 = your thresholds.p95Ms in seconds
groups:
  - name: orders-api
    rules:
      - alert: OrdersApiErrorRate
        expr: |
          sum(rate(${requests}{job="orders-api",${errors}}[5m]))
            / sum(rate(${requests}{job="orders-api"}[5m])) > 0.05
        for: 5m
        labels: { severity: page }
        annotations: { summary: "orders-api: over 5% of requests end in 5xx" }
      - alert: OrdersApiLatencyP95
        expr: histogram_quantile(0.95, sum by (le) (rate(${buckets}{job="orders-api"}[5m]))) > 0.5
        for: 10m
        labels: { severity: page }
        annotations: { summary: "orders-api: p95 latency over 500 ms" }`;
}

/** The alert-rules fix every framework pack gives, with its stack's metric names. */
export function alertRulesFix(metrics: AlertMetrics, where: string): StackFix {
  return {
    fix: `Keep an error-rate and a p95 rule in the repo, over the series ${where} exports (${metrics.requests}, ${metrics.buckets}), and check them with promtool in CI.`,
    language: 'yaml',
    snippet: alertRules(metrics),
  };
}
