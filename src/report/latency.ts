// The latency samples a report carries, read defensively: the latency check writes
// `data.latency = { samplesMs, count, p50, p95, p99, max, measured, concurrency }` on its findings,
// and a report loaded from disk may hold anything there. No samples, no chart.
import type { Finding, FindingStatus } from '../types.js';
import { allFindings } from './common.js';
import type { Report } from './types.js';

export interface LatencySeries {
  endpoint: string;
  checkId: string;
  status: FindingStatus;
  /** Sorted ascending, finite and non-negative only. */
  samplesMs: number[];
  p50: number;
  p95: number;
  p99: number;
  max: number;
  concurrency?: number;
  /** What was measured, when the check says so in words. */
  measured?: string;
  /** The configured budget the samples were judged against, when the check says. */
  thresholds?: { p95Ms?: number; p99Ms?: number };
}

/** Nearest-rank percentile of sorted samples: the value at or below which p% of them fall. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function thresholdsOf(raw: unknown): LatencySeries['thresholds'] | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const { p95Ms, p99Ms } = raw as Record<string, unknown>;
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (!ok(p95Ms) && !ok(p99Ms)) return undefined;
  return { ...(ok(p95Ms) ? { p95Ms } : {}), ...(ok(p99Ms) ? { p99Ms } : {}) };
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function latencyOf(finding: Finding): LatencySeries | undefined {
  const raw = finding.data?.latency;
  if (!raw || typeof raw !== 'object') return undefined;
  const data = raw as Record<string, unknown>;
  if (!Array.isArray(data.samplesMs)) return undefined;
  const samples = data.samplesMs.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0).sort((a, b) => a - b);
  if (!samples.length) return undefined;
  // The check's own figures win (it may use an HDR histogram); the samples are the fallback. No
  // percentile is drawn past the slowest sample, whatever a report file says.
  const max = finiteOr(data.max, samples[samples.length - 1]!);
  const upTo = (value: number): number => Math.min(value, max);
  const thresholds = thresholdsOf(data.thresholds);
  return {
    endpoint: finding.endpoint,
    checkId: finding.checkId,
    status: finding.status,
    samplesMs: samples,
    p50: upTo(finiteOr(data.p50, percentile(samples, 50))),
    p95: upTo(finiteOr(data.p95, percentile(samples, 95))),
    p99: upTo(finiteOr(data.p99, percentile(samples, 99))),
    max,
    ...(thresholds ? { thresholds } : {}),
    ...(typeof data.concurrency === 'number' ? { concurrency: data.concurrency } : {}),
    ...(typeof data.measured === 'string' ? { measured: data.measured } : {}),
  };
}

/** Every series in the report, one per endpoint and check; repeats of the same samples drawn once. */
export function latencySeries(report: Report): LatencySeries[] {
  const seen = new Set<string>();
  const out: LatencySeries[] = [];
  for (const finding of allFindings(report)) {
    const series = latencyOf(finding);
    if (!series) continue;
    const key = `${series.endpoint}\u0000${series.samplesMs.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(series);
  }
  return out;
}
