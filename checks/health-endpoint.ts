import { ProbeError, type ProbeResponse } from '../src/http/types.js';
import { formatMs, roundMs, summarize } from '../src/measure/percentiles.js';
import { describeRound, sample } from '../src/measure/sampler.js';
import type { Check, CheckContext, Finding } from '../src/types.js';

/** Where health endpoints usually live, tried in order when the config names none. */
const CONVENTIONAL_PATHS = ['/health', '/healthz', '/readyz', '/livez'];
/** Enough to see a steady answer; a load balancer polls it every few seconds, not in bursts. */
const HEALTH_SAMPLES = 5;

/**
 * A fast health endpoint: 2xx, without credentials (load balancers and orchestrators call it
 * anonymously), with a median under thresholds.healthMs.
 */
const check: Check = {
  meta: {
    id: 'health-endpoint',
    title: 'A health endpoint that answers 2xx fast without auth',
    item: 'latency',
    severity: 'high',
    rationale:
      'Load balancers and orchestrators decide from the health endpoint whether to send traffic or restart an instance; if it is missing, needs credentials or is slow, healthy instances get pulled and broken ones keep traffic.',
    remediation:
      'Serve GET /health (or /healthz) without auth: answer 200 from in-process state in a few milliseconds, check dependencies on a timer rather than per call, and name the path in health: in the config.',
    probes: `GET the configured health path (else ${CONVENTIONAL_PATHS.join(', ')}, first that exists) without credentials, then ${HEALTH_SAMPLES} timed samples`,
    writes: false,
    phase: 'measure',
  },

  applies: () => 'target',

  async run(ctx: CheckContext): Promise<Finding[]> {
    const { healthMs } = ctx.target.thresholds;
    // A health check that takes many times its budget has failed; no need to wait the full timeout.
    const timeoutMs = Math.min(ctx.target.limits.timeoutMs, Math.max(2000, healthMs * 4));
    const configured = ctx.target.health;
    const tried: ProbeResponse[] = [];
    let found: ProbeResponse | undefined;
    for (const path of configured ? [configured] : CONVENTIONAL_PATHS) {
      let response: ProbeResponse;
      try {
        response = await ctx.http.send({ method: 'GET', path, auth: false, timeoutMs, purpose: 'health endpoint, without credentials' });
      } catch (error) {
        if (error instanceof ProbeError && error.code === 'timeout') {
          return [ctx.finding({ status: 'fail', endpoint: `GET ${path}`, message: `GET ${path} without credentials did not answer within ${timeoutMs} ms; a load balancer would mark every instance down`, evidence: error.exchange ? [error.exchange] : [] })];
        }
        throw error;
      }
      tried.push(response);
      // Without a configured path, a 404 or 405 means "not here"; anything else is the endpoint.
      if (configured || (response.status !== 404 && response.status !== 405)) {
        found = response;
        break;
      }
    }
    if (!found) {
      return [ctx.finding({ status: 'fail', message: `no health endpoint: ${tried.map((r) => `GET ${new URL(r.exchange.url).pathname} → ${r.status}`).join(', ')}; add one, or name yours in health:`, evidence: tried.map((r) => r.exchange) })];
    }
    const path = new URL(found.exchange.url).pathname;
    const endpoint = `GET ${configured ?? path}`;
    if (found.status < 200 || found.status > 299) {
      const why = found.status === 401 || found.status === 403 ? ': it needs credentials, but load balancers and orchestrators call it anonymously' : '';
      return [ctx.finding({ status: 'fail', endpoint, message: `GET ${path} without credentials answered ${found.status}${why}; it must answer 2xx`, evidence: [found.exchange] })];
    }

    // The first answer was the warm-up; now time it.
    const samples = await sample(
      ctx.http,
      { method: 'GET', path: configured ?? path, auth: false },
      { samples: HEALTH_SAMPLES, concurrency: 1, budgetMs: ctx.target.latency.maxSeconds * 1000, budgetName: `latency.maxSeconds: ${ctx.target.latency.maxSeconds}`, slowMs: healthMs, timeoutMs },
      found,
    );
    const round = samples.sequential;
    const summary = await summarize(round.samplesMs);
    const data = { latency: { samplesMs: round.samplesMs.map(roundMs), ...summary, measured: 'time to last byte', concurrency: 1 } };
    const evidence = [found.exchange, ...(round.slowest ? [round.slowest] : [])];
    const timing = `a median of ${formatMs(summary.p50)} (max ${formatMs(summary.max)}) over ${describeRound(round)}`;
    const failed = round.statuses.filter((status) => status < 200 || status > 299);
    if (summary.count === 0) {
      return [ctx.finding({ status: 'fail', endpoint, message: `GET ${path} answered ${found.status} once, then none of ${round.planned} timed samples got an answer (${describeRound(round)}): a flapping health check gets instances pulled at random`, evidence, data })];
    }
    if (failed.length) {
      return [ctx.finding({ status: 'fail', endpoint, message: `GET ${path} answered ${found.status} once, then ${failed.length} of ${round.statuses.length} timed samples answered ${[...new Set(failed)].join('/')}: a flapping health check gets instances pulled at random`, evidence, data })];
    }
    if (summary.p50 >= healthMs) {
      return [ctx.finding({ status: 'fail', endpoint, message: `GET ${path} answered ${found.status} without credentials but slowly: ${timing}, over healthMs (${healthMs} ms); answer from in-process state`, evidence, data })];
    }
    if (summary.max >= healthMs) {
      return [ctx.finding({ status: 'warn', endpoint, message: `GET ${path} answered ${found.status} without credentials in ${timing}; the slowest was over healthMs (${healthMs} ms), which a load balancer counts as a failed check`, evidence, data })];
    }
    return [ctx.finding({ status: 'pass', endpoint, message: `GET ${path} answered ${found.status} without credentials in ${timing}, under healthMs (${healthMs} ms)`, evidence, data })];
  },
};

export default check;
