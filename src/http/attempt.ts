import { ProbeError, type HttpClient, type ProbeRequest, type ProbeResponse } from './types.js';
import type { Exchange } from '../types.js';

/**
 * Probe errors that are the server's answer to a probe (it hung or dropped the connection), not the
 * tool's limits. A refused connection is not: nobody is listening, so it says nothing about this
 * probe (the runner's liveness watch finds out whether an earlier probe took the server down).
 */
const SERVER_FAILURES = new Set(['timeout', 'reset', 'network']);

export type Attempt = { response: ProbeResponse; failure?: undefined } | { response?: undefined; failure: ProbeError & { exchange: Exchange } };

/**
 * Sends a probe where a hang or a dropped connection is itself the finding ("never a 5xx or a hang").
 * The budget, the deadline, an abort or a refused write still throw, for the runner to report.
 */
export async function attempt(http: HttpClient, request: ProbeRequest): Promise<Attempt> {
  try {
    return { response: await http.send(request) };
  } catch (error) {
    if (error instanceof ProbeError && SERVER_FAILURES.has(error.code) && error.exchange) {
      return { failure: error as ProbeError & { exchange: Exchange } };
    }
    throw error;
  }
}

/** What came back, in a few words: "no answer within 5000 ms", "the connection was closed without an answer". */
export function describeFailure(failure: ProbeError): string {
  switch (failure.code) {
    case 'timeout':
      return `no answer within ${/within (\d+) ms/.exec(failure.message)?.[1] ?? 'the timeout'} ms`;
    case 'reset':
      // An idempotent probe is tried twice before a reset counts (see fluke-retry.ts).
      return failure.exchange?.retried ? 'the connection was closed without a complete answer, twice (retried once)' : 'the connection was closed without a complete answer';
    case 'refused':
      return 'the connection was refused (did an earlier probe bring the server down?)';
    default:
      return `no valid HTTP answer (${failure.message})`;
  }
}

/** "GET /api/orders?limit=abc": what was sent, as recorded (redacted), without the origin. */
export function requestLine(exchange: Exchange): string {
  const url = new URL(exchange.url);
  return `${exchange.method} ${url.pathname}${url.search}`;
}

/** 10 MiB, 16 KiB, 512 B. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${round1(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${round1(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

function round1(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
