import { ProbeError, type HttpClient, type ProbeErrorCode, type ProbeRequest, type ProbeResponse } from './types.js';
import type { Exchange } from '../types.js';

/**
 * What a probe that got no answer says, decided here once for every check:
 * - 'answer': the server's own answer to this probe: it hung (timeout), closed the connection
 *   without a complete answer (reset), or sent something that is not HTTP (network). A check may judge it.
 * - 'down': nothing was listening (refused): it says nothing about this probe, so attempt() lets it
 *   propagate and the check is undecided; the runner's liveness watch finds out whether an earlier
 *   probe took the server down ("a connection refused is never a fail").
 * undefined: the tool's limits or the config (budget, deadline, abort, TLS, a refused write): it
 * propagates, for the runner to report.
 */
export type FailureMeaning = 'answer' | 'down';

const FAILURE_MEANINGS: Partial<Record<ProbeErrorCode, FailureMeaning>> = {
  timeout: 'answer',
  reset: 'answer',
  network: 'answer',
  refused: 'down',
};

export function failureMeaning(code: ProbeErrorCode): FailureMeaning | undefined {
  return FAILURE_MEANINGS[code];
}

export type Attempt =
  | { response: ProbeResponse; failure?: undefined }
  | { response?: undefined; failure: ProbeError & { exchange: Exchange } };

/**
 * Sends a probe where a hang or a dropped connection is itself the finding ("never a 5xx or a hang").
 * The budget, the deadline, an abort or a refused write still throw, for the runner to report.
 */
export async function attempt(http: HttpClient, request: ProbeRequest): Promise<Attempt> {
  try {
    return { response: await http.send(request) };
  } catch (error) {
    if (error instanceof ProbeError && failureMeaning(error.code) === 'answer' && error.exchange) {
      return { failure: error as ProbeError & { exchange: Exchange } };
    }
    throw error;
  }
}

/** The exchange an attempt recorded, answered or not: its evidence. */
export function exchangeOf(tried: Attempt): Exchange {
  return tried.response ? tried.response.exchange : tried.failure.exchange;
}

/** "404", "no answer (timeout)", "connection dropped": an attempt's answer in a tally. */
export function answerOf(tried: Attempt): string {
  if (tried.response) return String(tried.response.status);
  return tried.failure.code === 'timeout' ? 'no answer (timeout)' : 'connection dropped';
}

/** What came back, in a few words: "no answer within 5000 ms", "the connection was closed without an answer". */
export function describeFailure(failure: ProbeError): string {
  switch (failure.code) {
    case 'timeout':
      return `no answer within ${/within (\d+) ms/.exec(failure.message)?.[1] ?? 'the timeout'} ms`;
    case 'reset':
      // An idempotent probe is tried twice before a reset counts (see fluke-retry.ts).
      return failure.exchange?.retried
        ? 'the connection was closed without a complete answer, twice (retried once)'
        : 'the connection was closed without a complete answer';
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
