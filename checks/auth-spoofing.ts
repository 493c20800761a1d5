import { fillPath, isPublicPath } from '../src/config/endpoints.js';
import { isWriteMethod } from '../src/http/methods.js';
import type { ProbeResponse } from '../src/http/types.js';
import type { Check, CheckContext, Endpoint, Finding } from '../src/types.js';
import { anonymous, answerOf, endpointRequest, evidenceOf, hasCredentials, listOf, probe, type Outcome } from './lib/auth-probes.js';
import { describeDifference, difference, flatten, topLevelKeys, volatileFields } from './lib/response-compare.js';

/** Headers some stacks read identity from, set by a proxy "that only our frontend talks to". */
const IDENTITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['X-User-Id', '1'],
  ['X-User', 'admin'],
  ['X-Forwarded-User', 'admin'],
  ['X-Remote-User', 'admin'],
];
/** Headers that make a request look like it came from inside ("internal callers skip auth"). */
const NETWORK_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['X-Forwarded-For', '127.0.0.1'],
  ['X-Real-IP', '127.0.0.1'],
];
/** Headers some servers and proxies route by, so the path that was authorised is not the one served. */
const PATH_OVERRIDE_HEADERS = ['X-Original-URL', 'X-Rewrite-URL'];

const IDENTITY_FIX = 'Take identity from the verified token or session only; strip X-User-Id, X-Forwarded-User and friends at the edge, and never let a client-supplied header pick the user.';

/**
 * Identity comes from credentials, never from headers a caller can set: spoofed identity, "internal"
 * source addresses, path and method overrides must not turn a refusal into a 2xx, and with valid
 * credentials X-User-Id naming someone else must not change whose data comes back.
 */
const check: Check = {
  meta: {
    id: 'auth-spoofing',
    title: 'Spoofed identity, source and override headers are ignored',
    item: 'default-deny',
    severity: 'critical',
    rationale:
      'Trusting X-User-Id "because only our frontend sets it" makes every user anyone: the header is one curl flag away. The same goes for X-Forwarded-For: 127.0.0.1 and path or method override headers.',
    remediation: IDENTITY_FIX,
    probes:
      'each endpoint not in publicPaths anonymously with X-User-Id, X-User, X-Forwarded-User, X-Remote-User, X-Forwarded-For/X-Real-IP: 127.0.0.1, HEAD with X-HTTP-Method-Override: GET, a public path with X-Original-URL/X-Rewrite-URL; with credentials, X-User-Id of another user compared with the baseline',
    writes: false,
  },

  applies: (target) => target.endpoints.filter((endpoint) => !endpoint.public),

  async run(ctx: CheckContext): Promise<Finding[]> {
    const endpoint = ctx.endpoint!;
    const write = isWriteMethod(endpoint.method);
    if (write && !ctx.target.allowWrites) {
      return [ctx.finding({ status: 'skip', message: `spoofed ${endpoint.method} probes of ${endpoint.label} are sent only with allowWrites: true (or --allow-writes)` })];
    }
    const findings: Finding[] = [];
    const refusal = await probe(ctx, anonymous(endpoint, { purpose: 'anonymous, the refusal to compare with' }));
    if (refusal.verdict !== 'refused') {
      findings.push(ctx.finding({ status: 'skip', message: `${endpoint.label} answered ${answerOf(refusal)} with no credentials, so there is no refusal to bypass (auth-anonymous judges that)`, evidence: evidenceOf(refusal) }));
    } else {
      findings.push(await spoofedAnonymously(ctx, endpoint, refusal));
      if (!write) {
        findings.push(await methodOverride(ctx, endpoint, refusal));
        findings.push(await pathOverride(ctx, endpoint));
      }
    }
    if (!write) findings.push(await identityWithCredentials(ctx, endpoint));
    return findings;
  },
};

/** Anonymous calls with identity and "internal network" headers must stay refused. */
async function spoofedAnonymously(ctx: CheckContext, endpoint: Endpoint, refusal: Outcome): Promise<Finding> {
  const spoofs = [...IDENTITY_HEADERS, ...NETWORK_HEADERS];
  const tried = await Promise.all(
    spoofs.map(async ([header, value]) => ({ header: `${header}: ${value}`, outcome: await probe(ctx, anonymous(endpoint, { headers: { [header]: value }, purpose: `anonymous with ${header}: ${value}` })) })),
  );
  return verdictFinding(ctx, tried, {
    what: `anonymous ${endpoint.label}`,
    refused: answerOf(refusal),
    served: (list) => `${endpoint.label} refuses an anonymous call (${answerOf(refusal)}) but answered ${list} when it carried a spoofed header: identity or trust is taken from a header anyone can set`,
    pass: `anonymous ${endpoint.label} stayed refused with each of ${listOf(spoofs.map(([h]) => h), 6)}`,
  });
}

