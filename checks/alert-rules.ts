import { defineCheck, ProbeError, type AlertRule, type CheckContext, type MetricSample } from './api.js';
import { msPerUnit, noSamples, STATUS_LABELS } from './lib/metric-families.js';
import { exprFacts, type ExprFacts, type Matcher, type Selector } from './lib/promql.js';

/** A latency alert that fires only above this many times thresholds.p95Ms is too lax to warn in time. */
const LAX_FACTOR = 2;

const VERDICTS = {
  notConfigured: {
    probe: 'errorRate',
    status: 'skip',
    message: 'not audited: add observability.alertRules (rule files, or a Prometheus rules API) to check the alerts',
  },
  errorRateAlert: { probe: 'errorRate', status: 'pass', message: '{rule} ({source}) alerts on the 5xx rate of {metric}' },
  noErrorRateAlert: {
    probe: 'errorRate',
    status: 'fail',
    message:
      '{count} alerting rule(s) in {source}; none alerts on the error rate (5xx share of the request counter) of this service{ghosts}',
    remediation:
      'Add an alerting rule on the 5xx share of the request counter (the rate of http_requests_total with status_code=~"5.." over the rate of all of them, above 0.05 for 5m), selecting series this service really exports (its job label).',
  },
  latencyAlert: { probe: 'latency', status: 'pass', message: '{rule} ({source}) alerts on p{quantile} latency from {metric}' },
  noLatencyAlert: {
    probe: 'latency',
    status: 'fail',
    message:
      '{count} alerting rule(s) in {source}; none alerts on p95 or p99 latency (histogram_quantile over the duration buckets) of this service{ghosts}',
    remediation:
      'Add an alerting rule on histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) above your p95 target, selecting the histogram this service exports (its job label).',
  },
  latencyThresholdHigh: {
    probe: 'latency',
    status: 'warn',
    severity: 'medium',
    message: '{rule} ({source}) fires only above {thresholdMs} ms of p{quantile}, over {factor}× thresholds.p95Ms ({p95Ms} ms)',
    remediation: 'Alert near the latency you promise: a threshold at thresholds.p95Ms ({p95Ms} ms) warns before users notice.',
  },
  invalidExpr: {
    probe: 'parse',
    status: 'warn',
    severity: 'low',
    message: '{rule} ({source}) does not parse as PromQL, so it was not counted: {expr}',
    remediation: 'Check it with promtool check rules; Prometheus refuses to load a file with an invalid rule.',
  },
} as const;

type Ctx = CheckContext<typeof VERDICTS>;

interface Candidate {
  rule: AlertRule;
  facts: ExprFacts;
}

/**
 * The service has an alerting rule on its error rate and one on its p95/p99 latency, each over series
 * it really exports (a rule over a metric it does not export can never fire).
 */
export default defineCheck({
  meta: {
    id: 'alert-rules',
    title: 'Alerts on the error rate and p95 latency, over series the service exports',
    item: 'observability',
    severity: 'high',
    rationale:
      'Metrics nobody is paged on do not stop an outage: an error-rate alert and a latency alert are the minimum, and they must select series that exist, or they stay silent forever.',
    remediation:
      'Keep the alerting rules next to the service (rule files in the repo, checked with promtool) and review their selectors when metrics are renamed.',
    probes: 'no requests: reads the alerting rules (observability.alertRules) and parses their PromQL',
    writes: false,
    phase: 'analyze',
    verdicts: VERDICTS,
    cost: { requestsPerRun: 0 },
  },
  scope: 'target',
  applies: (target) => target.observability !== undefined,

  async run(ctx) {
    const observability = ctx.target.observability;
    if (!observability?.alertRules || !ctx.telemetry) return void ctx.report('notConfigured', {});
    const rules = await ctx.telemetry.alertRules();
    // Which series the service exports: before the audit and after it (a series may first appear during it).
    const exported = observability.metrics
      ? [...(await ctx.telemetry.metricsBefore()).samples, ...(await ctx.telemetry.metricsAfter()).samples]
      : undefined;
    if (exported && !exported.length) throw new ProbeError('network', noSamples(describeMetrics(ctx)));
    const scraped = observability.metrics?.url !== undefined;
    const candidates: Candidate[] = [];
    for (const rule of rules) {
      const facts = await exprFacts(rule.expr);
      if (facts.invalid)
        ctx.report('invalidExpr', { rule: rule.name, source: rule.source, expr: rule.expr }, [], { key: `${rule.source}:${rule.name}` });
      else candidates.push({ rule, facts });
    }
    const source = [...new Set(rules.map((r) => r.source))].join(', ') || describeSource(ctx);
    const selects = (selector: Selector): boolean => exported === undefined || selectsService(selector, exported, scraped);
    judgeErrorRate(ctx, candidates, rules.length, source, selects);
    judgeLatency(ctx, candidates, rules.length, source, selects);
  },
});

