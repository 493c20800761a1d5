import pLimit from 'p-limit';
import { ProbeError, type HttpClient, type ProbeRequest, type ProbeResponse } from '../http/types.js';
import type { Endpoint, Exchange, Target } from '../types.js';
import type { CheckContext } from '../check-api/contract.js';
import { endpointRequest } from '../http/endpoint-request.js';
import { isWriteMethod } from '../http/methods.js';
import { formatMs, summarize } from './percentiles.js';

export interface SamplePlan {
  /** Requests per round. */
  samples: number;
  /** Requests in flight at once in the second round; 1 means the sequential round only. */
  concurrency: number;
  /** Time budget for the warm-up and both rounds. */
  budgetMs: number;
  /** How the budget is named in messages, e.g. "latency.maxSeconds: 4". */
  budgetName: string;
  /** Stop early once the first samples all took longer than this: the median is clearly over it. */
  slowMs?: number;
  timeoutMs?: number;
  /** For write endpoints: the response field that holds a created record's id, so the records can be listed for clean-up. */
  collectIds?: string;
}

export interface SampleRound {
  /** Requests asked to be in flight at once. */
  concurrency: number;
  /** The most that really overlapped (the client's rate and concurrency limits can hold it lower). */
  peakInFlight: number;
  planned: number;
  /** Time to last byte of each sample, in the order they finished; a timed-out sample counts at the time it gave up. */
  samplesMs: number[];
  /** The status of each answered sample. */
  statuses: number[];
  /** The status behind each entry of samplesMs, in the same order; undefined for a sample that timed out. */
  sampleStatuses: Array<number | undefined>;
  timeouts: number;
  /** Samples lost to resets and other network errors (not in samplesMs). */
  failures: number;
  /** Why fewer than `planned` were taken. */
  stopped?: string;
  slowest?: Exchange;
}

export interface Samples {
  /** The first request, not counted: it opens connections and warms caches. Its answer is kept whole. */
  warmup: ProbeResponse;
  sequential: SampleRound;
  concurrent?: SampleRound;
  /** Why the concurrent round did not run. */
  concurrentSkipped?: string;
  /** Ids of records the timed requests created (write endpoints), for the owner to clean up. */
  createdIds: string[];
}

/** Three slow samples in a row make a slow median plain; more would only cost time. */
const SAMPLES_TO_CALL_SLOW = 3;

/**
 * A warm-up (or `warmedUpBy`, a request the caller already sent), then `samples` requests one after another, then `samples` more at `concurrency`,
 * all within `budgetMs`: a round stops before a request that would overrun the budget, and the
 * sequential round stops once its first samples are all over `slowMs`. Timing is the client's
 * monotonic clock from the request going onto the socket to its last byte, as undici sees them
 * (src/http/wire-clock.ts): the tool's own work on either side is not in a sample.
 */
export async function sample(http: HttpClient, request: ProbeRequest, plan: SamplePlan, warmedUpBy?: ProbeResponse): Promise<Samples> {
  const deadline = performance.now() + plan.budgetMs;
  const createdIds: string[] = [];
  const send = async (purpose: string): Promise<ProbeResponse> => {
    const response = await http.send({ ...request, purpose, ...(plan.timeoutMs ? { timeoutMs: plan.timeoutMs } : {}) });
    if (plan.collectIds) collectId(response, plan.collectIds, createdIds);
    return response;
  };
  const warmup = warmedUpBy ?? (await send('warm-up, not counted'));
  const sequential = await sequentialRound(send, plan, deadline, warmup.durationMs);
  if (plan.concurrency <= 1) return { warmup, sequential, createdIds };
  if (sequential.stopped)
    return { warmup, sequential, concurrentSkipped: `the sequential round stopped early (${sequential.stopped})`, createdIds };
  const concurrent = await concurrentRound(send, plan, deadline, (await summarize(sequential.samplesMs)).p50);
  return { warmup, sequential, concurrent, createdIds };
}

