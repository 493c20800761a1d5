import { defineCheck, GLANCE_BYTES, ProbeError, reportJudgement, type Exchange, type Judgement, type Target } from './api.js';
import { isRateLimited } from './lib/rate-limit.js';
import { unmatchedPath } from './lib/unknown-path.js';

/** A route no API has; the same on every run, so runs can be compared. */
const UNKNOWN_SEGMENT = 'preflight-no-such-route-7f3a';
/** Unknown routes are tried at the root and under at most this many API prefixes (/api, /v1, ...). */
const MAX_PREFIXES = 3;

const VERDICTS = {
  rateLimited: {
    probe: 'unknown-routes',
    status: 'error',
    message: 'unknown routes got 429 (rate limited): {answers}; whether they get a 404 could not be judged',
  },
  failed: {
    probe: 'unknown-routes',
    status: 'fail',
    message: 'unknown routes got a 5xx or no answer: {answers}; a path no route matches must get 404',
  },
  catchAll: {
    probe: 'unknown-routes',
    status: 'warn',
    message: 'unknown routes did not get 404: {answers}; a catch-all answers paths that do not exist, so client typos go unnoticed',
  },
  notA404: {
    probe: 'unknown-routes',
    status: 'warn',
    message: 'unknown routes did not get 404: {answers}; clients cannot tell a wrong path from a refusal',
  },
  notFound: { probe: 'unknown-routes', status: 'pass', message: 'unknown routes got 404: {answers}' },
} as const;

/**
 * An unknown route gets a 404 in the API's error shape, at the root and under each API prefix
 * (routers often send unmatched /api/* paths to a different handler than the rest).
 */
export default defineCheck({
  meta: {
    id: 'unknown-route',
    title: 'Unknown routes get a 404',
    item: 'error-hygiene',
    severity: 'medium',
    rationale:
      'A typo in a client should get a clear 404, not a 200 from a catch-all, a 403 that sends people chasing permissions, or a 500 from a router that fell through.',
    remediation: 'End the router with a handler that answers 404 in your JSON error shape for any path no route matched.',
    probes: `GET /${UNKNOWN_SEGMENT} at the root and under each API prefix (deeper where a configured or documented route would match it)`,
    writes: false,
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    const answers: Array<UnknownRouteAnswer & { exchange?: Exchange }> = [];
    for (const path of unknownPaths(ctx.target)) {
      try {
        const response = await ctx.http.send({ method: 'GET', path, maxResponseBytes: GLANCE_BYTES, purpose: 'unknown route' });
        answers.push({ path, status: response.status, exchange: response.exchange });
      } catch (error) {
        if (!(error instanceof ProbeError) || (error.code !== 'timeout' && error.code !== 'reset')) throw error;
        answers.push({ path, ...(error.exchange ? { exchange: error.exchange } : {}) });
      }
    }
    const evidence = answers.map((a) => a.exchange).filter((e): e is Exchange => e !== undefined);
    reportJudgement(ctx, judgeUnknownRoutes(answers), evidence);
  },
});

/** What one unknown path answered; no status when it timed out or the connection was reset. */
export interface UnknownRouteAnswer {
  path: string;
  status?: number;
}

/** A 5xx or no answer fails; a 404/410 (or a 429, undecided) is fine; anything else does not say "no such route". */
function problemOf(answer: UnknownRouteAnswer): 'fail' | 'warn' | undefined {
  const { status } = answer;
  if (status === undefined || status >= 500) return 'fail';
  return status === 404 || status === 410 || isRateLimited(status) ? undefined : 'warn';
}

/** The verdict over every unknown path's answer: all rate limited, any failure, a catch-all 2xx/3xx, another 4xx, or 404s. */
export function judgeUnknownRoutes(answers: readonly UnknownRouteAnswer[]): Judgement<typeof VERDICTS> {
  const data = { answers: answers.map((a) => `GET ${a.path} → ${a.status ?? 'no answer'}`), paths: answers.map((a) => a.path) };
  const problems = answers.map(problemOf);
  if (answers.every((a) => isRateLimited(a.status))) return { verdict: 'rateLimited', data };
  if (problems.includes('fail')) return { verdict: 'failed', data };
  if (answers.some((a, i) => problems[i] === 'warn' && a.status !== undefined && a.status < 400)) return { verdict: 'catchAll', data };
  if (problems.includes('warn')) return { verdict: 'notA404', data };
  return { verdict: 'notFound', data };
}

/**
 * The root, plus the first segment shared by configured endpoints (/api/orders, /api/users → /api);
 * made deeper where a configured or documented template (/user/{username}) would match it.
 */
function unknownPaths(target: Target): string[] {
  const prefixes = new Set<string>();
  for (const endpoint of target.endpoints) {
    const first = /^\/([^/{}]+)\/./.exec(endpoint.path)?.[1];
    if (first) prefixes.add(`/${first}`);
  }
  return ['', ...[...prefixes].slice(0, MAX_PREFIXES)].map((prefix) => unmatchedPath(target, prefix, UNKNOWN_SEGMENT));
}
