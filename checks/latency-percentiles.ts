import {
  defineCheck,
  describeRound,
  formatMs,
  reportJudgement,
  roundMs,
  samplesOrTimeout,
  summarize,
  type EndpointContext,
  type Judgement,
  type LatencySummary,
  type SampleRound,
} from './api.js';

const VERDICTS = {
  timedOut: {
    probe: 'round',
    status: 'fail',
    message: '{endpoint} did not answer the warm-up within {timeoutMs} ms, so it was not sampled',
  },
  noAnswer: { probe: 'round', status: 'error', message: 'could not decide: no sample of {endpoint} was answered ({sampled})' },
  onlyErrors: {
    probe: 'round',
    status: 'error',
    message:
      'could not decide: every sample of {endpoint} answered {statuses}, so only error responses were timed; check auth, params and body ({figures}, {basis})',
  },
  overThresholds: { probe: 'round', status: 'fail', message: '{endpoint}: {over}; {figures}, {basis}' },
  withinThresholds: {
    probe: 'round',
    status: 'pass',
    message: '{endpoint}: {figures}, within p95Ms {p95Ms} ms and p99Ms {p99Ms} ms; {basis}',
  },
  concurrentSkipped: { probe: 'round', status: 'skip', message: '{endpoint} was not timed at {concurrency} in flight: {reason}' },
} as const;

/**
 * p95 and p99 within thresholds, per endpoint: one finding for the requests sent one at a time and
 * one for the same number at latency.concurrency (keys #sequential and #concurrent). Samples are
 * shared with background-work.
 */
export default defineCheck({
  meta: {
    id: 'latency-percentiles',
    title: 'p95/p99 latency within thresholds',
    item: 'latency',
    severity: 'high',
    rationale:
      'Averages hide the slow tail that users feel and that timeouts and retries amplify; p95 and p99 against an agreed budget, with a duration metric and an alert on p95, catch a regression before customers do.',
    remediation:
      'Trace the slowest requests to find where the time goes (queries without an index, N+1 queries, remote calls in series), cache or precompute what can be, move slow work to a background job, and export a request-duration histogram with an alert on p95.',
    probes:
      'a warm-up, then latency.samples requests to each endpoint one at a time and again at latency.concurrency, within latency.maxSeconds (writes only with allowWrites)',
    writes: false,
    phase: 'measure',
    endpointMethodWrites: true,
    verdicts: VERDICTS,
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints,

  async run(ctx) {
    const endpoint = ctx.endpoint.label;
    const samples = await samplesOrTimeout(ctx, ctx.endpoint);
    if ('timedOut' in samples) {
      const evidence = samples.timedOut.exchange ? [samples.timedOut.exchange] : [];
      ctx.report('timedOut', { endpoint, timeoutMs: ctx.target.limits.timeoutMs }, evidence, { key: 'sequential' });
      return;
    }
    await judgeRound(ctx, samples.sequential, 'sequential', samples.createdIds);
    if (samples.concurrent) await judgeRound(ctx, samples.concurrent, 'concurrent');
    else if (samples.concurrentSkipped) {
      const concurrency = Math.min(ctx.target.latency.concurrency, ctx.target.limits.concurrency);
      ctx.report('concurrentSkipped', { endpoint, concurrency, reason: samples.concurrentSkipped }, [], { key: 'concurrent' });
    }
  },
});

async function judgeRound(
  ctx: EndpointContext<typeof VERDICTS>,
  round: SampleRound,
  key: 'sequential' | 'concurrent',
  createdIds: string[] = [],
): Promise<void> {
  const summary = await summarize(round.samplesMs);
  const judgement = judgeLatencyRound(ctx.endpoint.label, round, summary, ctx.target.thresholds, createdIds);
  reportJudgement(ctx, judgement, round.slowest ? [round.slowest] : [], { key });
}

/**
 * One round's verdict from its samples and their percentiles: nothing answered, only error answers
 * (timing a 401 or a 404 says nothing about the endpoint's real work), over a threshold, or within.
 */
export function judgeLatencyRound(
  endpoint: string,
  round: SampleRound,
  summary: LatencySummary,
  { p95Ms, p99Ms }: { p95Ms: number; p99Ms: number },
  createdIds: readonly string[] = [],
): Judgement<typeof VERDICTS, 'noAnswer' | 'onlyErrors' | 'overThresholds' | 'withinThresholds'> {
  const latency = {
    samplesMs: round.samplesMs.map(roundMs),
    ...summary,
    measured: 'time to last byte',
    // The budget, so a chart can draw it and show how far over (or under) the samples are.
    thresholds: { p95Ms, p99Ms },
    concurrency: round.concurrency,
    peakInFlight: round.peakInFlight,
    planned: round.planned,
    ...(round.stopped ? { stoppedEarly: round.stopped } : {}),
  };
  const facts = { latency, ...(createdIds.length ? { createdIds } : {}) };
  const sampled = describeRound(round);
  if (summary.count === 0) return { verdict: 'noAnswer', data: { endpoint, sampled, ...facts } };
  const figures = `p50 ${formatMs(summary.p50)}, p95 ${formatMs(summary.p95)}, p99 ${formatMs(summary.p99)}, max ${formatMs(summary.max)}`;
  const errors = round.statuses.filter((status) => status >= 400);
  const statuses = [...new Set(errors)].join('/');
  const created = createdIds.length
    ? `; timing it created ${createdIds.length} record${createdIds.length > 1 ? 's' : ''} on the target (${createdIds.join(', ')}): delete them`
    : '';
  const basis = `time to last byte over ${sampled}${errors.length ? `, ${errors.length} of them answered ${statuses}` : ''}${created}`;
  if (errors.length === round.statuses.length && errors.length > 0)
    return { verdict: 'onlyErrors', data: { endpoint, statuses, figures, basis, ...facts } };
  const over = [
    summary.p95 > p95Ms ? `p95 ${formatMs(summary.p95)} is over thresholds.p95Ms (${p95Ms} ms)` : '',
    summary.p99 > p99Ms ? `p99 ${formatMs(summary.p99)} is over thresholds.p99Ms (${p99Ms} ms)` : '',
  ].filter(Boolean);
  // The verdict first: a table shows only the start of a message.
  if (over.length) return { verdict: 'overThresholds', data: { endpoint, over: over.join(' and '), figures, basis, ...facts } };
  return { verdict: 'withinThresholds', data: { endpoint, figures, p95Ms, p99Ms, basis, ...facts } };
}