/** HEAD (safe) asking to be treated as GET: the override must not slip past a GET-only auth rule. */
async function methodOverride(ctx: CheckContext, endpoint: Endpoint, refusal: Outcome): Promise<Finding> {
  const path = fillPath(endpoint);
  const overridden = await probe(ctx, { ...anonymous(endpoint, { headers: { 'X-HTTP-Method-Override': 'GET' }, purpose: 'anonymous HEAD with X-HTTP-Method-Override: GET' }), method: 'HEAD' });
  const tried = [{ header: 'HEAD with X-HTTP-Method-Override: GET', outcome: overridden }];
  if (overridden.verdict === 'served') {
    // Is it the override, or does the auth rule not cover HEAD at all?
    tried.push({ header: 'a plain HEAD', outcome: await probe(ctx, { ...anonymous(endpoint, { purpose: 'anonymous plain HEAD' }), method: 'HEAD' }) });
  }
  return verdictFinding(ctx, tried, {
    what: `anonymous HEAD ${path}`,
    refused: answerOf(refusal),
    served: (list, headers) =>
      headers.includes('a plain HEAD')
        ? `${path} refuses an anonymous GET (${answerOf(refusal)}) but answered an anonymous HEAD with ${list}: the auth rule covers GET only`
        : `${path} refuses an anonymous GET (${answerOf(refusal)}) but answered ${list} to HEAD with X-HTTP-Method-Override: GET`,
    pass: `anonymous HEAD ${path} with X-HTTP-Method-Override: GET stayed refused (${answerOf(overridden)})`,
    fix: 'Apply auth to every method (HEAD and OPTIONS included), and honour method-override headers only after authentication, if at all.',
  });
}

/**
 * A public path carrying X-Original-URL / X-Rewrite-URL naming the protected one: a stack that
 * authorises the request line but routes by the header serves the protected resource to anyone.
 */
async function pathOverride(ctx: CheckContext, endpoint: Endpoint): Promise<Finding> {
  const publicPath = publicGetPath(ctx);
  if (!publicPath) return ctx.finding({ status: 'skip', message: 'no public GET path (health or publicPaths) to carry an X-Original-URL override' });
  const protectedPath = fillPath(endpoint);
  const plain = await ctx.http.send({ method: 'GET', path: publicPath, auth: false, followRedirects: false, purpose: 'public path, to compare overrides with' });
  const genuine = hasCredentials(ctx.target) ? await ctx.http.send({ ...endpointRequest(endpoint), purpose: 'authenticated, to recognise the protected answer' }) : undefined;
  const tried = await Promise.all(
    PATH_OVERRIDE_HEADERS.map(async (header) => ({
      header: `GET ${publicPath} with ${header}: ${protectedPath}`,
      outcome: await probe(ctx, { method: 'GET', path: publicPath, auth: false, followRedirects: false, headers: { [header]: protectedPath }, purpose: `public path with ${header}: ${protectedPath}` }),
    })),
  );
  // Served is expected here (it is a public path); it is a bypass only when the protected answer came back.
  const bypassed = tried.filter(({ outcome }) => outcome.response && outcome.verdict === 'served' && looksProtected(outcome.response, plain, genuine));
  if (bypassed.length) {
    return ctx.finding({
      status: 'fail',
      message: `${listOf(bypassed.map((b) => b.header))} answered ${answerOf(bypassed[0]!.outcome)} with ${protectedPath}'s content to an anonymous caller: the path is authorised from the request line but routed by the header`,
      remediation: 'Drop X-Original-URL and X-Rewrite-URL at the edge (or turn off the framework option that honours them), so the path that is authorised is the path that is served.',
      evidence: bypassed.flatMap((b) => evidenceOf(b.outcome)),
    });
  }
  return ctx.finding({ status: 'pass', message: `GET ${publicPath} with ${listOf(PATH_OVERRIDE_HEADERS)} naming ${protectedPath} did not serve it anonymously`, evidence: tried.flatMap((t) => evidenceOf(t.outcome)) });
}

function publicGetPath(ctx: CheckContext): string | undefined {
  const { health, publicPaths, endpoints } = ctx.target;
  if (health) return health;
  const endpoint = endpoints.find((e) => e.method === 'GET' && e.public);
  if (endpoint) return fillPath(endpoint);
  return publicPaths.find((path) => !path.includes('*') && !path.includes('{') && isPublicPath(path, publicPaths));
}

/** Different from the public path's own answer and shaped like the protected resource. */
function looksProtected(response: ProbeResponse, plain: ProbeResponse, genuine: ProbeResponse | undefined): boolean {
  const keys = topLevelKeys(response.json());
  const differsFromPublic = response.text() !== plain.text() && (keys === undefined || keys !== topLevelKeys(plain.json()));
  if (!differsFromPublic) return false;
  if (!genuine || genuine.status < 200 || genuine.status > 299) return true;
  return response.text() === genuine.text() || (keys !== undefined && keys === topLevelKeys(genuine.json()));
}

/**
 * With valid credentials, a header naming another user must not change whose data comes back.
 * Two plain calls first: fields that differ between them (timestamps, ids) are ignored.
 */
