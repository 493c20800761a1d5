import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange } from '../types.js';
import { SAFE_METHODS } from './methods.js';
import { ProbeError, type ProbeRequest } from './types.js';

/** Long enough for a stale connection to be gone and a proxy to pick another upstream; short next to any timeout. */
export const FLUKE_PAUSE_MS = 200;

/** Sending it twice cannot change more than sending it once. */
export function retrySafe(method: string, request: ProbeRequest): boolean {
  return SAFE_METHODS.has(method) || request.retrySafe === true;
}

/** A reset, or a socket closed before any answer: nothing of the server's answer was seen. */
export function isTransportFluke(error: unknown): error is ProbeError & { exchange: Exchange } {
  return error instanceof ProbeError && error.code === 'reset' && error.exchange !== undefined && error.exchange.status === undefined;
}

/** Rejects when the run is stopped or its deadline passes during the pause. */
export async function waitBeforeRetry(signal: AbortSignal): Promise<void> {
  await sleep(FLUKE_PAUSE_MS, undefined, { signal });
}

export function retriedNote(retried: NonNullable<Exchange['retried']>): string {
  return `retried once after ${FLUKE_PAUSE_MS} ms because the first try failed (${retried.message})`;
}
