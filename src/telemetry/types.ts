// What the engine reads back from the service's own telemetry (checklist item 9, `observability`):
// its metrics, its alert rules and its request logs. Checks see it as ctx.telemetry and never read a
// file, a URL or the clock themselves.

/** observability: in the config, validated and defaulted (paths resolved against the config file). */
export interface ObservabilityConfig {
  metrics?: {
    url?: string;
    prometheus?: string;
    selector?: string;
    headers: Record<string, string>;
    requestMetric?: string;
    durationMetric?: string;
    maxWaitMs: number;
  };
  alertRules?: { files?: string[]; prometheus?: string };
  logs?: { file?: string; command?: string[]; timeoutMs: number; maxBytes: number; settleMs: number };
  /** A unique bearer token the audit sends once; it must never show up in the logs. Added to the secrets. */
  canary: string;
}

/** One sample of the exposition: name with suffix (http_requests_total, x_bucket), labels, value. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricsSnapshot {
  samples: MetricSample[];
  /** Family name → type as declared (# TYPE, or Prometheus' metadata API): counter, histogram, summary, gauge. */
  types: Record<string, string>;
  /** "http://127.0.0.1:9100/metrics" or "prometheus http://… {job="x"}", for messages. */
  source: string;
  /**
   * Requests answered before this time (ISO) must be in the reading: when the page was scraped, or
   * when the wait for Prometheus' next scrapes began.
   */
  coversUntil?: string;
}

/** An alerting rule, from a rule file or the rules API. */
export interface AlertRule {
  name: string;
  expr: string;
  /** "rules/api.yml" or "prometheus rules API", for messages. */
  source: string;
}

export interface LogRead {
  lines: string[];
  source: string;
  /** The output was cut at logs.maxBytes or the command ran out of time. */
  truncated: boolean;
  note?: string;
}

/**
 * The telemetry reader on the check context. Each method throws a ProbeError (an undecided finding)
 * when its source cannot be read; reading is GET-only and bounded in time and bytes.
 */
export interface Telemetry {
  readonly config: ObservabilityConfig;
  /** The metrics as they were before the audit's first request. */
  metricsBefore(): Promise<MetricsSnapshot>;
  /**
   * The metrics after the audit; with a Prometheus server, after waiting two scrape intervals (bounded
   * by maxWaitMs). Read once: every later call gets the same reading.
   */
  metricsAfter(): Promise<MetricsSnapshot>;
  alertRules(): Promise<AlertRule[]>;
  /** Log lines written since the audit started (file from its earlier size, or the command's output). */
  logs(): Promise<LogRead>;
}
