import { isPublicPath } from '../src/config/endpoints.js';
import type { Check, CheckContext, Finding } from '../src/types.js';
import { ADMIN_WORDS } from './data/admin-paths.js';
import { answerOf, evidenceOf, listOf, probe, randomSegment, type Outcome } from './lib/auth-probes.js';

/** At most this many protected path prefixes get an unknown path of their own. */
const MAX_PREFIXES = 5;

/**
 * Default-deny itself: a path nobody wrote a route for must not answer 2xx to an anonymous caller,
 * at the root or under the prefixes the API lives in; and the allow-list that exempts paths from
 * auth is shown in the report, flagged when it opens something that looks like an admin surface.
 */
const check: Check = {
  meta: {
    id: 'default-deny',
    title: 'Unknown paths are refused and the allow-list is short',
    item: 'default-deny',
    severity: 'high',
    rationale:
      'Allow-by-exception (auth added route by route) fails open: the route someone forgets is public. With default-deny, a path without a rule is refused, and the few public paths are a list a reviewer can read.',
    remediation:
      'Refuse by default: authentication middleware before the router, a short explicit list of public paths, and 401/404 for everything without a route.',
    probes: `GET of a random unknown path at the root and under up to ${MAX_PREFIXES} prefixes of protected endpoints, anonymously; reads publicPaths from the config`,
    writes: false,
  },

  applies: () => 'target',

  async run(ctx: CheckContext): Promise<Finding[]> {
    return [await unknownPaths(ctx), allowList(ctx)];
  },
};

/** /preflight-x, /api/preflight-x, ...: nothing routes there, so only the default answers. */
async function unknownPaths(ctx: CheckContext): Promise<Finding> {
  const prefixes = new Set<string>();
  for (const endpoint of ctx.target.endpoints.filter((e) => !e.public)) {
    const first = /^\/[^/{]+(?=\/)/.exec(endpoint.path)?.[0];
    if (first && prefixes.size < MAX_PREFIXES) prefixes.add(first);
  }
  const paths = ['', ...prefixes].map((prefix) => `${prefix}/${randomSegment()}`).filter((path) => !isPublicPath(path, ctx.target.publicPaths));
  if (!paths.length) return ctx.finding({ status: 'skip', message: 'publicPaths covers every path, so no unknown path is expected to be refused' });
  const tried = await Promise.all(
    paths.map(async (path) => ({ path, outcome: await probe(ctx, { method: 'GET', path, auth: false, followRedirects: false, purpose: 'a path no route serves, anonymously' }) })),
  );
  const by = (verdict: Outcome['verdict']): typeof tried => tried.filter((t) => t.outcome.verdict === verdict);
  const describe = (list: typeof tried): string => listOf(list.map((t) => `GET ${t.path} → ${answerOf(t.outcome)}`));
  const evidence = (list: typeof tried) => list.flatMap((t) => evidenceOf(t.outcome));

  const served = by('served');
  if (served.length) {
    return ctx.finding({
      status: 'fail',
      message: `paths no route serves answered an anonymous caller with 2xx (${describe(served)}): the API is not default-deny, so a route without a rule is public`,
      evidence: evidence(served),
    });
  }
  const crashed = by('crashed');
  if (crashed.length) {
    return ctx.finding({
      status: 'fail',
      message: `paths no route serves made the API fail (${describe(crashed)}) instead of answering 401 or 404`,
      remediation: 'End the router with a handler that answers 404 (or 401 before auth) for any path without a route.',
      evidence: evidence(crashed),
    });
  }
  const other = by('other');
  if (other.length) {
    return ctx.finding({
      status: 'warn',
      severity: 'medium',
      message: `paths no route serves got ${describe(other)}; an unknown path should get 401 or 404`,
      evidence: evidence(other),
    });
  }
  return ctx.finding({ status: 'pass', message: `paths no route serves were refused anonymously (${describe(tried)})`, evidence: evidence(tried) });
}

/** The allow-list, shown as configured; entries that look like admin surfaces or open everything are flagged. */
function allowList(ctx: CheckContext): Finding {
  const { publicPaths, endpoints } = ctx.target;
  const data = { publicPaths };
  const adminLooking = publicPaths.filter((path) => ADMIN_WORDS.test(path));
  // A wildcard that also makes a configured write endpoint public: anonymous writes by config.
  const openWrites = endpoints.filter((e) => e.public && e.method !== 'GET' && e.method !== 'HEAD' && e.method !== 'OPTIONS' && publicPaths.some((p) => p.endsWith('/*') && isPublicPath(e.path, [p])));

  if (publicPaths.includes('/*')) {
    return ctx.finding({
      status: 'fail',
      message: 'publicPaths contains /*: every path is on the allow-list, so nothing is expected to refuse anonymous calls and the auth probes have nothing to check',
      remediation: 'List only the paths that really are public (health, login, docs); everything else must require credentials.',
      data,
    });
  }
  if (adminLooking.length) {
    return ctx.finding({
      status: 'fail',
      message: `publicPaths allows ${listOf(adminLooking)}, which look${adminLooking.length === 1 ? 's' : ''} like an admin or internal surface: admin endpoints don't belong on the public allow-list`,
      remediation: 'Take admin, debug and metrics paths off publicPaths and off the public host; put them behind admin auth on an internal listener.',
      data: { ...data, adminLooking },
    });
  }
  if (openWrites.length) {
    return ctx.finding({
      status: 'warn',
      severity: 'medium',
      message: `publicPaths wildcards also make ${listOf(openWrites.map((e) => e.label))} public: anonymous writes, by config; list public endpoints one by one`,
      data,
    });
  }
  const shown = publicPaths.length ? `${publicPaths.length} entr${publicPaths.length === 1 ? 'y' : 'ies'}: ${listOf(publicPaths, 8)}` : 'no entries';
  return ctx.finding({ status: 'pass', message: `the allow-list (publicPaths) has ${shown}; everything else must refuse anonymous calls`, data });
}

export default check;
