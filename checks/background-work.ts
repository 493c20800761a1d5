import { getProperty } from 'dot-prop';
import {
  defineCheck,
  describeRound,
  formatMs,
  ProbeError,
  samplesOrTimeout,
  summarize,
  type EndpointContext,
  type ProbeResponse,
  type SampleRound,
  type Samples,
} from './api.js';

/** Where job APIs put the status URL and the job id in a 202 body. */
const STATUS_URL_FIELDS = ['status_url', 'statusUrl', 'links.self', '_links.self.href', 'href'];
const JOB_ID_FIELDS = ['job_id', 'jobId', 'id', 'job.id'];

const VERDICTS = {
  timedOut: {
    probe: 'work',
    status: 'fail',
    message: '{endpoint} did not answer within {timeoutMs} ms: this work belongs in a background job',
  },
  noWorkTimed: {
    probe: 'work',
    status: 'error',
    message:
      'could not decide: every timed request to {endpoint} answered {statuses} ({sampled}); only answers that did the work (2xx/3xx) are timed, so check its auth, params and body',
  },
  slow: {
    probe: 'work',
    status: 'fail',
    message: '{endpoint} took a median of {median}, over slowMs ({slowMs} ms): this work belongs in a background job; timed over {sampled}',
  },
  fast: {
    probe: 'work',
    status: 'pass',
    message: '{endpoint} took a median of {median}, under slowMs ({slowMs} ms); timed over {sampled}',
  },
  asyncRefused: {
    probe: 'work',
    status: 'error',
    message: 'could not decide: {endpoint} answered {status} to the configured body; set endpoints[].body to a request it accepts',
  },
  asyncInline: {
    probe: 'work',
    status: 'fail',
    message:
      '{endpoint} is marked kind: async but answered {status} after doing the work (a median of {median}): answer 202 Accepted with a Location to a job status URL and do the work in the background; timed over {sampled}',
  },
  asyncSlow: {
    probe: 'work',
    status: 'fail',
    message:
      '{endpoint} answered {status} but only after a median of {median}, over slowMs ({slowMs} ms): queue the work and answer at once; timed over {sampled}',
  },
  asyncNoStatusUrl: {
    probe: 'work',
    status: 'warn',
    message:
      '{endpoint} answered {status} in a median of {median} with job id {jobId} but no Location header or status URL; clients must guess where to poll; timed over {sampled}',
  },
  asyncUntrackable: {
    probe: 'work',
    status: 'fail',
    message:
      '{endpoint} answered {status} in a median of {median} with neither a job id nor a Location: the caller cannot follow the job; timed over {sampled}',
  },
  asyncOffOrigin: {
    probe: 'work',
    status: 'warn',
    message:
      '{endpoint} answered {status} in a median of {median}; its status URL {statusUrl} is on another origin and was not polled; timed over {sampled}',
  },
  asyncStatusBroken: {
    probe: 'work',
    status: 'fail',
    message:
      '{endpoint} answered {status} in a median of {median}, but its status URL GET {statusUrl} answered {statusAnswer}: the job cannot be followed; timed over {sampled}',
  },
  asyncFollowable: {
    probe: 'work',
    status: 'pass',
    message:
      '{endpoint} answered {status} in a median of {median} with status URL {statusUrl}, which answered {statusAnswer}; timed over {sampled}',
  },
} as const;

/**
 * Slow work is not inside the request: every endpoint's median stays under slowMs, and endpoints
 * marked `kind: async` answer 202 (or 201) at once with a job id or Location that can be polled.
 * Shares its samples with the latency check, so each endpoint is timed once. Only answers that did
 * the work (2xx/3xx, or no answer in time) are timed: a fast 500 says nothing about the work (issue 13).
 */
