import { defineCheck, fillPath, isPublicPath, type CheckContext, type Endpoint, type ProbeRequest } from './api.js';
import { TRICK_ROOTS } from './data/admin-paths.js';
import { anonymous, answerOf, evidenceOf, listOf, probe, type Outcome } from './lib/auth-probes.js';
import { isNotFound, notFoundVerdict, proveHiding } from './lib/refusal-proof.js';
import { shapeOf } from './lib/response-compare.js';
import { UnknownPathAnswers } from './lib/unknown-path.js';

/** At most this many configured endpoints are tried (plus the admin roots): the probe stays bounded. */
const MAX_ENDPOINTS = 10;

interface Refused {
  /** How findings name it: the endpoint's label, or "GET /admin". */
  label: string;
  path: string;
  request: ProbeRequest;
  refusal: Outcome;
}

const VERDICTS = {
  nothingRefused: {
    status: 'skip',
    message: 'no configured endpoint or admin root refused an anonymous GET, so there was no refusal to get around',
  },
  bypassed: {
    probe: 'spelling',
    status: 'fail',
    message: '{path} refuses an anonymous GET ({refusal}) but {variants} answered {answer}: the auth rule matches the path as a string',
  },
  stayedRefused: {
    probe: 'spelling',
    status: 'pass',
    message: '{path} stayed refused however it was spelled ({count} variants answered {answers})',
  },
  notFoundWithCredentials: notFoundVerdict('spelling'),
} as const;

/**
 * A path that refuses anonymous calls must refuse them however it is spelled. Auth rules that
 * match the path as a string (startsWith('/admin'), a case-sensitive regex) while the router
 * normalises it (case-insensitive, trailing slash, //, %61, ;params) let the variant through.
 */
export default defineCheck({
  meta: {
    id: 'auth-path-tricks',
    title: 'A refused path stays refused however it is spelled',
    item: 'default-deny',
    severity: 'critical',
    rationale:
      'When auth matches paths as strings and the router normalises them, /Admin, /admin/, //admin, /%61dmin or /admin;x reach the handler that /admin protects.',
    remediation:
      "Authenticate in middleware that runs for every route (default-deny) instead of matching path prefixes; if rules must match paths, match the router's normalised path, case-insensitively.",
    probes: `each configured endpoint not in publicPaths and ${listOf(TRICK_ROOTS)} anonymously; where refused, the same path as /Path, /%70ath, /path/, //path and /path;x`,
    writes: false,
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    const refused = (await Promise.all(candidates(ctx).map((candidate) => refusedOrNot(ctx, candidate)))).filter(
      (r): r is Refused => r !== undefined,
    );
    if (!refused.length) return void ctx.report('nothingRefused', {});
    const unknownAnswer = new UnknownPathAnswers(ctx);
    await Promise.all(refused.map((target) => tryTricks(ctx, target, unknownAnswer)));
  },
});

/** A path to try: a configured endpoint (to prove a 404 is hiding it) or a guessed admin root. */
type Candidate = Omit<Refused, 'refusal'> & { endpoint?: Endpoint };

/** Configured protected GET endpoints, then the admin roots, anonymously. */
function candidates(ctx: CheckContext<typeof VERDICTS>): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const endpoint of ctx.target.endpoints.filter((e) => e.method === 'GET' && !e.public).slice(0, MAX_ENDPOINTS)) {
    const path = fillPath(endpoint);
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ label: endpoint.label, path, request: anonymous(endpoint, { purpose: 'anonymous, the refusal to get around' }), endpoint });
  }
  for (const path of TRICK_ROOTS) {
    if (seen.has(path) || isPublicPath(path, ctx.target.publicPaths)) continue;
    out.push({
      label: `GET ${path}`,
      path,
      request: { method: 'GET', path, auth: false, followRedirects: false, purpose: 'anonymous, the refusal to get around' },
    });
  }
  return out;
}

