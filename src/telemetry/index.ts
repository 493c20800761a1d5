import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProbeError } from '../http/types.js';
import { parseExposition } from './exposition.js';
import { telemetryGet } from './fetch.js';
import { logFileSize, readLogCommand, readLogFile } from './logs.js';
import { prometheusAlertRules, prometheusSnapshot, scrapeIntervalMs } from './prometheus.js';
import { fileAlertRules } from './rules.js';
import type { AlertRule, LogRead, MetricsSnapshot, ObservabilityConfig, Telemetry } from './types.js';

/**
 * Opens the telemetry sources of observability: and takes the "before" reading (the metrics, the log
 * file's size). Called before the audit's first request, so everything after is the audit's traffic.
 * What it returns and throws is raw (URLs, log lines, error messages): it reaches output only through
 * a check's findings, which makeFinding redacts.
 */
export async function startTelemetry(config: ObservabilityConfig, configFile?: string): Promise<Telemetry> {
  const metrics = config.metrics;
  const scrape = async (): Promise<MetricsSnapshot> => {
    if (!metrics) throw new ProbeError('network', 'observability.metrics is not configured');
    if (metrics.prometheus) return prometheusSnapshot(metrics.prometheus, metrics.selector ?? '{}', metrics.headers);
    const url = metrics.url ?? '';
    return { ...parseExposition(await telemetryGet(url, metrics.headers)), source: url };
  };
  // A failed "before" reading is kept and thrown when a check asks, so it becomes that check's undecided finding.
  const before: Promise<MetricsSnapshot> | undefined = metrics ? scrape() : undefined;
  await before?.then(
    () => undefined,
    () => undefined,
  );
  let after: Promise<MetricsSnapshot> | undefined;
  const readAfter = async (): Promise<MetricsSnapshot> => {
    const coversUntil = new Date().toISOString();
    if (metrics?.prometheus) {
      // The audit's last requests are seen only after the next scrape; two intervals make sure of one.
      const interval = await scrapeIntervalMs(metrics.prometheus, metrics.headers);
      await sleep(Math.min(2 * interval + 250, metrics.maxWaitMs));
    }
    return { ...(await scrape()), coversUntil };
  };
  const logFrom = config.logs?.file ? logFileSize(config.logs.file) : 0;

  return {
    config,
    metricsBefore: () => before ?? scrape(),
    metricsAfter() {
      after ??= readAfter();
      return after;
    },
    async alertRules(): Promise<AlertRule[]> {
      const rules = config.alertRules;
      if (rules?.files?.length) return (await fileAlertRules(rules.files, configFile ? dirname(configFile) : process.cwd())).rules;
      const server = rules?.prometheus ?? metrics?.prometheus;
      if (!server) throw new ProbeError('network', 'observability.alertRules names no rule files and no Prometheus');
      // The metrics headers go only to the server they were configured for.
      const sameServer = server === metrics?.prometheus;
      return prometheusAlertRules(server, sameServer ? (metrics?.headers ?? {}) : {});
    },
    async logs(): Promise<LogRead> {
      const logs = config.logs;
      if (!logs) throw new ProbeError('network', 'observability.logs is not configured');
      // The service writes its log line after the response; give it a moment to flush.
      await sleep(logs.settleMs);
      if (logs.file) return readLogFile(logs.file, logFrom, logs.maxBytes);
      return readLogCommand(logs.command ?? [], logs.timeoutMs, logs.maxBytes);
    },
  };
}

export type { Telemetry } from './types.js';
