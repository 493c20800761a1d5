import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces request starts at least 1/rps apart, so the rate holds over any window (a token bucket
 * would allow a burst). pauseUntil() pushes every later start back, which is how a 429's
 * Retry-After slows the whole run down, not just the request that got it.
 */
export class Pacer {
  private next = 0;
  private readonly intervalMs: number;

  constructor(requestsPerSecond: number) {
    this.intervalMs = 1000 / requestsPerSecond;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    // A timer cannot wait less than about 1 ms: below that, go now. The debt stays in `next`, so the
    // rate still holds over any window; it is paid as soon as it adds up to a real wait.
    if (at - now >= 1) await sleep(at - now, undefined, { signal });
  }

  pauseUntil(monotonicMs: number): void {
    this.next = Math.max(this.next, monotonicMs);
  }
}

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds from now. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
