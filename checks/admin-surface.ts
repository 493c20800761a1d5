import { defineCheck, GLANCE_BYTES, isPublicPath, ProbeError, type CheckContext, type Exchange, type ProbeResponse } from './api.js';
import { ADMIN_PATHS, type AdminPath } from './data/admin-paths.js';
import { listOf, PER_PATH_ERRORS } from './lib/auth-probes.js';
import { shapeOf, type Shape } from './lib/response-compare.js';
import { UnknownPathAnswers } from './lib/unknown-path.js';

interface Probed {
  entry: AdminPath;
  response: ProbeResponse;
  /** The exchanges that led to the answer judged (a trailing-slash redirect, then its target). */
  exchanges: Exchange[];
}

type Hit = Probed & { judged: 'exposed' | 'behindAuth' | 'exists' };

/** A redirect to a sign-in page: the path is there, behind auth. */
const LOGIN_PAGE = /(^|\/)(login|log-in|signin|sign-in|sign_in|logon|auth|sso|oauth2?|saml|cas)(\/|$|\?|\.)/i;

const VERDICTS = {
  exposed: {
    probe: 'path',
    status: 'fail',
    severity: 'critical',
    message: '{method} {path} answered {status} to an anonymous caller: {what} is open on the public host{also}',
  },
  exposedInfo: {
    probe: 'path',
    status: 'fail',
    severity: 'high',
    message: '{method} {path} answered {status} to an anonymous caller: {what} is open on the public host{also}',
  },
  behindAuth: {
    probe: 'path',
    status: 'warn',
    severity: 'medium',
    message:
      "{method} {path} answered {status} where an unknown path gets {unknown}: {what} is behind auth but on the public host; admin endpoints don't live on the public API{also}",
    remediation: 'Serve admin and internal endpoints from a separate internal listener or host, not the public API.',
  },
  exists: {
    probe: 'path',
    status: 'warn',
    severity: 'medium',
    message:
      '{method} {path} answered {status} without asking for credentials, where an unknown path gets {unknown}: {what} exists on the public host; make sure every method on it requires admin auth{also}',
    remediation: 'Serve admin and internal endpoints from a separate internal listener or host, not the public API.',
  },
  noAnswer: { probe: 'no-answer', status: 'error', message: '{count} admin paths got no answer ({codes}): {paths}' },
  noneFound: {
    probe: 'wordlist',
    status: 'pass',
    message:
      'none of {count} admin, debug and secret paths answered an anonymous request differently from an unknown path ({unknown}){skipped}',
  },
} as const;

/**
 * No admin surface on the public host: a wordlist of admin panels, job dashboards, actuator
 * endpoints, debug tools, config files and API explorers, each sent once, anonymously (GET; HEAD for
 * a heap dump). A product-specific entry counts only when its 2xx looks like the product's answer;
 * a generic one only when it differs from what an unknown path gets (calibrated at the root and
 * below each parent), so a catch-all page or a default-deny 401 is not mistaken for a route.
 */
export default defineCheck({
  meta: {
    id: 'admin-surface',
    title: 'No admin, debug or secret endpoint on the public host',
    item: 'default-deny',
    severity: 'critical',
    rationale:
      '"Only ops know this URL" is not access control: POST /admin/recalculate-balances sat on a public API with no auth for six months. Scanners try these paths within hours of a host going up.',
    remediation:
      'Move admin, debug and metrics endpoints off the public host (an internal listener, port or VPN), or at least behind admin auth; never serve .env, .git or config files.',
    probes: `${ADMIN_PATHS.length} well-known admin, debug and secret paths (admin, internal, actuator/env, Prometheus, pprof, etcd, .env, .git/config, swagger, GraphQL introspection, ...), one anonymous GET (HEAD for heap dumps) each, plus unknown paths to calibrate`,
    writes: false,
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    const candidates = ADMIN_PATHS.filter((entry) => !isPublicPath(pathOnly(entry.path), ctx.target.publicPaths));
    const allowListed = ADMIN_PATHS.length - candidates.length;
    const unknownAnswer = new UnknownPathAnswers(ctx);

    const errors: Array<{ entry: AdminPath; error: ProbeError }> = [];
    const probed: Probed[] = [];
    await Promise.all(
      candidates.map(async (entry) => {
        try {
          probed.push(await ask(ctx, entry));
        } catch (error) {
          if (error instanceof ProbeError && PER_PATH_ERRORS.has(error.code)) errors.push({ entry, error });
          else throw error;
        }
      }),
    );
    probed.sort((a, b) => ADMIN_PATHS.indexOf(a.entry) - ADMIN_PATHS.indexOf(b.entry));

    // Paths whose 2xx was just the catch-all of a parent that answers everything: named with the parent.
    const coveredBy = new Map<string, string[]>();
    const hits: Hit[] = [];
    for (const item of probed) {
      const judged = firstLook(item);
      if (judged === 'no') continue;
      if (judged === 'exposed' && item.entry.signature) {
        hits.push({ ...item, judged }); // the product's own answer: no calibration needed
        continue;
      }
      const own = shapeOfAnswer(item);
      if (await unknownAnswer.matches('', own)) continue;
      const parent = parentOf(item.entry.path);
      if (parent && (await unknownAnswer.matches(parent, own))) {
        if (judged === 'exposed') coveredBy.set(parent, [...(coveredBy.get(parent) ?? []), pathOnly(item.entry.path)]);
        continue;
      }
      hits.push({ ...item, judged });
    }

    const unknown = hits.some((hit) => hit.judged !== 'exposed') ? await unknownAnswer.status() : '';
    for (const [first, ...same] of groupSameAnswers(hits)) {
      const { entry, response, judged } = first!;
      const path = pathOnly(entry.path);
      // Paths that answered exactly like this one (a prefix match such as startsWith('/admin')
      // also catching /adminer), and paths below it that a catch-all answers: named, not repeated.
      const alike = [...same.map((hit) => pathOnly(hit.entry.path)), ...(coveredBy.get(path) ?? [])];
      const also = alike.length ? `; the same answer comes from ${listOf(alike, 3)}` : '';
      const method = entry.method ?? 'GET';
      const data = { method, path: entry.path, status: response.status, what: entry.what, kind: entry.kind, alike, also };
      const evidence = [...first!.exchanges, ...same.map((hit) => hit.response.exchange)];
      const where = { endpoint: `${method} ${path}` };
      if (judged === 'exposed') {
        const critical = [first!, ...same].some((hit) => hit.entry.kind !== 'info');
        ctx.report(critical ? 'exposed' : 'exposedInfo', data, evidence, where);
      } else {
        ctx.report(judged === 'behindAuth' ? 'behindAuth' : 'exists', { ...data, unknown }, evidence, where);
      }
    }

    if (errors.length) {
      ctx.report(
        'noAnswer',
        { count: errors.length, codes: [...new Set(errors.map((e) => e.error.code))], paths: errors.map((e) => pathOnly(e.entry.path)) },
        errors.flatMap((e) => (e.error.exchange ? [e.error.exchange] : [])),
      );
    }
    if (!hits.length) {
      ctx.report(
        'noneFound',
        {
          count: probed.length,
          unknown: await unknownAnswer.status(),
          skipped: allowListed ? `; ${allowListed} on the allow-list were not probed` : '',
        },
        [...(await unknownAnswer.evidence()), ...probed.slice(0, 4).map((p) => p.response.exchange)],
      );
    }
  },
});

