import { defineCheck, describeRound, formatMs, ProbeError, roundMs, sample, summarize, type ProbeResponse } from './api.js';

/** Where health endpoints usually live, tried in order when the config names none. */
const CONVENTIONAL_PATHS = ['/health', '/healthz', '/readyz', '/livez'];
/** Enough to see a steady answer; a load balancer polls it every few seconds, not in bursts. */
const HEALTH_SAMPLES = 5;
const FLAPPING = 'a flapping health check gets instances pulled at random';

const VERDICTS = {
  hangs: {
    probe: 'health',
    status: 'fail',
    message: 'GET {path} without credentials did not answer within {timeoutMs} ms; a load balancer would mark every instance down',
  },
  missing: { probe: 'health', status: 'fail', message: 'no health endpoint: {tried}; add one, or name yours in health:' },
  needsCredentials: {
    probe: 'health',
    status: 'fail',
    message:
      'GET {path} without credentials answered {status}: it needs credentials, but load balancers and orchestrators call it anonymously; it must answer 2xx',
  },
  notOk: { probe: 'health', status: 'fail', message: 'GET {path} without credentials answered {status}; it must answer 2xx' },
  flappingNoAnswer: {
    probe: 'health',
    status: 'fail',
    message: 'GET {path} answered {status} once, then none of {planned} timed samples got an answer ({sampled}): {why}',
  },
  flapping: {
    probe: 'health',
    status: 'fail',
    message: 'GET {path} answered {status} once, then {failed} of {total} timed samples answered {statuses}: {why}',
  },
  slow: {
    probe: 'health',
    status: 'fail',
    message:
      'GET {path} answered {status} without credentials but slowly: {timing}, over healthMs ({healthMs} ms); answer from in-process state',
  },
  slowest: {
    probe: 'health',
    status: 'warn',
    message:
      'GET {path} answered {status} without credentials in {timing}; the slowest was over healthMs ({healthMs} ms), which a load balancer counts as a failed check',
  },
  fast: {
    probe: 'health',
    status: 'pass',
    message: 'GET {path} answered {status} without credentials in {timing}, under healthMs ({healthMs} ms)',
  },
} as const;

/**
 * A fast health endpoint: 2xx, without credentials (load balancers and orchestrators call it
 * anonymously), with a median under thresholds.healthMs.
 */
export default defineCheck({
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
    // One question, "is there a fast anonymous health endpoint?": every verdict shares its key.
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    const { healthMs } = ctx.target.thresholds;
    // A health check that takes many times its budget has failed; no need to wait the full timeout.
    const timeoutMs = Math.min(ctx.target.limits.timeoutMs, Math.max(2000, healthMs * 4));
    const configured = ctx.target.health;
    const tried: ProbeResponse[] = [];
    const credentialed = new Set<ProbeResponse>();
    const askWithCredentials = (path: string): Promise<ProbeResponse | undefined> =>
      ctx.http
        .send({ method: 'GET', path, timeoutMs, purpose: 'health endpoint refused anonymously: is it there at all?' })
        .catch((error: unknown) => {
          if (error instanceof ProbeError) return undefined;
          throw error;
        });
    let found: ProbeResponse | undefined;
    for (const path of configured ? [configured] : CONVENTIONAL_PATHS) {
      let response: ProbeResponse;
      try {
        response = await ctx.http.send({ method: 'GET', path, auth: false, timeoutMs, purpose: 'health endpoint, without credentials' });
      } catch (error) {
        if (error instanceof ProbeError && error.code === 'timeout') {
          ctx.report('hangs', { path, timeoutMs }, error.exchange ? [error.exchange] : [], { endpoint: `GET ${path}` });
          return;
        }
        throw error;
      }
      tried.push(response);
      // A 401/403 proves nothing about the path on a default-deny server: it refuses paths that do
      // not exist too. With credentials, a 404 or 405 says there is no health endpoint there.
      const withCredentials = response.status === 401 || response.status === 403 ? await askWithCredentials(path) : undefined;
      if (withCredentials) {
        tried.push(withCredentials);
        credentialed.add(withCredentials);
      }
      const absent = (r: ProbeResponse | undefined): boolean => r !== undefined && (r.status === 404 || r.status === 405);
      if (absent(withCredentials)) continue;
      // Without a configured path, a 404 or 405 means "not here"; anything else is the endpoint.
      if (configured || !absent(response)) {
        found = response;
        break;
      }
    }
    if (!found) {
      const answers = tried.map(
        (r) => `GET ${new URL(r.exchange.url).pathname} → ${r.status}${credentialed.has(r) ? ' with credentials' : ''}`,
      );
      ctx.report(
        'missing',
        { tried: answers },
        tried.map((r) => r.exchange),
      );
      return;
    }
    const path = new URL(found.exchange.url).pathname;
    const where = { endpoint: `GET ${configured ?? path}` };
    const status = found.status;
    if (status === 401 || status === 403) {
      ctx.report('needsCredentials', { path, status }, [found.exchange], where);
      return;
    }
    if (status < 200 || status > 299) {
      ctx.report('notOk', { path, status }, [found.exchange], where);
      return;
    }

    // The first answer was the warm-up; now time it.
    const samples = await sample(
      ctx.http,
      { method: 'GET', path: configured ?? path, auth: false },
      {
        samples: HEALTH_SAMPLES,
        concurrency: 1,
        budgetMs: ctx.target.latency.maxSeconds * 1000,
        budgetName: `latency.maxSeconds: ${ctx.target.latency.maxSeconds}`,
        slowMs: healthMs,
        timeoutMs,
      },
      found,
    );
    const round = samples.sequential;
    const summary = await summarize(round.samplesMs);
    const latency = { samplesMs: round.samplesMs.map(roundMs), ...summary, measured: 'time to last byte', concurrency: 1 };
    const evidence = [found.exchange, ...(round.slowest ? [round.slowest] : [])];
    const sampled = describeRound(round);
    const timing = `a median of ${formatMs(summary.p50)} (max ${formatMs(summary.max)}) over ${sampled}`;
    const failed = round.statuses.filter((s) => s < 200 || s > 299);
    if (summary.count === 0) {
      ctx.report('flappingNoAnswer', { path, status, planned: round.planned, sampled, why: FLAPPING, latency }, evidence, where);
    } else if (failed.length) {
      const statuses = [...new Set(failed)].join('/');
      ctx.report(
        'flapping',
        { path, status, failed: failed.length, total: round.statuses.length, statuses, why: FLAPPING, latency },
        evidence,
        where,
      );
    } else if (summary.p50 >= healthMs) {
      ctx.report('slow', { path, status, timing, healthMs, latency }, evidence, where);
    } else if (summary.max >= healthMs) {
      ctx.report('slowest', { path, status, timing, healthMs, latency }, evidence, where);
    } else {
      ctx.report('fast', { path, status, timing, healthMs, latency }, evidence, where);
    }
  },
});
