import { defineCheck, isPublicPath, type CheckContext, type Exchange } from './api.js';
import { ADMIN_WORDS } from './data/admin-paths.js';
import { answerOf, evidenceOf, listOf, probe, randomSegment, type Outcome } from './lib/auth-probes.js';
import { unmatchedPath } from './lib/unknown-path.js';

/** At most this many protected path prefixes get an unknown path of their own. */
const MAX_PREFIXES = 5;

const VERDICTS = {
  allPublic: {
    probe: 'unknown-paths',
    status: 'skip',
    message: 'publicPaths covers every path, so no unknown path is expected to be refused',
  },
  served: {
    probe: 'unknown-paths',
    status: 'fail',
    message:
      'paths no route serves answered an anonymous caller with 2xx ({answers}): the API is not default-deny, so a route without a rule is public',
  },
  fellOver: {
    probe: 'unknown-paths',
    status: 'fail',
    message: 'paths no route serves made the API fail ({answers}) instead of answering 401 or 404',
    remediation: 'End the router with a handler that answers 404 (or 401 before auth) for any path without a route.',
  },
  otherAnswer: {
    probe: 'unknown-paths',
    status: 'warn',
    severity: 'medium',
    message: 'paths no route serves got {answers}; an unknown path should get 401 or 404',
  },
  refused: { probe: 'unknown-paths', status: 'pass', message: 'paths no route serves were refused anonymously ({answers})' },
  // A 404 says no route answers there; it is not a refusal (a path that 404s for everyone proves no auth ran).
  notServed: {
    probe: 'unknown-paths',
    status: 'pass',
    message: 'paths no route serves were not served to an anonymous caller ({answers}): nothing falls through to a public handler',
  },
  everythingPublic: {
    probe: 'allow-list',
    status: 'fail',
    message:
      'publicPaths contains /*: every path is on the allow-list, so nothing is expected to refuse anonymous calls and the auth probes have nothing to check',
    remediation: 'List only the paths that really are public (health, login, docs); everything else must require credentials.',
  },
  // What the user allow-listed is theirs to decide (/metrics is the product of a metrics service): a warn to confirm, not a fail.
  adminAllowed: {
    probe: 'allow-list',
    status: 'warn',
    message:
      'allow-listed {adminLooking} looks like an admin or internal surface: confirm it is meant to be public, or waive it (check default-deny with a reason)',
    remediation:
      'If it is not meant to be public, take it off publicPaths and off the public host (admin auth on an internal listener); if it is, add a waiver that says why.',
  },
  publicWrites: {
    probe: 'allow-list',
    status: 'warn',
    severity: 'medium',
    message: 'publicPaths wildcards also make {writes} public: anonymous writes, by config; list public endpoints one by one',
  },
  shortList: {
    probe: 'allow-list',
    status: 'pass',
    message: 'the allow-list (publicPaths) has {count} entries ({publicPaths}); everything else must refuse anonymous calls',
  },
  emptyList: {
    probe: 'allow-list',
    status: 'pass',
    message: 'the allow-list (publicPaths) is empty: every path must refuse anonymous calls',
  },
} as const;

/**
 * Default-deny itself: a path nobody wrote a route for must not answer 2xx to an anonymous caller,
 * at the root or under the prefixes the API lives in; and the allow-list that exempts paths from
 * auth is shown in the report, flagged when it opens something that looks like an admin surface.
 */
export default defineCheck({
  meta: {
    id: 'default-deny',
    title: 'Unknown paths are refused and the allow-list is short',
    item: 'default-deny',
    severity: 'high',
    rationale:
      'Allow-by-exception (auth added route by route) fails open: the route someone forgets is public. With default-deny, a path without a rule is refused, and the few public paths are a list a reviewer can read.',
    remediation:
      'Refuse by default: authentication middleware before the router, a short explicit list of public paths, and 401/404 for everything without a route.',
    probes: `GET of a random unknown path (one no configured or documented route matches) at the root and under up to ${MAX_PREFIXES} prefixes of protected endpoints, anonymously; reads publicPaths from the config`,
    writes: false,
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    await unknownPaths(ctx);
    allowList(ctx);
  },
});

/** /preflight-x, /api/preflight-x, ...: nothing routes there (no configured or documented template matches), so only the default answers. */
async function unknownPaths(ctx: CheckContext<typeof VERDICTS>): Promise<void> {
  const prefixes = new Set<string>();
  for (const endpoint of ctx.target.endpoints.filter((e) => !e.public)) {
    const first = /^\/[^/{]+(?=\/)/.exec(endpoint.path)?.[0];
    if (first && prefixes.size < MAX_PREFIXES) prefixes.add(first);
  }
  const segment = randomSegment();
  const paths = ['', ...prefixes]
    .map((prefix) => unmatchedPath(ctx.target, prefix, segment))
    .filter((path) => !isPublicPath(path, ctx.target.publicPaths));
  if (!paths.length) {
    ctx.report('allPublic', {});
    return;
  }
  const tried = await Promise.all(
    paths.map(async (path) => ({
      path,
      outcome: await probe(ctx, {
        method: 'GET',
        path,
        auth: false,
        followRedirects: false,
        purpose: 'a path no route serves, anonymously',
      }),
    })),
  );
  const by = (test: (outcome: Outcome) => boolean): typeof tried => tried.filter((t) => test(t.outcome));
  const answers = (list: typeof tried): string[] => list.map((t) => `GET ${t.path} → ${answerOf(t.outcome)}`);
  const evidence = (list: typeof tried): Exchange[] => list.flatMap((t) => evidenceOf(t.outcome));
  const data = (list: typeof tried) => ({ answers: answers(list), paths: list.map((t) => t.path) });

  const served = by((o) => o.verdict === 'served');
  const crashed = by((o) => o.verdict === 'crashed');
  const other = by((o) => o.verdict === 'other');
  if (served.length) ctx.report('served', data(served), evidence(served));
  else if (crashed.length) ctx.report('fellOver', data(crashed), evidence(crashed));
  else if (other.length) ctx.report('otherAnswer', data(other), evidence(other));
  else if (tried.some((t) => t.outcome.response?.status === 401 || t.outcome.response?.status === 403))
    ctx.report('refused', data(tried), evidence(tried));
  else ctx.report('notServed', data(tried), evidence(tried));
}

/** The allow-list, shown as configured; entries that look like admin surfaces or open everything are flagged. */
function allowList(ctx: CheckContext<typeof VERDICTS>): void {
  const { publicPaths, endpoints } = ctx.target;
  const adminLooking = publicPaths.filter((path) => ADMIN_WORDS.test(path));
  // A wildcard that also makes a configured write endpoint public: anonymous writes, by config.
  const openWrites = endpoints.filter(
    (e) =>
      e.public &&
      e.method !== 'GET' &&
      e.method !== 'HEAD' &&
      e.method !== 'OPTIONS' &&
      publicPaths.some((p) => p.endsWith('/*') && isPublicPath(e.path, [p])),
  );

  if (publicPaths.includes('/*')) ctx.report('everythingPublic', { publicPaths });
  else if (openWrites.length) ctx.report('publicWrites', { publicPaths, writes: openWrites.map((e) => e.label) });
  else if (adminLooking.length) ctx.report('adminAllowed', { publicPaths, adminLooking });
  else if (!publicPaths.length) ctx.report('emptyList', {});
  else ctx.report('shortList', { publicPaths: listOf(publicPaths, 8), count: publicPaths.length });
}