type Send = (purpose: string) => Promise<ProbeResponse>;

/** The id of the record a 2xx write answered with, if its JSON body names one at `field`. */
function collectId(response: ProbeResponse, field: string, into: string[]): void {
  if (response.status < 200 || response.status > 299) return;
  const body = response.json();
  const id = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof id === 'string' || typeof id === 'number') into.push(String(id));
}

async function sequentialRound(send: Send, plan: SamplePlan, deadline: number, warmupMs: number): Promise<SampleRound> {
  const round = emptyRound(1, plan.samples);
  let lastMs = warmupMs;
  for (let i = 0; i < plan.samples; i++) {
    const taken = round.samplesMs.length;
    if (plan.slowMs !== undefined && taken >= SAMPLES_TO_CALL_SLOW && round.samplesMs.every((ms) => ms > plan.slowMs!)) {
      round.stopped = `all ${taken} were over ${plan.slowMs} ms`;
      break;
    }
    // At least one sample always runs; after that, none that would overrun the budget.
    if (i > 0 && performance.now() + lastMs > deadline) {
      round.stopped = `the time budget (${plan.budgetName}) was spent`;
      break;
    }
    const outcome = await take(send, `latency sample ${i + 1}/${plan.samples}`, round);
    if (typeof outcome === 'string') {
      round.stopped = outcome;
      break;
    }
    if (outcome) lastMs = outcome.durationMs;
  }
  return round;
}

async function concurrentRound(send: Send, plan: SamplePlan, deadline: number, expectedMs: number): Promise<SampleRound> {
  const round = emptyRound(plan.concurrency, plan.samples);
  const limit = pLimit(plan.concurrency);
  const intervals: Array<[number, number]> = [];
  await Promise.all(
    Array.from({ length: plan.samples }, (_, i) =>
      limit(async () => {
        if (round.stopped) return;
        if (performance.now() + expectedMs > deadline) {
          round.stopped = `the time budget (${plan.budgetName}) was spent`;
          return;
        }
        const outcome = await take(send, `latency sample ${i + 1}/${plan.samples} at ${plan.concurrency} in flight`, round);
        if (typeof outcome === 'string') round.stopped = outcome;
        else if (outcome) intervals.push([outcome.endedAt - outcome.durationMs, outcome.endedAt]);
      }),
    ),
  );
  round.peakInFlight = peakOverlap(intervals);
  return round;
}

function emptyRound(concurrency: number, planned: number): SampleRound {
  return { concurrency, peakInFlight: 1, planned, samplesMs: [], statuses: [], sampleStatuses: [], timeouts: 0, failures: 0 };
}

/** One sample into the round: its timing, undefined when it was lost, a reason when sampling must stop. */
async function take(
  send: Send,
  purpose: string,
  round: SampleRound,
): Promise<{ durationMs: number; endedAt: number } | string | undefined> {
  let exchange: Exchange;
  let durationMs: number;
  let status: number | undefined;
  try {
    const response = await send(purpose);
    exchange = response.exchange;
    durationMs = response.durationMs;
    status = response.status;
    round.statuses.push(response.status);
  } catch (error) {
    if (!(error instanceof ProbeError)) throw error;
    if (error.code === 'budget' || error.code === 'deadline' || error.code === 'aborted') return error.message;
    if (error.code !== 'timeout' || !error.exchange) {
      round.failures++;
      return undefined;
    }
    // A timeout is the slowest kind of answer: it counts, at the time the client gave up.
    round.timeouts++;
    exchange = error.exchange;
    durationMs = error.exchange.durationMs;
  }
  round.samplesMs.push(durationMs);
  round.sampleStatuses.push(status);
  if (!round.slowest || durationMs > round.slowest.durationMs) round.slowest = exchange;
  return { durationMs, endedAt: performance.now() };
}

