import { getProperty } from 'dot-prop';
import { ProbeError, type ProbeResponse } from '../src/http/types.js';
import { formatMs, summarize } from '../src/measure/percentiles.js';
import { describeRound, samplesOrTimeout, type Samples } from '../src/measure/sampler.js';
import type { Check, CheckContext, Endpoint, Finding } from '../src/types.js';

/** Where job APIs put the status URL and the job id in a 202 body. */
const STATUS_URL_FIELDS = ['status_url', 'statusUrl', 'links.self', '_links.self.href', 'href'];
const JOB_ID_FIELDS = ['job_id', 'jobId', 'id', 'job.id'];

/**
 * Slow work is not inside the request: every endpoint's median stays under slowMs, and endpoints
 * marked `kind: async` answer 202 (or 201) at once with a job id or Location that can be polled.
 * Shares its samples with the latency check, so each endpoint is timed once.
 */
const check: Check = {
  meta: {
    id: 'background-work',
    title: 'Slow work runs in a background job, not in the request',
    item: 'background-work',
    severity: 'high',
    rationale:
      'A request that does seconds of work holds a connection and a worker the whole time; under load they run out, timeouts cascade, and a client that gives up and retries does the work twice.',
    remediation:
      'Put the work on a queue and answer 202 Accepted at once with a Location to a job status URL (GET it for progress and the result); precompute reports instead of building them per request.',
    probes: 'times every endpoint (a warm-up, then latency.samples requests, shared with the latency check; writes only with allowWrites); for kind: async, reads the 202 and polls its status URL once',
    writes: false,
    phase: 'measure',
  },

  applies: (target) => target.endpoints,

  async run(ctx: CheckContext): Promise<Finding[]> {
    const endpoint = ctx.endpoint!;
    const slowMs = ctx.target.thresholds.slowMs;
    const samples = await samplesOrTimeout(ctx, endpoint);
    if ('timedOut' in samples) {
      // A request that never finishes is the slowest work of all.
      return [ctx.finding({ status: 'fail', message: `${endpoint.label} did not answer within ${ctx.target.limits.timeoutMs} ms: this work belongs in a background job`, evidence: samples.timedOut.exchange ? [samples.timedOut.exchange] : [] })];
    }
    const round = samples.sequential;
    const median = (await summarize(round.samplesMs)).p50;
    const sampled = describeRound(round);
    const data = { medianMs: median, slowMs, samples: round.samplesMs.length };
    const evidence = [round.slowest ?? samples.warmup.exchange];
    if (endpoint.kind === 'async') return [await judgeAsync(ctx, endpoint, samples, median, sampled, data)];
    if (median > slowMs) {
      return [ctx.finding({ status: 'fail', message: `${endpoint.label} took a median of ${formatMs(median)}, over slowMs (${slowMs} ms): this work belongs in a background job; timed over ${sampled}`, evidence, data })];
    }
    return [ctx.finding({ status: 'pass', message: `${endpoint.label} took a median of ${formatMs(median)}, under slowMs (${slowMs} ms); timed over ${sampled}`, evidence, data })];
  },
};

export default check;

/** kind: async must answer 202/201 fast, name the job, and the job's status URL must answer. */
async function judgeAsync(ctx: CheckContext, endpoint: Endpoint, samples: Samples, median: number, sampled: string, data: Record<string, unknown>): Promise<Finding> {
  const slowMs = ctx.target.thresholds.slowMs;
  const timing = `a median of ${formatMs(median)}`;
  const basis = `; timed over ${sampled}`;
  const accepted = samples.warmup;
  const evidence = [accepted.exchange];
  if (accepted.status >= 400) {
    return ctx.finding({ status: 'error', message: `could not decide: ${endpoint.label} answered ${accepted.status} to the configured body; set endpoints[].body to a request it accepts`, evidence, data });
  }
  if (accepted.status !== 202 && accepted.status !== 201) {
    return ctx.finding({
      status: 'fail',
      message: `${endpoint.label} is marked kind: async but answered ${accepted.status} after doing the work (${timing}): answer 202 Accepted with a Location to a job status URL and do the work in the background${basis}`,
      evidence,
      data,
    });
  }
  if (median > slowMs) {
    return ctx.finding({ status: 'fail', message: `${endpoint.label} answered ${accepted.status} but only after ${timing}, over slowMs (${slowMs} ms): queue the work and answer at once${basis}`, evidence, data });
  }
  const body = accepted.json();
  const statusUrl = accepted.headers['location'] ?? firstString(body, STATUS_URL_FIELDS);
  const jobId = firstString(body, JOB_ID_FIELDS);
  if (!statusUrl) {
    return jobId
      ? ctx.finding({ status: 'warn', message: `${endpoint.label} answered ${accepted.status} in ${timing} with job id ${jobId} but no Location header or status URL; clients must guess where to poll${basis}`, evidence, data })
      : ctx.finding({ status: 'fail', message: `${endpoint.label} answered ${accepted.status} in ${timing} with neither a job id nor a Location: the caller cannot follow the job${basis}`, evidence, data });
  }
  let status: ProbeResponse;
  try {
    status = await ctx.http.send({ method: 'GET', path: new URL(statusUrl, accepted.exchange.url).href, purpose: `the job status URL from ${endpoint.label}` });
  } catch (error) {
    if (error instanceof ProbeError && error.code === 'off-origin') {
      return ctx.finding({ status: 'warn', message: `${endpoint.label} answered ${accepted.status} in ${timing}; its status URL ${statusUrl} is on another origin and was not polled${basis}`, evidence, data });
    }
    throw error;
  }
  evidence.push(status.exchange);
  const statusPath = new URL(status.exchange.url).pathname;
  if (status.status < 200 || status.status > 299) {
    return ctx.finding({ status: 'fail', message: `${endpoint.label} answered ${accepted.status} in ${timing}, but its status URL GET ${statusPath} answered ${status.status}: the job cannot be followed${basis}`, evidence, data });
  }
  return ctx.finding({ status: 'pass', message: `${endpoint.label} answered ${accepted.status} in ${timing} with status URL ${statusPath}, which answered ${status.status}${basis}`, evidence, data: { ...data, statusUrl: statusPath } });
}

function firstString(body: unknown, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    const value: unknown = typeof body === 'object' && body !== null ? getProperty(body, path) : undefined;
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}
