import { isPublicPath } from '../src/config/endpoints.js';
import { GLANCE_BYTES, ProbeError, type ProbeResponse } from '../src/http/types.js';
import type { Check, CheckContext, Finding } from '../src/types.js';
import { ADMIN_PATHS, type AdminPath } from './data/admin-paths.js';
import { listOf, PER_PATH_ERRORS } from './lib/auth-probes.js';
import { shapeOf } from './lib/response-compare.js';
import { UnknownPathAnswers } from './lib/unknown-path.js';


interface Probed {
  entry: AdminPath;
  response: ProbeResponse;
}

/**
 * No admin surface on the public host: a wordlist of admin panels, job dashboards, actuator
 * endpoints, debug tools, config files and API explorers, each sent once as an anonymous GET.
 * An answer only counts when it differs from what an unknown path gets (calibrated at the root and
 * below each parent), so a catch-all page or a default-deny 401 is not mistaken for a route.
 */
const check: Check = {
  meta: {
    id: 'admin-surface',
    title: 'No admin, debug or secret endpoint on the public host',
    item: 'default-deny',
    severity: 'critical',
    rationale:
      '"Only ops know this URL" is not access control: POST /admin/recalculate-balances sat on a public API with no auth for six months. Scanners try these paths within hours of a host going up.',
    remediation:
      'Move admin, debug and metrics endpoints off the public host (an internal listener, port or VPN), or at least behind admin auth; never serve .env, .git or config files.',
    probes: `${ADMIN_PATHS.length} well-known admin, debug and secret paths (admin, internal, actuator/env, .env, .git/config, swagger, graphql, ...), one anonymous GET each, plus unknown paths to calibrate`,
    writes: false,
  },

  applies: () => 'target',

  async run(ctx: CheckContext): Promise<Finding[]> {
    const candidates = ADMIN_PATHS.filter((entry) => !isPublicPath(entry.path, ctx.target.publicPaths));
    const allowListed = ADMIN_PATHS.length - candidates.length;
    const unknownAnswer = new UnknownPathAnswers(ctx);

    const errors: Array<{ entry: AdminPath; error: ProbeError }> = [];
    const probed: Probed[] = [];
    await Promise.all(
      candidates.map(async (entry) => {
        try {
          // 88 answers are held at once: a glance at each is enough to recognise a page.
          probed.push({ entry, response: await ctx.http.send({ method: 'GET', path: entry.path, auth: false, followRedirects: false, maxResponseBytes: GLANCE_BYTES, purpose: `admin surface: ${entry.what}` }) });
        } catch (error) {
          if (error instanceof ProbeError && PER_PATH_ERRORS.has(error.code)) errors.push({ entry, error });
          else throw error;
        }
      }),
    );
    probed.sort((a, b) => ADMIN_PATHS.indexOf(a.entry) - ADMIN_PATHS.indexOf(b.entry));

    const findings: Finding[] = [];
    // Paths whose 2xx was just the catch-all of a parent that answers everything: named with the parent.
    const coveredBy = new Map<string, string[]>();
    const hits: Array<Probed & { exposed: boolean }> = [];
    for (const item of probed) {
      const { entry, response } = item;
      const served = response.status >= 200 && response.status < 300;
      if (served && entry.looksLike) {
        // A signature settles it either way: the resource itself, or a page that merely says 200.
        if (entry.looksLike.test(response.text())) hits.push({ ...item, exposed: true });
        continue;
      }
      if (response.status === 404 || response.status === 410 || response.status === 429) continue;
      const own = shapeOf(response, [pathOnly(entry.path)]);
      if (await unknownAnswer.matches('', own)) continue;
      const parent = parentOf(entry.path);
      if (parent && (await unknownAnswer.matches(parent, own))) {
        if (served) coveredBy.set(parent, [...(coveredBy.get(parent) ?? []), pathOnly(entry.path)]);
        continue;
      }
      hits.push({ ...item, exposed: served });
    }

    for (const [first, ...same] of groupSameAnswers(hits)) {
      const { entry, response, exposed } = first!;
      const path = pathOnly(entry.path);
      // Paths that answered exactly like this one (a prefix match such as startsWith('/admin')
      // also catching /adminer), and paths below it that a catch-all answers: named, not repeated.
      const alike = [...same.map((hit) => pathOnly(hit.entry.path)), ...(coveredBy.get(path) ?? [])];
      const alsoFrom = alike.length ? `; the same answer comes from ${listOf(alike, 3)}` : '';
      const evidence = [response.exchange, ...same.map((hit) => hit.response.exchange)];
      if (exposed) {
        const worst = [first!, ...same].some((hit) => hit.entry.kind !== 'info') ? 'critical' : 'high';
        findings.push(
          ctx.finding({
            status: 'fail',
            severity: worst,
            endpoint: `GET ${path}`,
            message: `GET ${entry.path} answered ${response.status} to an anonymous caller: ${entry.what} is open on the public host${alsoFrom}`,
            evidence,
            data: { kind: entry.kind, alike },
          }),
        );
      } else {
        const refused = response.status === 401 || response.status === 403 || (response.status >= 300 && response.status < 400);
        findings.push(
          ctx.finding({
            status: 'warn',
            severity: 'medium',
            endpoint: `GET ${path}`,
            message: refused
              ? `GET ${entry.path} answered ${response.status} where an unknown path gets ${await unknownAnswer.status()}: ${entry.what} is behind auth but on the public host; admin endpoints don't live on the public API${alsoFrom}`
              : `GET ${entry.path} answered ${response.status} without asking for credentials, where an unknown path gets ${await unknownAnswer.status()}: ${entry.what} exists on the public host; make sure every method on it requires admin auth${alsoFrom}`,
            remediation: 'Serve admin and internal endpoints from a separate internal listener or host, not the public API.',
            evidence,
            data: { kind: entry.kind, alike },
          }),
        );
      }
    }

    if (errors.length) {
      findings.push(
        ctx.finding({
          status: 'error',
          message: `${errors.length} admin path${errors.length > 1 ? 's' : ''} got no answer (${listOf([...new Set(errors.map((e) => e.error.code))])}): ${listOf(errors.map((e) => pathOnly(e.entry.path)))}`,
          evidence: errors.flatMap((e) => (e.error.exchange ? [e.error.exchange] : [])),
        }),
      );
    }
    if (!hits.length) {
      const skipped = allowListed ? `; ${allowListed} on the allow-list were not probed` : '';
      findings.push(
        ctx.finding({
          status: 'pass',
          message: `none of ${probed.length} admin, debug and secret paths answered an anonymous GET differently from an unknown path (${await unknownAnswer.status()})${skipped}`,
          evidence: [...(await unknownAnswer.evidence()), ...probed.slice(0, 4).map((p) => p.response.exchange)],
        }),
      );
    }
    return findings;
  },
};

/** Hits with the same status and the same body (the requested path aside), in wordlist order. */
function groupSameAnswers<T extends Probed & { exposed: boolean }>(hits: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const hit of hits) {
    const key = `${hit.exposed}|${hit.response.status}|${hit.response.text().split(pathOnly(hit.entry.path)).join('')}`;
    groups.set(key, [...(groups.get(key) ?? []), hit]);
  }
  return [...groups.values()];
}

/** The path without its query: /graphql?query=... → /graphql. */
function pathOnly(path: string): string {
  return path.split('?')[0]!;
}

/** /actuator/env → /actuator; /admin → undefined (the root is always calibrated). */
function parentOf(path: string): string | undefined {
  const trimmed = pathOnly(path).replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  return cut > 0 ? trimmed.slice(0, cut) : undefined;
}

export default check;