export default defineCheck({
  meta: {
    id: 'background-work',
    title: 'Slow work runs in a background job, not in the request',
    item: 'background-work',
    severity: 'high',
    rationale:
      'A request that does seconds of work holds a connection and a worker the whole time; under load they run out, timeouts cascade, and a client that gives up and retries does the work twice.',
    remediation:
      'Put the work on a queue and answer 202 Accepted at once with a Location to a job status URL (GET it for progress and the result); precompute reports instead of building them per request.',
    probes:
      'times every endpoint (a warm-up, then latency.samples requests, shared with the latency check; writes only with allowWrites); for kind: async, reads the 202 and polls its status URL once',
    writes: false,
    phase: 'measure',
    endpointMethodWrites: true,
    // One finding per endpoint, whatever its outcome: every verdict answers "is the work in the request?".
    verdicts: VERDICTS,
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints,

  async run(ctx) {
    const endpoint = ctx.endpoint.label;
    const slowMs = ctx.target.thresholds.slowMs;
    const samples = await samplesOrTimeout(ctx, ctx.endpoint);
    if ('timedOut' in samples) {
      // A request that never finishes is the slowest work of all.
      ctx.report(
        'timedOut',
        { endpoint, timeoutMs: ctx.target.limits.timeoutMs },
        samples.timedOut.exchange ? [samples.timedOut.exchange] : [],
      );
      return;
    }
    const round = samples.sequential;
    const sampled = describeTimed(round);
    if (ctx.endpoint.kind === 'async' && samples.warmup.status >= 400) {
      ctx.report('asyncRefused', { endpoint, status: samples.warmup.status }, [samples.warmup.exchange]);
      return;
    }
    const work = timedWork(round);
    if (work.length === 0) {
      ctx.report('noWorkTimed', { endpoint, statuses: [...new Set(round.statuses)].map(String), sampled }, [
        round.slowest ?? samples.warmup.exchange,
      ]);
      return;
    }
    const medianMs = (await summarize(work)).p50;
    const median = formatMs(medianMs);
    const facts = { medianMs, samples: work.length };
    if (ctx.endpoint.kind === 'async') return judgeAsync(ctx, samples, { median, sampled, medianMs, facts });
    const evidence = [round.slowest ?? samples.warmup.exchange];
    if (medianMs > slowMs) ctx.report('slow', { endpoint, median, slowMs, sampled, ...facts }, evidence);
    else ctx.report('fast', { endpoint, median, slowMs, sampled, ...facts }, evidence);
  },
});

/** The timings of samples that did the work: answered 2xx/3xx, or not at all in time (slow work too). */
function timedWork(round: SampleRound): number[] {
  return round.samplesMs.filter((_, i) => {
    const status = round.sampleStatuses[i];
    return status === undefined || (status >= 200 && status < 400);
  });
}

/** describeRound, plus how many answers were left out of the timing because they did no work. */
function describeTimed(round: SampleRound): string {
  const errors = round.sampleStatuses.filter((status) => status !== undefined && status >= 400);
  if (!errors.length || errors.length === round.sampleStatuses.length) return describeRound(round);
  return `${describeRound(round)}, of which ${errors.length} answered ${[...new Set(errors)].join('/')} and were not timed`;
}

interface Timing {
  median: string;
  sampled: string;
  medianMs: number;
  facts: Record<string, number>;
}

/** kind: async must answer 202/201 fast, name the job, and the job's status URL must answer. */
async function judgeAsync(
  ctx: EndpointContext<typeof VERDICTS>,
  samples: Samples,
  { median, sampled, medianMs, facts }: Timing,
): Promise<void> {
  const endpoint = ctx.endpoint.label;
  const slowMs = ctx.target.thresholds.slowMs;
  const accepted = samples.warmup;
  const status = accepted.status;
  const evidence = [accepted.exchange];
  if (status !== 202 && status !== 201) {
    ctx.report('asyncInline', { endpoint, status, median, sampled, ...facts }, evidence);
    return;
  }
  if (medianMs > slowMs) {
    ctx.report('asyncSlow', { endpoint, status, median, slowMs, sampled, ...facts }, evidence);
    return;
  }
  const body = accepted.json();
  const statusUrl = accepted.headers.location ?? firstString(body, STATUS_URL_FIELDS);
  const jobId = firstString(body, JOB_ID_FIELDS);
  if (!statusUrl) {
    if (jobId) ctx.report('asyncNoStatusUrl', { endpoint, status, median, jobId, sampled, ...facts }, evidence);
    else ctx.report('asyncUntrackable', { endpoint, status, median, sampled, ...facts }, evidence);
    return;
  }
  let polled: ProbeResponse;
  try {
    polled = await ctx.http.send({
      method: 'GET',
      path: new URL(statusUrl, accepted.exchange.url).href,
      purpose: `the job status URL from ${endpoint}`,
    });
  } catch (error) {
    if (error instanceof ProbeError && error.code === 'off-origin') {
      ctx.report('asyncOffOrigin', { endpoint, status, median, statusUrl, sampled, ...facts }, evidence);
      return;
    }
    throw error;
  }
  evidence.push(polled.exchange);
  const statusPath = new URL(polled.exchange.url).pathname;
  if (polled.status < 200 || polled.status > 299) {
    ctx.report(
      'asyncStatusBroken',
      { endpoint, status, median, statusUrl: statusPath, statusAnswer: polled.status, sampled, ...facts },
      evidence,
    );
  } else {
    ctx.report(
      'asyncFollowable',
      { endpoint, status, median, statusUrl: statusPath, statusAnswer: polled.status, sampled, ...facts },
      evidence,
    );
  }
}

function firstString(body: unknown, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    const value: unknown = typeof body === 'object' && body !== null ? getProperty(body, path) : undefined;
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}
