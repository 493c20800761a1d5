// The wire clock: a request's time taken from undici's own moments, not from around the tool's code.
// undici calls a request's handler at onConnect just before it writes the request to the socket, at
// onHeaders as the head is parsed, and at onComplete as the parser takes the last byte. Timing between
// those leaves out what the tool does on either side (building the record, undici's queueing,
// reading the body stream, decompressing it) and any pause of this process after the last byte:
// the time a latency sample records is the target's and the network's (issue 27, latency truth).
import type { Dispatcher } from 'undici';

/** performance.now() at undici's moments for one request; unset when the request never got there. */
export interface WireTimes {
  sentAt?: number;
  headAt?: number;
  lastByteAt?: number;
}

/** The times of requests in flight, by their abort signal: every request the client sends has its own. */
const inFlight = new WeakMap<AbortSignal, WireTimes>();

/** A slot the wire clock stamps for the request sent with `signal`. */
export function wireTimesFor(signal: AbortSignal): WireTimes {
  const times: WireTimes = {};
  inFlight.set(signal, times);
  return times;
}

/**
 * `dispatcher`, with every request whose signal has a slot (wireTimesFor) timed by the wire clock. Only
 * `dispatch` goes through it; close the dispatcher itself. A subclass of undici's Dispatcher, not
 * `dispatcher.compose()`, which would put a Proxy in front and wrap each handler in the newer interface.
 */
export function wireClocked(undici: typeof import('undici'), dispatcher: Dispatcher): Dispatcher {
  class WireClocked extends undici.Dispatcher {
    override dispatch(options: Dispatcher.DispatchOptions, handler: Handler): boolean {
      // request() hands its options, signal included, to dispatch unchanged.
      const { signal } = options as { signal?: AbortSignal };
      const times = signal ? inFlight.get(signal) : undefined;
      return dispatcher.dispatch(options, times ? new WireClockHandler(times, handler) : handler);
    }
  }
  return new WireClocked();
}

type Handler = Dispatcher.DispatchHandler;

/**
 * Stamps the moments, then passes every call on unchanged. It speaks undici's older handler interface
 * (onConnect … onComplete), the one undici's own request() handler and its Request speak: a handler with
 * the newer one (onRequestStart …) is wrapped and unwrapped on the way, and each answer's headers are
 * converted to an object and back twice. (5,000 requests at 8 in flight, farm-bench, 21 pairs, CPU against
 * no wire clock: 1.13× through compose() with the newer interface, 1.05× this way.)
 */
class WireClockHandler implements Handler {
  constructor(
    private readonly times: WireTimes,
    private readonly inner: Handler,
  ) {}

  onConnect(...args: Parameters<NonNullable<Handler['onConnect']>>): void {
    // A request retried on a fresh socket starts again: the last start is the one answered.
    this.times.sentAt = performance.now();
    this.inner.onConnect?.(...args);
  }

  onHeaders(...args: Parameters<NonNullable<Handler['onHeaders']>>): boolean {
    this.times.headAt = performance.now();
    return this.inner.onHeaders?.(...args) ?? true;
  }

  onComplete(...args: Parameters<NonNullable<Handler['onComplete']>>): void {
    this.times.lastByteAt = performance.now();
    this.inner.onComplete?.(...args);
  }

  onData(...args: Parameters<NonNullable<Handler['onData']>>): boolean {
    return this.inner.onData?.(...args) ?? true;
  }

  onError(...args: Parameters<NonNullable<Handler['onError']>>): void {
    this.inner.onError?.(...args);
  }

  onUpgrade(...args: Parameters<NonNullable<Handler['onUpgrade']>>): void {
    this.inner.onUpgrade?.(...args);
  }

  onResponseStarted(): void {
    this.inner.onResponseStarted?.();
  }

  onBodySent(...args: Parameters<NonNullable<Handler['onBodySent']>>): void {
    this.inner.onBodySent?.(...args);
  }

  onRequestSent(): void {
    (this.inner as { onRequestSent?(): void }).onRequestSent?.();
  }
}