/** The most intervals that overlap at any instant. */
export function peakOverlap(intervals: ReadonlyArray<readonly [number, number]>): number {
  const edges = intervals.flatMap(
    ([start, end]) =>
      [
        [start, 1],
        [end, -1],
      ] as const,
  );
  // Ends sort before starts at the same instant: back-to-back requests do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    open += delta;
    peak = Math.max(peak, open);
  }
  return Math.max(1, peak);
}

/** Every timed write creates a real record on the target: a few, one at a time, tell the story. */
export const MAX_WRITE_SAMPLES = 5;

/** How a target's config turns into a sampling plan for an endpoint. */
export function planFor(target: Target, endpoint?: Endpoint): SamplePlan {
  const writes = endpoint !== undefined && isWriteMethod(endpoint.method);
  return {
    samples: writes ? Math.min(target.latency.samples, MAX_WRITE_SAMPLES) : target.latency.samples,
    // The client never has more than limits.concurrency in flight; asking for more would be a lie.
    concurrency: writes ? 1 : Math.min(target.latency.concurrency, target.limits.concurrency),
    budgetMs: target.latency.maxSeconds * 1000,
    budgetName: `latency.maxSeconds: ${target.latency.maxSeconds}`,
    slowMs: target.thresholds.slowMs,
    ...(writes ? { collectIds: target.idempotency.idField } : {}),
  };
}

/**
 * Keyed by the run client's authHeaders object: the runner hands each check a wrapper of the one
 * client (the liveness watch, write recording), and every wrapper passes that object through, so it
 * names the run where the wrapper's own identity would not.
 */
const shared = new WeakMap<object, Map<string, Promise<Samples>>>();

/**
 * The samples of one endpoint, taken once per run (per client) and shared by every check that needs
 * them, so background-work and latency do not each pay for the same requests.
 */
export function endpointSamples(ctx: Pick<CheckContext, 'http' | 'target'>, endpoint: Endpoint): Promise<Samples> {
  let byEndpoint = shared.get(ctx.http.authHeaders);
  if (!byEndpoint) {
    byEndpoint = new Map();
    shared.set(ctx.http.authHeaders, byEndpoint);
  }
  let samples = byEndpoint.get(endpoint.label);
  if (!samples) {
    samples = sample(ctx.http, endpointRequest(endpoint), planFor(ctx.target, endpoint));
    byEndpoint.set(endpoint.label, samples);
  }
  return samples;
}

/**
 * The endpoint's samples, or the timeout that stopped its warm-up: for a timing check an endpoint
 * that never answers is a finding (slower than any threshold), not an undecided probe.
 */
export async function samplesOrTimeout(
  ctx: Pick<CheckContext, 'http' | 'target'>,
  endpoint: Endpoint,
): Promise<Samples | { timedOut: ProbeError }> {
  try {
    return await endpointSamples(ctx, endpoint);
  } catch (error) {
    if (error instanceof ProbeError && error.code === 'timeout') return { timedOut: error };
    throw error;
  }
}

/** "20 requests one at a time", "3 of 20 requests one at a time (stopped early: ...)", for messages. */
export function describeRound(round: SampleRound): string {
  const taken = round.samplesMs.length;
  let what = `${taken}${taken < round.planned ? ` of ${round.planned}` : ''} request${round.planned === 1 ? '' : 's'}`;
  if (round.concurrency === 1) what += ' one at a time';
  else {
    what += ` at ${round.concurrency} in flight`;
    if (round.peakInFlight < round.concurrency)
      what += ` (at most ${round.peakInFlight} overlapped: limits.requestsPerSecond spaced them out)`;
  }
  const notes: string[] = [];
  if (round.timeouts) notes.push(`${round.timeouts} timed out, counted at ${formatMs(Math.max(...round.samplesMs))}`);
  if (round.failures) notes.push(`${round.failures} lost to network errors`);
  if (round.stopped) notes.push(`stopped early: ${round.stopped}`);
  return notes.length ? `${what} (${notes.join('; ')})` : what;
}
