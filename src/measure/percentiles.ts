/** The figures of one set of timings, in ms rounded to 0.01. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** 1 µs resolution up to an hour: far past any request timeout the config allows. */
const HIGHEST_TRACKABLE_US = 3_600_000_000;

/**
 * Percentiles of `samplesMs` from an HDR histogram (3 significant digits, so each figure is within
 * 0.1% of the exact sample), recorded in microseconds. Nearest-rank semantics: p95 of 20 samples is
 * the 19th fastest, p99 of 20 is the slowest.
 */
export async function summarize(samplesMs: readonly number[]): Promise<LatencySummary> {
  if (samplesMs.length === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  // hdr-histogram-js costs ~15 MB and tens of ms to load: only runs that sample latency pay for it.
  const hdr = await import('hdr-histogram-js');
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });
  try {
    for (const ms of samplesMs) histogram.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(ms * 1000))));
    // HDR answers a bucket's highest equivalent value, which can sit above the slowest sample: a
    // percentile is never over the max (p99 34 ms with max 33 ms reads as a bug), both rounded alike.
    const max = roundMs(Math.max(...samplesMs));
    const at = (percentile: number): number => Math.min(max, roundMs(histogram.getValueAtPercentile(percentile) / 1000));
    return { count: histogram.totalCount, p50: at(50), p95: at(95), p99: at(99), max };
  } finally {
    histogram.destroy();
  }
}

export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** "0.8 ms", "12 ms", "1204 ms": one decimal only where it matters. */
export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
