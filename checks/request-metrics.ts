import { defineCheck, ProbeError, type CheckContext, type MetricSample, type MetricsSnapshot } from './api.js';
import { NOT_AUDITED, tracedRequests, type TracedRequest } from './lib/audit-traffic.js';
import { noSamples } from './lib/metric-families.js';
import {
  COUNTER_FAMILIES,
  findCounter,
  findDuration,
  msPerUnit,
  PATH_LABELS,
  seriesKey,
  seriesText,
  statusLabelOf,
  type CounterFamily,
} from './lib/metric-families.js';

/** Share of the audit's requests the counter must have counted (other traffic may add; missing traffic fails). */
const MIN_COUNTED = 0.9;
/** A raw path in a label this many times over (distinct ids and unknown paths) is an unbounded label. */
const RAW_PATHS_UNBOUNDED = 3;

const VERDICTS = {
  notAudited: { probe: 'counted', status: 'skip', message: NOT_AUDITED },
  notConfigured: {
    probe: 'counted',
    status: 'skip',
    message: 'not audited: add observability.metrics (the service’s /metrics URL, or a Prometheus server and selector)',
  },
  noCounter: {
    probe: 'counted',
    status: 'fail',
    message:
      '{source} has no request counter (looked for {looked}); name it with observability.metrics.requestMetric if it has another name',
  },
  counted: {
    probe: 'counted',
    status: 'pass',
    message: '{metric} rose by {delta} while the audit sent {sent} requests the service handled',
  },
  undercounted: {
    probe: 'counted',
    status: 'fail',
    message:
      '{metric} rose by {delta} while the audit sent {sent} requests the service handled ({share}%): the metrics miss traffic, so dashboards and alerts undercount it',
    remediation:
      'Count every request in one middleware that runs first and records in a finally block (after the response, whatever its status), not in each handler; check that {source} is this service.',
  },
  noStatusLabel: {
    probe: 'errors',
    status: 'fail',
    message: '{metric} has no status label (looked for {looked}): an error rate cannot be computed from it',
    remediation: 'Label the request counter with the response status code (status_code or code), as prom-client and OpenTelemetry do.',
  },
  errorsNotCounted: {
    probe: 'errors',
    status: 'fail',
    message:
      'the audit provoked {provoked} but no {metric} series with {label} {missing} rose: errors are not counted, so an error-rate alert can never fire',
    remediation:
      'Record the metric after the response is sent, for every status (including errors thrown by handlers and 404s of unknown routes).',
  },
  errorsCounted: { probe: 'errors', status: 'pass', message: 'the {provoked} the audit provoked rose {metric} under {label}' },
  noHistogram: {
    probe: 'duration',
    status: 'fail',
    message: 'no request duration histogram in {source} ({found}): a fleet-wide p95 cannot be computed or alerted on',
    remediation:
      'Export a histogram of request durations with buckets around your p95 target (prom-client Histogram http_request_duration_seconds, OpenTelemetry http.server.request.duration); a summary or a counter cannot be aggregated into a p95.',
  },
  histogram: { probe: 'duration', status: 'pass', message: '{metric} is a histogram with a bucket near thresholds.p95Ms ({near})' },
  bucketsFarFromThreshold: {
    probe: 'duration',
    status: 'warn',
    message: '{metric} has no bucket bound within a factor of 2 of thresholds.p95Ms ({p95Ms} ms); its bounds are {bounds}',
    remediation: 'Add bucket bounds around your p95 target (e.g. {p95Ms} ms and its neighbours) so histogram_quantile can tell a breach.',
  },
  rawPathLabels: {
    probe: 'labels',
    status: 'fail',
    severity: 'high',
    message:
      '{metric} labels series by raw path: the audit’s distinct ids and unknown paths made {count} new series, e.g. {examples}; label values must be bounded',
    remediation:
      'Label with the route template (req.route.path, the framework’s matched route; a fixed value such as "unmatched" for 404s), never the raw URL path: every id becomes a new series and the metrics store runs out of memory.',
  },
  boundedLabels: { probe: 'labels', status: 'pass', message: '{metric} stayed bounded: {paths} distinct paths sent, {series} new series' },
} as const;

type Ctx = CheckContext<typeof VERDICTS>;

/**
 * The service's request metrics saw the audit: a request counter rose by what the audit sent, with its
 * 4xx and 5xx under a status label; a duration histogram with buckets near p95Ms; no raw-path labels.
 */
export default defineCheck({
  meta: {
    id: 'request-metrics',
    title: 'Request metrics count the audit’s traffic, errors and durations',
    item: 'observability',
    severity: 'high',
    rationale:
      'An API whose metrics miss traffic, lack a status label or a duration histogram cannot answer "is it healthy right now": error-rate and p95 alerts read nothing. The audit knows every request it sent, so it can tell.',
    remediation:
      'Instrument requests once, in the first middleware: a counter and a histogram labelled with method, route template and status (prom-client, OpenTelemetry, Micrometer).',
    probes: 'no requests: reads the metrics (observability.metrics) before and after the audit and compares them with what it sent',
    writes: false,
    phase: 'analyze',
    verdicts: VERDICTS,
    cost: { requestsPerRun: 0 },
  },
  scope: 'target',

  async run(ctx) {
    if (!ctx.target.observability) return void ctx.report('notAudited', {});
    const config = ctx.target.observability.metrics;
    if (!config || !ctx.telemetry) return void ctx.report('notConfigured', {});
    const before = await ctx.telemetry.metricsBefore();
    const after = await ctx.telemetry.metricsAfter();
    // No sample at all is a wrong URL or selector (a page that is not an exposition), not a service without metrics.
    if (!after.samples.length) throw new ProbeError('network', noSamples(after.source));
    // What the service should have counted: the requests answered before the "after" reading covers.
    const traced = tracedRequests(ctx).traced.filter((request) => answeredBefore(request, after.coversUntil));
    const counter = findCounter(after, config);
    if (!counter) ctx.report('noCounter', { source: after.source, looked: COUNTER_FAMILIES.slice(0, 4).join(', ') });
    else {
      judgeCount(ctx, counter, before, traced, after.source);
      judgeErrors(ctx, counter, before, traced);
      judgeLabels(ctx, counter, before, traced);
    }
    judgeDuration(ctx, after);
  },
});