/**
 * The plain path's anonymous answer, when it is a refusal worth getting around: 401/403, or a 404
 * on a configured endpoint that answers 2xx with credentials (hiding it). A 404 on a guessed admin
 * root just means it is not there; a configured endpoint that 404s with credentials too is reported.
 */
async function refusedOrNot(ctx: CheckContext<typeof VERDICTS>, candidate: Candidate): Promise<Refused | undefined> {
  const refusal = await probe(ctx, candidate.request);
  const status = refusal.response?.status;
  const refused = { label: candidate.label, path: candidate.path, request: candidate.request, refusal };
  if (status === 401 || status === 403) return refused;
  if (!isNotFound(status) || !candidate.endpoint) return undefined;
  const proof = await proveHiding(ctx, candidate.endpoint);
  if (proof.proven) return refused;
  if (proof.notFound)
    ctx.report(
      'notFoundWithCredentials',
      { endpoint: candidate.label, status: proof.status },
      [...evidenceOf(refusal), ...proof.evidence],
      { endpoint: candidate.label },
    );
  return undefined;
}

/** The spellings a router may treat as the same path while a string-matching auth rule does not. */
function pathVariants(path: string): Array<{ name: string; path: string }> {
  const letter = /[a-z]/i.exec(path);
  const variants: Array<{ name: string; path: string }> = [];
  if (letter) {
    const at = letter.index;
    const char = letter[0];
    const flipped = char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
    variants.push({ name: 'another case', path: `${path.slice(0, at)}${flipped}${path.slice(at + 1)}` });
    variants.push({
      name: 'a percent-encoded letter',
      path: `${path.slice(0, at)}%${char.charCodeAt(0).toString(16)}${path.slice(at + 1)}`,
    });
  }
  const bare = path.replace(/\/+$/, '') || '/';
  variants.push({ name: 'a trailing slash', path: path.endsWith('/') ? bare : `${path}/` });
  variants.push({ name: 'a doubled leading slash', path: `/${path}` });
  variants.push({ name: 'a ;parameter', path: `${bare};x` });
  // A router that resolves dot segments after the auth rule matched serves "/admin/." as "/admin".
  variants.push({ name: 'a trailing dot segment', path: `${bare}/.` });
  return variants;
}

async function tryTricks(ctx: CheckContext<typeof VERDICTS>, target: Refused, unknownAnswer: UnknownPathAnswers): Promise<void> {
  const tried = await Promise.all(
    pathVariants(target.path).map(async (variant) => ({
      variant,
      outcome: await probe(ctx, { ...target.request, path: variant.path, rawPath: true, purpose: `path trick: ${variant.name}` }),
    })),
  );
  const bypassed: typeof tried = [];
  for (const t of tried) {
    const response = t.outcome.response;
    if (!response || t.outcome.verdict !== 'served') continue;
    // A catch-all that answers every unknown path 200 is not the protected resource.
    if (await unknownAnswer.matches('', shapeOf(response, [t.variant.path]))) continue;
    bypassed.push(t);
  }
  const where = { endpoint: target.label };
  if (bypassed.length) {
    ctx.report(
      'bypassed',
      {
        path: target.path,
        refusal: answerOf(target.refusal),
        variants: listOf(bypassed.map((b) => `${b.variant.path} (${b.variant.name})`)),
        answer: answerOf(bypassed[0]!.outcome),
        paths: bypassed.map((b) => b.variant.path),
      },
      [...bypassed.flatMap((b) => evidenceOf(b.outcome)), ...evidenceOf(target.refusal)],
      where,
    );
    return;
  }
  const answers = listOf([...new Set(tried.map((t) => answerOf(t.outcome)))]);
  ctx.report(
    'stayedRefused',
    { path: target.path, count: tried.length, answers },
    [...evidenceOf(target.refusal), ...tried.slice(0, 3).flatMap((t) => evidenceOf(t.outcome))],
    where,
  );
}
