// The wire clock: a request's time taken from undici's own moments, not from around the tool's code.
// undici calls onRequestStart just before it writes the request to the socket, onResponseStart as
// the head is parsed, and onResponseEnd as the parser takes the answer's last byte. Timing between
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

// The times ride on the request's options object, which undici hands unchanged to its dispatch chain.
const WIRE_TIMES = Symbol('api-preflight wire times');

/** `options` carrying the slot the wire clock stamps for this request. */
export function withWireTimes<T extends object>(options: T, times: WireTimes): T {
  return Object.assign(options, { [WIRE_TIMES]: times });
}

/** `dispatcher`, with every request that carries a slot (withWireTimes) timed by the wire clock. */
export function wireClocked(dispatcher: Dispatcher): Dispatcher {
  return dispatcher.compose((dispatch) => (options, handler) => {
    const times = (options as { [WIRE_TIMES]?: WireTimes })[WIRE_TIMES];
    return dispatch(options, times ? new WireClockHandler(times, handler) : handler);
  });
}

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;

/** Stamps the moments, then passes every call on unchanged. */
class WireClockHandler implements Handler {
  constructor(
    private readonly times: WireTimes,
    private readonly inner: Handler,
  ) {}

  onRequestStart(controller: Controller, context: unknown): void {
    // A request retried on a fresh socket starts again: the last start is the one answered.
    this.times.sentAt = performance.now();
    this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(...args: Parameters<NonNullable<Handler['onRequestUpgrade']>>): void {
    this.inner.onRequestUpgrade?.(...args);
  }

  onResponseStart(...args: Parameters<NonNullable<Handler['onResponseStart']>>): void {
    this.times.headAt = performance.now();
    this.inner.onResponseStart?.(...args);
  }

  onResponseData(...args: Parameters<NonNullable<Handler['onResponseData']>>): void {
    this.inner.onResponseData?.(...args);
  }

  onResponseEnd(...args: Parameters<NonNullable<Handler['onResponseEnd']>>): void {
    this.times.lastByteAt = performance.now();
    this.inner.onResponseEnd?.(...args);
  }

  onResponseError(...args: Parameters<NonNullable<Handler['onResponseError']>>): void {
    this.inner.onResponseError?.(...args);
  }
}