/** Sent before the reading began (it was answered by then: the analysis runs after every probe). */
function answeredBefore(request: TracedRequest, until: string | undefined): boolean {
  return !until || Date.parse(request.exchange.startedAt) <= Date.parse(until);
}

/** How much one series rose since the earlier reading (a series first seen now rose by its value; a reset counts from 0). */
function rise(sample: MetricSample, before: MetricsSnapshot): number {
  const key = seriesKey(sample);
  const earlier = before.samples.find((s) => s.name === sample.name && seriesKey(s) === key)?.value ?? 0;
  return sample.value >= earlier ? sample.value - earlier : sample.value;
}

function judgeCount(ctx: Ctx, counter: CounterFamily, before: MetricsSnapshot, traced: readonly TracedRequest[], source: string): void {
  const delta = Math.round(counter.series.reduce((sum, s) => sum + rise(s, before), 0));
  const sent = traced.length;
  const data = { metric: counter.name, delta, sent, source };
  if (delta >= MIN_COUNTED * sent) ctx.report('counted', data);
  else ctx.report('undercounted', { ...data, share: sent ? Math.round((100 * delta) / sent) : 0 });
}

function judgeErrors(ctx: Ctx, counter: CounterFamily, before: MetricsSnapshot, traced: readonly TracedRequest[]): void {
  const classes = new Map<string, number>();
  for (const request of traced)
    if (request.status >= 400)
      classes.set(`${Math.floor(request.status / 100)}xx`, (classes.get(`${Math.floor(request.status / 100)}xx`) ?? 0) + 1);
  if (!classes.size) return;
  const provoked = [...classes].map(([cls, count]) => `${count} ${cls}`).join(' and ');
  const label = statusLabelOf(counter.series);
  if (!label)
    return void ctx.report('noStatusLabel', { metric: counter.name, looked: 'status, status_code, code, http_response_status_code' });
  const missing = [...classes.keys()].filter((cls) => {
    const digit = cls[0] ?? '';
    const outcome = digit === '4' ? 'CLIENT_ERROR' : 'SERVER_ERROR';
    const series = counter.series.filter((s) => {
      const value = s.labels[label] ?? '';
      return value.startsWith(digit) || value === outcome;
    });
    return series.reduce((sum, s) => sum + rise(s, before), 0) <= 0;
  });
  const data = { metric: counter.name, label, provoked };
  if (missing.length) ctx.report('errorsNotCounted', { ...data, missing: missing.join(' or ') });
  else ctx.report('errorsCounted', data);
}

function judgeLabels(ctx: Ctx, counter: CounterFamily, before: MetricsSnapshot, traced: readonly TracedRequest[]): void {
  // A raw path is one the audit sent that no configured template or fixed path names: an id, an unknown path.
  const fixed = new Set([
    ...ctx.target.endpoints.map((e) => e.path),
    ...ctx.target.publicPaths,
    ...(ctx.target.health ? [ctx.target.health] : []),
  ]);
  const rawPaths = new Set(traced.map((r) => r.path).filter((path) => !fixed.has(path) && !fixed.has(path.replace(/\/+$/, ''))));
  const earlier = new Set(before.samples.filter((s) => s.name === counter.name).map(seriesKey));
  const fresh = counter.series.filter((s) => !earlier.has(seriesKey(s)));
  const rawSeries = fresh.filter((s) => PATH_LABELS.some((label) => rawPaths.has(s.labels[label] ?? '')));
  const rawValues = new Set(rawSeries.map((s) => PATH_LABELS.map((label) => s.labels[label]).find((v) => v && rawPaths.has(v))));
  if (rawValues.size >= RAW_PATHS_UNBOUNDED)
    ctx.report('rawPathLabels', {
      metric: counter.name,
      count: rawSeries.length,
      examples: rawSeries.slice(0, 3).map(seriesText).join(', '),
    });
  else ctx.report('boundedLabels', { metric: counter.name, paths: new Set(traced.map((r) => r.path)).size, series: fresh.length });
}

function judgeDuration(ctx: Ctx, after: MetricsSnapshot): void {
  const { histogram, summary } = findDuration(after, ctx.target.observability?.metrics);
  if (!histogram) {
    const found = summary
      ? `${summary} is a summary`
      : 'none of the common duration metrics; name yours with observability.metrics.durationMetric';
    return void ctx.report('noHistogram', { source: after.source, found });
  }
  const p95Ms = ctx.target.thresholds.p95Ms;
  const unit = msPerUnit(histogram.base);
  const near = histogram.bounds.filter((bound) => bound * unit >= p95Ms / 2 && bound * unit <= p95Ms * 2);
  const metric = `${histogram.base}_bucket`;
  const shown = (bounds: number[]): string => bounds.map((b) => `${b * unit} ms`).join(', ');
  if (near.length) ctx.report('histogram', { metric, near: shown(near) });
  else ctx.report('bucketsFarFromThreshold', { metric, p95Ms, bounds: shown(histogram.bounds) });
}
