import type { MetricSample, MetricsSnapshot, ObservabilityConfig } from '../api.js';

/**
 * Request duration histograms by the name their exporter gives them (without _bucket/_count/_sum):
 * Prometheus client defaults, Micrometer, OpenTelemetry (current and older), and the common Node and
 * Python exporters. observability.metrics.durationMetric names any other.
 */
export const DURATION_FAMILIES = [
  'http_request_duration_seconds',
  'http_request_duration_ms',
  'http_request_duration_milliseconds',
  'http_server_requests_seconds',
  'http_server_request_duration_seconds',
  'http_server_duration_milliseconds',
  'http_server_duration_seconds',
  'http_server_duration',
  'http_request_duration_highr_seconds',
  'flask_http_request_duration_seconds',
  'starlette_requests_processing_time_seconds',
  'django_http_requests_latency_seconds_by_view_method',
] as const;

/** Request counters; a duration histogram's _count counts requests too, and is used when no counter is found. */
export const COUNTER_FAMILIES = [
  'http_requests_total',
  'http_request_total',
  'http_server_requests_total',
  'http_requests_received_total',
  'flask_http_request_total',
  'starlette_requests_total',
  // prometheus_client exposes a counter as <name>_total: django-prometheus's name does not end in _total.
  'django_http_responses_total_by_status_view_method_total',
] as const;

/** Labels that carry the response status, by exporter. */
export const STATUS_LABELS = [
  'status',
  'status_code',
  'code',
  'http_status',
  'http_status_code',
  'http_response_status_code',
  'statusCode',
  'outcome',
];

/** Labels that carry the route or path. */
export const PATH_LABELS = ['route', 'path', 'handler', 'uri', 'url', 'endpoint', 'http_route', 'http_target', 'url_path', 'view'];

export interface CounterFamily {
  /** The sample name that counts requests: http_requests_total, or a histogram's x_count. */
  name: string;
  series: MetricSample[];
}

/** The request counter in a snapshot: the configured one, a known one, else a known histogram's _count. */
export function findCounter(snapshot: MetricsSnapshot, config: ObservabilityConfig['metrics']): CounterFamily | undefined {
  const names = [
    ...(config?.requestMetric ? [config.requestMetric, `${config.requestMetric}_total`] : []),
    ...COUNTER_FAMILIES,
    ...durationNames(config).map((base) => `${base}_count`),
  ];
  for (const name of names) {
    const series = snapshot.samples.filter((s) => s.name === name);
    if (series.length) return { name, series };
  }
  return undefined;
}

export function durationNames(config: ObservabilityConfig['metrics']): string[] {
  return [...(config?.durationMetric ? [config.durationMetric] : []), ...DURATION_FAMILIES];
}

/** The duration histogram (x_bucket series with le) in a snapshot, or what stands in its place (a summary, nothing). */
export function findDuration(
  snapshot: MetricsSnapshot,
  config: ObservabilityConfig['metrics'],
): { histogram?: { base: string; bounds: number[] }; summary?: string } {
  for (const base of durationNames(config)) {
    const buckets = snapshot.samples.filter((s) => s.name === `${base}_bucket` && s.labels.le !== undefined);
    if (buckets.length) {
      const bounds = [...new Set(buckets.map((s) => Number(s.labels.le)).filter((le) => Number.isFinite(le)))].sort((a, b) => a - b);
      return { histogram: { base, bounds } };
    }
  }
  for (const base of durationNames(config)) {
    const summary = snapshot.types[base] === 'summary' || snapshot.samples.some((s) => s.name === base && s.labels.quantile !== undefined);
    if (summary) return { summary: base };
  }
  return {};
}

/** Milliseconds per unit of a duration metric, from its name (seconds unless it says milliseconds). */
export function msPerUnit(name: string): number {
  return /milli|_ms(_|$)/.test(name) ? 1 : 1000;
}

/** The status label a counter's series use, if any. */
export function statusLabelOf(series: readonly MetricSample[]): string | undefined {
  return STATUS_LABELS.find((label) => series.some((s) => s.labels[label] !== undefined));
}

/** A series' identity within its family: its labels, sorted. */
export function seriesKey(sample: MetricSample): string {
  return Object.entries(sample.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
}

/** name{a="b",…} as Prometheus prints it. */
export function seriesText(sample: MetricSample): string {
  const labels = Object.entries(sample.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${sample.name}{${labels.join(',')}}`;
}

/** Why a metrics reading with no sample at all decides nothing. */
export function noSamples(source: string): string {
  return `${source} holds no metric samples: check observability.metrics (is the URL the exposition page, does the selector match this service?)`;
}