function describeMetrics(ctx: Ctx): string {
  const metrics = ctx.target.observability?.metrics;
  return metrics?.url ?? `prometheus ${metrics?.prometheus ?? '?'} ${metrics?.selector ?? ''}`;
}

function describeSource(ctx: Ctx): string {
  const rules = ctx.target.observability?.alertRules;
  return rules?.files?.length
    ? rules.files.join(', ')
    : `${rules?.prometheus ?? ctx.target.observability?.metrics?.prometheus ?? '?'} rules API`;
}

const isStatusLabel = (matcher: Matcher): boolean => STATUS_LABELS.includes(matcher.label);
const selectsErrors = (matcher: Matcher): boolean =>
  isStatusLabel(matcher) && (matcher.op === '=~' || matcher.op === '=') && (/^5/.test(matcher.value) || matcher.value === 'SERVER_ERROR');

function judgeErrorRate(
  ctx: Ctx,
  candidates: readonly Candidate[],
  count: number,
  source: string,
  selects: (s: Selector) => boolean,
): void {
  const ghosts: string[] = [];
  for (const { rule, facts } of candidates) {
    const errors = facts.selectors.filter((s) => /(_total|_count)$/.test(s.metric) && s.matchers.some(selectsErrors));
    const real = errors.find(selects);
    if (real) return void ctx.report('errorRateAlert', { rule: rule.name, source: rule.source, metric: real.metric });
    if (errors[0]) ghosts.push(`${rule.name} selects ${selectorText(errors[0])}, which this service does not export`);
  }
  ctx.report('noErrorRateAlert', { count, source, ghosts: ghosts.length ? ` (${ghosts.join('; ')})` : '' });
}

function judgeLatency(ctx: Ctx, candidates: readonly Candidate[], count: number, source: string, selects: (s: Selector) => boolean): void {
  const ghosts: string[] = [];
  for (const { rule, facts } of candidates) {
    const quantile = Math.max(...facts.quantiles);
    if (!(quantile >= 0.9)) continue;
    const buckets = facts.selectors.filter((s) => s.metric.endsWith('_bucket'));
    const real = buckets.find(selects);
    if (!real) {
      if (buckets[0]) ghosts.push(`${rule.name} selects ${selectorText(buckets[0])}, which this service does not export`);
      continue;
    }
    const data = { rule: rule.name, source: rule.source, metric: real.metric, quantile: Math.round(quantile * 100) };
    const p95Ms = ctx.target.thresholds.p95Ms;
    const thresholdMs = facts.thresholds.length ? Math.min(...facts.thresholds) * msPerUnit(real.metric) : undefined;
    if (thresholdMs !== undefined && thresholdMs > LAX_FACTOR * p95Ms)
      return void ctx.report('latencyThresholdHigh', { ...data, thresholdMs, p95Ms, factor: LAX_FACTOR });
    return void ctx.report('latencyAlert', data);
  }
  ctx.report('noLatencyAlert', { count, source, ghosts: ghosts.length ? ` (${ghosts.join('; ')})` : '' });
}

/**
 * A selector picks this service's series when the metric exists and its identity matchers (job,
 * service, …; not the status) fit one of them. From a /metrics page the scraper's own labels (job,
 * instance) are not there yet: a matcher on a label no series has is not held against the rule.
 */
function selectsService(selector: Selector, exported: readonly MetricSample[], scraped: boolean): boolean {
  const series = exported.filter((s) => s.name === selector.metric);
  if (!series.length) return false;
  const identity = selector.matchers.filter(
    (m) => !isStatusLabel(m) && m.label !== 'le' && m.label !== '__name__' && !(scraped && !series.some((s) => m.label in s.labels)),
  );
  return series.some((s) => identity.every((m) => matches(m, s.labels[m.label] ?? '')));
}

function matches(matcher: Matcher, value: string): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
    case '!~': {
      let hit: boolean;
      try {
        hit = new RegExp(`^(?:${matcher.value})$`).test(value);
      } catch {
        return false;
      }
      return matcher.op === '=~' ? hit : !hit;
    }
    default:
      return false;
  }
}

function selectorText(selector: Selector): string {
  return `${selector.metric}{${selector.matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;
}