/**
 * One anonymous request for an entry; a same-origin redirect that only adds a trailing slash
 * (/debug → 301 /debug/) is followed once, since the answer that matters is the page's own.
 */
async function ask(ctx: CheckContext<typeof VERDICTS>, entry: AdminPath): Promise<Probed> {
  const method = entry.method ?? 'GET';
  // ~100 answers are held at once: a glance at each is enough to recognise a page.
  const send = (path: string) =>
    ctx.http.send({
      method,
      path,
      auth: false,
      followRedirects: false,
      maxResponseBytes: GLANCE_BYTES,
      purpose: `admin surface: ${entry.what}`,
    });
  const response = await send(entry.path);
  const slashed = slashRedirect(response);
  if (!slashed) return { entry, response, exchanges: [response.exchange] };
  const followed = await send(slashed);
  return { entry, response: followed, exchanges: [response.exchange, followed.exchange] };
}

/** The target of a redirect that adds only a trailing slash on the same origin, as a path; else undefined. */
function slashRedirect(response: ProbeResponse): string | undefined {
  const location = response.headers.location;
  if (response.status < 300 || response.status >= 400 || !location) return undefined;
  const from = new URL(response.exchange.url);
  const to = new URL(location, from);
  const addsSlash = to.origin === from.origin && to.pathname === `${from.pathname}/` && to.search === from.search;
  return addsSlash ? `${to.pathname}${to.search}` : undefined;
}

/**
 * What an answer can carry on its own. exposed: a 2xx (with a signature: only when it looks like
 * the product). behindAuth: 401/403 or a redirect to a sign-in page. exists: 405 (a route for
 * other methods) or a 5xx. Anything else (404, 410, 429, another redirect, a 4xx error such as
 * `400 {"error":"invalid package"}`) says nothing about the path.
 */
function firstLook({ entry, response }: Probed): Hit['judged'] | 'no' {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (!entry.signature) return 'exposed';
    return entry.signature.looksLike.test(entry.method === 'HEAD' ? headerLines(response) : response.text()) ? 'exposed' : 'no';
  }
  if (status === 401 || status === 403) return 'behindAuth';
  if (status >= 300 && status < 400)
    return LOGIN_PAGE.test(new URL(response.headers.location ?? '/', response.exchange.url).pathname) ? 'behindAuth' : 'no';
  if (status === 405 || status >= 500) return 'exists';
  return 'no';
}

/** A HEAD answer has no body: its Content-Length stands for the length a GET would have read. */
function shapeOfAnswer({ entry, response }: Probed): Shape {
  const shape = shapeOf(response, [pathOnly(entry.path)]);
  return entry.method === 'HEAD' ? { ...shape, length: Number(response.headers['content-length'] ?? 0) || 0 } : shape;
}

/** A HEAD answer as "name: value" lines, for header signatures. */
function headerLines(response: ProbeResponse): string {
  return Object.entries(response.headers)
    .map(([name, value]) => `${name.toLowerCase()}: ${value}`)
    .join('\n');
}

/** Hits with the same status and the same body (the requested path aside), in wordlist order. */
function groupSameAnswers(hits: Hit[]): Hit[][] {
  const groups = new Map<string, Hit[]>();
  for (const hit of hits) {
    const key = `${hit.judged}|${hit.entry.method ?? 'GET'}|${hit.response.status}|${hit.response.text().split(pathOnly(hit.entry.path)).join('')}`;
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
