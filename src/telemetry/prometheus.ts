import { ProbeError } from '../http/types.js';
import { telemetryGet } from './fetch.js';
import type { AlertRule, MetricSample, MetricsSnapshot } from './types.js';

/** The `data` of a Prometheus API answer ({status: "success", data}), or a ProbeError naming what went wrong. */
async function api(base: string, path: string, headers: Record<string, string>): Promise<unknown> {
  const url = `${base.replace(/\/+$/, '')}${path}`;
  const text = await telemetryGet(url, headers);
  let body: { status?: string; data?: unknown; error?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new ProbeError('network', `${url} did not answer JSON: is it a Prometheus server?`);
  }
  if (body.status !== 'success') throw new ProbeError('network', `${url} answered ${String(body.error ?? body.status)}`);
  return body.data;
}

/** Every series of this service now (an instant query of the selector), with the types from the metadata API. */
export async function prometheusSnapshot(base: string, selector: string, headers: Record<string, string>): Promise<MetricsSnapshot> {
  const data = (await api(base, `/api/v1/query?query=${encodeURIComponent(selector)}`, headers)) as {
    result?: Array<{ metric?: Record<string, string>; value?: [number, string] }>;
  };
  const samples: MetricSample[] = [];
  for (const series of data?.result ?? []) {
    const { __name__: name, ...labels } = series.metric ?? {};
    const value = Number(series.value?.[1]);
    if (name && !Number.isNaN(value)) samples.push({ name, labels, value });
  }
  const types: Record<string, string> = {};
  const metadata = (await api(base, '/api/v1/metadata', headers).catch(() => ({}))) as Record<string, Array<{ type?: string }>>;
  for (const [name, entries] of Object.entries(metadata ?? {})) if (entries[0]?.type) types[name] = entries[0].type;
  return { samples, types, source: `prometheus ${base} ${selector}` };
}

/** The longest scrape interval among the active targets, else the global one, in ms (default 60 s, Prometheus' own). */
export async function scrapeIntervalMs(base: string, headers: Record<string, string>): Promise<number> {
  const data = (await api(base, '/api/v1/targets?state=active', headers)) as {
    activeTargets?: Array<{ scrapeInterval?: string }>;
  };
  const intervals = (data?.activeTargets ?? []).map((t) => durationMs(t.scrapeInterval ?? '')).filter((ms) => ms > 0);
  if (intervals.length) return Math.max(...intervals);
  // No target discovered yet (Prometheus just started): the global interval of its running config.
  const config = (await api(base, '/api/v1/status/config', headers).catch(() => ({}))) as { yaml?: string };
  const global = /^global:\s*\n(?:[ \t]+.*\n)*?[ \t]+scrape_interval:\s*(\S+)/m.exec(config?.yaml ?? '')?.[1];
  return (global && durationMs(global)) || 60_000;
}

/** "15s", "1m30s", "500ms" → ms (0 when it does not parse). */
export function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(amount) * (units[unit ?? ''] ?? 0);
  return total;
}

/** The alerting rules Prometheus has loaded (rules API). */
export async function prometheusAlertRules(base: string, headers: Record<string, string>): Promise<AlertRule[]> {
  const data = (await api(base, '/api/v1/rules?type=alert', headers)) as {
    groups?: Array<{ name?: string; file?: string; rules?: Array<{ type?: string; name?: string; query?: string }> }>;
  };
  const rules: AlertRule[] = [];
  for (const group of data?.groups ?? []) {
    for (const rule of group.rules ?? []) {
      if (rule.type === 'alerting' && rule.name && rule.query)
        rules.push({ name: rule.name, expr: rule.query, source: `prometheus rules API (group ${group.name ?? '?'})` });
    }
  }
  return rules;
}