async function identityWithCredentials(ctx: CheckContext, endpoint: Endpoint): Promise<Finding> {
  if (!hasCredentials(ctx.target)) return ctx.finding({ status: 'skip', message: 'no credentials configured, so whose data comes back cannot be compared' });
  const request = endpointRequest(endpoint);
  const first = await ctx.http.send({ ...request, purpose: 'authenticated baseline' });
  if (first.status < 200 || first.status > 299) {
    return ctx.finding({ status: 'skip', message: `${endpoint.label} answered ${first.status} with the configured credentials, so there is no data to compare (check its params)`, evidence: [first.exchange] });
  }
  const second = await ctx.http.send({ ...request, purpose: 'authenticated baseline, again' });
  const [a, b] = [first.json(), second.json()];
  const json = a !== undefined && b !== undefined;
  if (!json && first.text() !== second.text()) {
    return ctx.finding({ status: 'skip', message: `${endpoint.label} answers differently to two identical calls and is not JSON, so a spoofed call cannot be compared`, evidence: [first.exchange, second.exchange] });
  }
  const baseline = json ? flatten(a) : undefined;
  const ignore = json ? volatileFields(baseline!, flatten(b)) : new Set<string>();

  const changed: Array<{ header: string; response: ProbeResponse; how: string }> = [];
  const crashed: Array<{ header: string; outcome: Outcome }> = [];
  const spoofed = await Promise.all(
    IDENTITY_HEADERS.map(async ([header, value]) => ({
      header,
      value,
      outcome: await probe(ctx, { ...request, headers: { ...request.headers, [header]: value }, purpose: `authenticated with ${header}: ${value}` }),
    })),
  );
  for (const { header, value, outcome } of spoofed) {
    const response = outcome.response;
    if (!response || response.status >= 500) {
      crashed.push({ header: `${header}: ${value}`, outcome });
      continue;
    }
    // Refusing a request whose headers contradict its token is a fine answer.
    if ([400, 401, 403, 422].includes(response.status)) continue;
    if (response.status !== first.status) {
      changed.push({ header: `${header}: ${value}`, response, how: `answered ${response.status} instead of ${first.status}` });
      continue;
    }
    const diff = baseline ? difference(baseline, flatten(response.json()), ignore) : response.text() === first.text() ? undefined : { field: 'body', count: 1 };
    if (diff) changed.push({ header: `${header}: ${value}`, response, how: describeDifference(diff) });
  }

  if (changed.length) {
    const [worst] = changed;
    return ctx.finding({
      status: 'fail',
      message: `with valid credentials, adding ${listOf(changed.map((c) => c.header))} changed what ${endpoint.label} returns (${worst!.how}): whose data comes back is taken from a header anyone can set`,
      evidence: [worst!.response.exchange, first.exchange, ...changed.slice(1).map((c) => c.response.exchange)],
    });
  }
  if (crashed.length) {
    return ctx.finding({
      status: 'fail',
      severity: 'high',
      message: `with valid credentials, ${endpoint.label} answered ${answerOf(crashed[0]!.outcome)} when ${listOf(crashed.map((c) => c.header))} was added: an extra header must not break the request`,
      evidence: crashed.flatMap((c) => evidenceOf(c.outcome)),
    });
  }
  return ctx.finding({
    status: 'pass',
    message: `with valid credentials, ${listOf(IDENTITY_HEADERS.map(([h]) => h))} naming another user did not change what ${endpoint.label} returns`,
    evidence: [first.exchange],
  });
}

interface Tried {
  header: string;
  outcome: Outcome;
}

/** One finding for a set of spoofed calls that must all stay refused. */
function verdictFinding(
  ctx: CheckContext,
  tried: Tried[],
  words: { what: string; refused: string; served: (answers: string, headers: string[]) => string; pass: string; fix?: string },
): Finding {
  const served = tried.filter((t) => t.outcome.verdict === 'served');
  if (served.length) {
    const answers = listOf(served.map((t) => `${answerOf(t.outcome)} to ${t.header}`));
    return ctx.finding({
      status: 'fail',
      message: words.served(answers, served.map((t) => t.header)),
      evidence: served.flatMap((t) => evidenceOf(t.outcome)),
      ...(words.fix ? { remediation: words.fix } : {}),
      data: { accepted: served.map((t) => t.header) },
    });
  }
  const crashed = tried.filter((t) => t.outcome.verdict === 'crashed');
  if (crashed.length) {
    return ctx.finding({
      status: 'fail',
      severity: 'high',
      message: `${words.what} answered ${listOf(crashed.map((t) => `${answerOf(t.outcome)} to ${t.header}`))} instead of refusing as it does without it (${words.refused})`,
      evidence: crashed.flatMap((t) => evidenceOf(t.outcome)),
    });
  }
  return ctx.finding({ status: 'pass', message: words.pass, evidence: tried.flatMap((t) => evidenceOf(t.outcome)) });
}

export default check;
