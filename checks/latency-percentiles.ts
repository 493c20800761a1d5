import { formatMs, roundMs, summarize } from '../src/measure/percentiles.js';
import { describeRound, samplesOrTimeout, type SampleRound } from '../src/measure/sampler.js';
import type { Check, CheckContext, Finding } from '../src/types.js';

/**
 * p95 and p99 within thresholds, per endpoint: one finding for the requests sent one at a time and
 * one for the same number at latency.concurrency. Samples are shared with background-work.
 */
const check: Check = {
  meta: {
    id: 'latency-percentiles',
    title: 'p95/p99 latency within thresholds',
    item: 'latency',
    severity: 'high',
    rationale:
      'Averages hide the slow tail that users feel and that timeouts and retries amplify; p95 and p99 against an agreed budget, with a duration metric and an alert on p95, catch a regression before customers do.',
    remediation:
      'Trace the slowest requests to find where the time goes (queries without an index, N+1 queries, remote calls in series), cache or precompute what can be, move slow work to a background job, and export a request-duration histogram with an alert on p95.',
    probes: 'a warm-up, then latency.samples requests to each endpoint one at a time and again at latency.concurrency, within latency.maxSeconds (writes only with allowWrites)',
    writes: false,
    phase: 'measure',
  },

  applies: (target) => target.endpoints,

  async run(ctx: CheckContext): Promise<Finding[]> {
    const samples = await samplesOrTimeout(ctx, ctx.endpoint!);
    if ('timedOut' in samples) {
      const evidence = samples.timedOut.exchange ? [samples.timedOut.exchange] : [];
      return [ctx.finding({ status: 'fail', message: `${ctx.endpoint!.label} did not answer the warm-up within ${ctx.target.limits.timeoutMs} ms, so it was not sampled`, evidence })];
    }
    const findings = [await judgeRound(ctx, samples.sequential, samples.createdIds)];
    if (samples.concurrent) findings.push(await judgeRound(ctx, samples.concurrent));
    else if (samples.concurrentSkipped) {
      findings.push(ctx.finding({ status: 'skip', message: `${ctx.endpoint!.label} was not timed at ${Math.min(ctx.target.latency.concurrency, ctx.target.limits.concurrency)} in flight: ${samples.concurrentSkipped}` }));
    }
    return findings;
  },
};

export default check;

async function judgeRound(ctx: CheckContext, round: SampleRound, createdIds: string[] = []): Promise<Finding> {
  const label = ctx.endpoint?.label ?? '*';
  const { p95Ms, p99Ms } = ctx.target.thresholds;
  const summary = await summarize(round.samplesMs);
  const data = {
    latency: {
      samplesMs: round.samplesMs.map(roundMs),
      ...summary,
      measured: 'time to last byte',
      concurrency: round.concurrency,
      peakInFlight: round.peakInFlight,
      planned: round.planned,
      ...(round.stopped ? { stoppedEarly: round.stopped } : {}),
    },
    ...(createdIds.length ? { createdIds } : {}),
  };
  const evidence = round.slowest ? [round.slowest] : [];
  if (summary.count === 0) {
    return ctx.finding({ status: 'error', message: `could not decide: no sample of ${label} was answered (${describeRound(round)})`, evidence, data });
  }
  const figures = `p50 ${formatMs(summary.p50)}, p95 ${formatMs(summary.p95)}, p99 ${formatMs(summary.p99)}, max ${formatMs(summary.max)}`;
  const errors = round.statuses.filter((status) => status >= 400);
  const created = createdIds.length ? `; timing it created ${createdIds.length} record${createdIds.length > 1 ? 's' : ''} on the target (${createdIds.join(', ')}): delete them` : '';
  const basis = `time to last byte over ${describeRound(round)}${errors.length ? `, ${errors.length} of them answered ${[...new Set(errors)].join('/')}` : ''}${created}`;
  if (errors.length === round.statuses.length && errors.length > 0) {
    // Timing a 401 or a 404 says nothing about the endpoint's real work.
    return ctx.finding({ status: 'error', message: `could not decide: every sample of ${label} answered ${[...new Set(errors)].join('/')}, so only error responses were timed; check auth, params and body (${figures}, ${basis})`, evidence, data });
  }
  const over = [
    summary.p95 > p95Ms ? `p95 ${formatMs(summary.p95)} is over thresholds.p95Ms (${p95Ms} ms)` : '',
    summary.p99 > p99Ms ? `p99 ${formatMs(summary.p99)} is over thresholds.p99Ms (${p99Ms} ms)` : '',
  ].filter(Boolean);
  // The verdict first: a table shows only the start of a message.
  if (over.length) return ctx.finding({ status: 'fail', message: `${label}: ${over.join(' and ')}; ${figures}, ${basis}`, evidence, data });
  return ctx.finding({ status: 'pass', message: `${label}: ${figures}, within p95Ms ${p95Ms} ms and p99Ms ${p99Ms} ms; ${basis}`, evidence, data });
}
