import {
  defineCheck,
  endpointRequest,
  fillPath,
  formatBytes,
  isPublicPath,
  isWriteMethod,
  type EndpointContext,
  type ProbeResponse,
} from './api.js';
import { anonymous, answerOf, evidenceOf, hasCredentials, listOf, probe, type Outcome } from './lib/auth-probes.js';
import { describeOwnershipChange, hasOwnership, ownershipChange, ownershipOf } from './lib/ownership.js';
import { isNotFound, notFoundVerdict, proveHiding, unprovenVerdict } from './lib/refusal-proof.js';
import { describeDifference, difference, flatten, topLevelKeys, volatileFields } from './lib/response-compare.js';
import { driftBetween } from './lib/stable-baseline.js';

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

const IDENTITY_FIX =
  'Take identity from the verified token or session only; strip X-User-Id, X-Forwarded-User and friends at the edge, and never let a client-supplied header pick the user.';
const METHOD_FIX =
  'Apply auth to every method (HEAD and OPTIONS included), and honour method-override headers only after authentication, if at all.';
const CRASH_FIX =
  'Ignore identity and routing headers you do not use, and make the auth middleware answer 401/403 (not an error) to anything it does not accept.';

const VERDICTS = {
  noRefusal: {
    probe: 'anonymousSpoof',
    status: 'skip',
    message: '{endpoint} answered {answer} with no credentials, so there is no refusal to bypass (auth-anonymous judges that)',
  },
  refusalUnproven: unprovenVerdict('anonymousSpoof'),
  notFoundWithCredentials: notFoundVerdict('credentials'),
  spoofAccepted: {
    probe: 'anonymousSpoof',
    status: 'fail',
    message:
      '{endpoint} refuses an anonymous call ({refusal}) but answered {answers} when it carried a spoofed header: identity or trust is taken from a header anyone can set',
  },
  spoofCrashed: {
    probe: 'anonymousSpoof',
    status: 'fail',
    severity: 'high',
    message: 'anonymous {endpoint} answered {answers} instead of refusing as it does without it ({refusal})',
    remediation: CRASH_FIX,
  },
  spoofRefused: { probe: 'anonymousSpoof', status: 'pass', message: 'anonymous {endpoint} stayed refused with each of {headers}' },
  headUnprotected: {
    probe: 'methodOverride',
    status: 'fail',
    message: '{path} refuses an anonymous GET ({refusal}) but answered an anonymous HEAD with {answers}: the auth rule covers GET only',
    remediation: METHOD_FIX,
  },
  overrideAccepted: {
    probe: 'methodOverride',
    status: 'fail',
    message: '{path} refuses an anonymous GET ({refusal}) but answered {answers} to HEAD with X-HTTP-Method-Override: GET',
    remediation: METHOD_FIX,
  },
  overrideCrashed: {
    probe: 'methodOverride',
    status: 'fail',
    severity: 'high',
    message: 'anonymous HEAD {path} answered {answers} instead of refusing as it does without it ({refusal})',
    remediation: METHOD_FIX,
  },
  overrideRefused: {
    probe: 'methodOverride',
    status: 'pass',
    message: 'anonymous HEAD {path} with X-HTTP-Method-Override: GET stayed refused ({answer})',
  },
  noPublicPath: {
    probe: 'pathOverride',
    status: 'skip',
    message: 'no public GET path (health or publicPaths) to carry an X-Original-URL override',
  },
  pathOverrideServed: {
    probe: 'pathOverride',
    status: 'fail',
    message:
      "{headers} answered {answer} with {path}'s content to an anonymous caller: the path is authorised from the request line but routed by the header",
    remediation:
      'Drop X-Original-URL and X-Rewrite-URL at the edge (or turn off the framework option that honours them), so the path that is authorised is the path that is served.',
  },
  pathOverrideIgnored: {
    probe: 'pathOverride',
    status: 'pass',
    message: 'GET {publicPath} with {headers} naming {path} did not serve it anonymously',
  },
  noCredentials: {
    probe: 'identity',
    status: 'skip',
    message: 'no credentials configured, so whose data comes back cannot be compared',
  },
  baselineNotServed: {
    probe: 'identity',
    status: 'skip',
    message: '{endpoint} answered {status} with the configured credentials, so there is no data to compare (check its params)',
  },
  identityTruncated: {
    probe: 'identity',
    status: 'error',
    message:
      '{endpoint} answered more than maxResponseBytes ({limit}) to {calls}, so whose data comes back cannot be compared on a cut-off body',
    remediation: 'Raise limits.maxResponseBytes, or configure the endpoint with params that return a smaller page (e.g. limit=20).',
  },
  identityUndecided: {
    probe: 'identity',
    status: 'error',
    message:
      '{endpoint}: the plain answers differ between reads: {drift}; a spoofed call compared with them decides nothing, so whether a header changes whose data comes back is undecided',
  },
  identityChanged: {
    probe: 'identity',
    status: 'fail',
    message:
      'with valid credentials, adding {headers} changed what {endpoint} returns ({how}): whose data comes back is taken from a header anyone can set',
  },
  identityCrashed: {
    probe: 'identity',
    status: 'fail',
    severity: 'high',
    message: 'with valid credentials, {endpoint} answered {answer} when {headers} was added: an extra header must not break the request',
    remediation: CRASH_FIX,
  },
  identityKept: {
    probe: 'identity',
    status: 'pass',
    message: 'with valid credentials, {headers} naming another user did not change what {endpoint} returns',
  },
} as const;

/**
 * Identity comes from credentials, never from headers a caller can set: spoofed identity, "internal"
 * source addresses, path and method overrides must not turn a refusal into a 2xx, and with valid
 * credentials X-User-Id naming someone else must not change whose data comes back.
 */
export default defineCheck({
  meta: {
    id: 'auth-spoofing',
    title: 'Spoofed identity, source and override headers are ignored',
    item: 'default-deny',
    severity: 'critical',
    rationale:
      'Trusting X-User-Id "because only our frontend sets it" makes every user anyone: the header is one curl flag away. The same goes for X-Forwarded-For: 127.0.0.1 and path or method override headers.',
    remediation: IDENTITY_FIX,
    probes:
      'each endpoint not in publicPaths anonymously with X-User-Id, X-User, X-Forwarded-User, X-Remote-User, X-Forwarded-For/X-Real-IP: 127.0.0.1, HEAD with X-HTTP-Method-Override: GET, a public path with X-Original-URL/X-Rewrite-URL; with credentials, X-User-Id of another user between two plain calls, comparing item ids and owner fields (write endpoints only with allowWrites)',
    writes: false,
    endpointMethodWrites: true,
    verdicts: VERDICTS,
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints.filter((endpoint) => !endpoint.public),

  async run(ctx) {
    const endpoint = ctx.endpoint;
    const write = isWriteMethod(endpoint.method);
    const refusal = await probe(ctx, anonymous(endpoint, { purpose: 'anonymous, the refusal to compare with' }));
    if (isNotFound(refusal.response?.status)) {
      // A 404 is a refusal only when real credentials get a 2xx there (issue 12's rule).
      const proof = await proveHiding(ctx, endpoint);
      if (!proof.proven) {
        if (proof.notFound) ctx.report('notFoundWithCredentials', { endpoint: endpoint.label, status: proof.status }, proof.evidence);
        else
          ctx.report('refusalUnproven', { endpoint: endpoint.label, answer: answerOf(refusal), why: proof.why }, [
            ...evidenceOf(refusal),
            ...proof.evidence,
          ]);
        return;
      }
    }
    if (refusal.verdict !== 'refused') {
      ctx.report('noRefusal', { endpoint: endpoint.label, answer: answerOf(refusal) }, evidenceOf(refusal));
    } else {
      await spoofedAnonymously(ctx, refusal);
      if (!write) {
        await methodOverride(ctx, refusal);
        await pathOverride(ctx);
      }
    }
    if (!write) await identityWithCredentials(ctx);
  },
});

type Ctx = EndpointContext<typeof VERDICTS>;

interface Tried {
  header: string;
  outcome: Outcome;
}

const servedOf = (tried: Tried[]): Tried[] => tried.filter((t) => t.outcome.verdict === 'served');
const crashedOf = (tried: Tried[]): Tried[] => tried.filter((t) => t.outcome.verdict === 'crashed');
const answersTo = (tried: Tried[]): string => listOf(tried.map((t) => `${answerOf(t.outcome)} to ${t.header}`));
const evidenceOfAll = (tried: Tried[]) => tried.flatMap((t) => evidenceOf(t.outcome));

/** Anonymous calls with identity and "internal network" headers must stay refused. */
async function spoofedAnonymously(ctx: Ctx, refusal: Outcome): Promise<void> {
  const endpoint = ctx.endpoint;
  const spoofs = [...IDENTITY_HEADERS, ...NETWORK_HEADERS];
  const tried = await Promise.all(
    spoofs.map(async ([header, value]) => ({
      header: `${header}: ${value}`,
      outcome: await probe(ctx, anonymous(endpoint, { headers: { [header]: value }, purpose: `anonymous with ${header}: ${value}` })),
    })),
  );
  const served = servedOf(tried);
  const crashed = crashedOf(tried);
  if (served.length) {
    ctx.report(
      'spoofAccepted',
      { endpoint: endpoint.label, refusal: answerOf(refusal), answers: answersTo(served), accepted: served.map((t) => t.header) },
      evidenceOfAll(served),
    );
  } else if (crashed.length) {
    ctx.report(
      'spoofCrashed',
      { endpoint: endpoint.label, refusal: answerOf(refusal), answers: answersTo(crashed) },
      evidenceOfAll(crashed),
    );
  } else {
    ctx.report(
      'spoofRefused',
      {
        endpoint: endpoint.label,
        headers: listOf(
          spoofs.map(([h]) => h),
          6,
        ),
      },
      evidenceOfAll(tried),
    );
  }
}

/** HEAD (safe) asking to be treated as GET: the override must not slip past a GET-only auth rule. */
async function methodOverride(ctx: Ctx, refusal: Outcome): Promise<void> {
  const endpoint = ctx.endpoint;
  const path = fillPath(endpoint);
  const overridden = await probe(ctx, {
    ...anonymous(endpoint, { headers: { 'X-HTTP-Method-Override': 'GET' }, purpose: 'anonymous HEAD with X-HTTP-Method-Override: GET' }),
    method: 'HEAD',
  });
  const tried: Tried[] = [{ header: 'HEAD with X-HTTP-Method-Override: GET', outcome: overridden }];
  if (overridden.verdict === 'served') {
    // Is it the override, or does the auth rule not cover HEAD at all?
    tried.push({
      header: 'a plain HEAD',
      outcome: await probe(ctx, { ...anonymous(endpoint, { purpose: 'anonymous plain HEAD' }), method: 'HEAD' }),
    });
  }
  const served = servedOf(tried);
  const crashed = crashedOf(tried);
  const data = { path, refusal: answerOf(refusal) };
  if (served.some((t) => t.header === 'a plain HEAD'))
    ctx.report('headUnprotected', { ...data, answers: answersTo(served) }, evidenceOfAll(served));
  else if (served.length) ctx.report('overrideAccepted', { ...data, answers: answersTo(served) }, evidenceOfAll(served));
  else if (crashed.length) ctx.report('overrideCrashed', { ...data, answers: answersTo(crashed) }, evidenceOfAll(crashed));
  else ctx.report('overrideRefused', { path, answer: answerOf(overridden) }, evidenceOfAll(tried));
}

/**
 * A public path carrying X-Original-URL / X-Rewrite-URL naming the protected one: a stack that
 * authorises the request line but routes by the header serves the protected resource to anyone.
 */
async function pathOverride(ctx: Ctx): Promise<void> {
  const publicPath = publicGetPath(ctx);
  if (!publicPath) return void ctx.report('noPublicPath', {});
  const protectedPath = fillPath(ctx.endpoint);
  const plain = await ctx.http.send({
    method: 'GET',
    path: publicPath,
    auth: false,
    followRedirects: false,
    purpose: 'public path, to compare overrides with',
  });
  const genuine = hasCredentials(ctx.target)
    ? await ctx.http.send({ ...endpointRequest(ctx.endpoint), purpose: 'authenticated, to recognise the protected answer' })
    : undefined;
  const tried = await Promise.all(
    PATH_OVERRIDE_HEADERS.map(async (header) => ({
      header: `GET ${publicPath} with ${header}: ${protectedPath}`,
      outcome: await probe(ctx, {
        method: 'GET',
        path: publicPath,
        auth: false,
        followRedirects: false,
        headers: { [header]: protectedPath },
        purpose: `public path with ${header}: ${protectedPath}`,
      }),
    })),
  );
  // Served is expected here (it is a public path); it is a bypass only when the protected answer came back.
  const bypassed = tried.filter(
    ({ outcome }) => outcome.response && outcome.verdict === 'served' && looksProtected(outcome.response, plain, genuine),
  );
  if (bypassed.length) {
    ctx.report(
      'pathOverrideServed',
      { headers: listOf(bypassed.map((b) => b.header)), answer: answerOf(bypassed[0]!.outcome), path: protectedPath },
      evidenceOfAll(bypassed),
    );
  } else {
    ctx.report('pathOverrideIgnored', { publicPath, headers: listOf(PATH_OVERRIDE_HEADERS), path: protectedPath }, evidenceOfAll(tried));
  }
}

function publicGetPath(ctx: Ctx): string | undefined {
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
 * The spoofed calls are bracketed by two plain calls: whatever also differs between those two
 * (timestamps, a record another check created meanwhile) is not the header's doing. Only complete,
 * parsed bodies are compared, and on ownership (item ids, owner fields), not counts.
 */
async function identityWithCredentials(ctx: Ctx): Promise<void> {
  const endpoint = ctx.endpoint;
  if (!hasCredentials(ctx.target)) return void ctx.report('noCredentials', {});
  const request = endpointRequest(endpoint);
  const before = await ctx.http.send({ ...request, purpose: 'authenticated, before the spoofed calls' });
  if (isNotFound(before.status))
    return void ctx.report('notFoundWithCredentials', { endpoint: endpoint.label, status: before.status }, [before.exchange]);
  if (before.status < 200 || before.status > 299)
    return void ctx.report('baselineNotServed', { endpoint: endpoint.label, status: before.status }, [before.exchange]);
  const spoofed = await Promise.all(
    IDENTITY_HEADERS.map(async ([header, value]) => ({
      header: `${header}: ${value}`,
      outcome: await probe(ctx, {
        ...request,
        headers: { ...request.headers, [header]: value },
        purpose: `authenticated with ${header}: ${value}`,
      }),
    })),
  );
  const after = await ctx.http.send({ ...request, purpose: 'authenticated, after the spoofed calls' });

  const crashed: Tried[] = [];
  const compared: Array<{ header: string; response: ProbeResponse }> = [];
  for (const { header, outcome } of spoofed) {
    const response = outcome.response;
    if (!response || response.status >= 500) crashed.push({ header, outcome });
    // Refusing a request whose headers contradict its token is a fine answer.
    else if (![400, 401, 403, 422].includes(response.status)) compared.push({ header, response });
  }
  const cut = [{ header: 'the plain call', response: before }, ...compared, { header: 'the plain call', response: after }].filter(
    (c) => c.response.truncated,
  );
  if (cut.length) {
    const calls = listOf([...new Set(cut.map((c) => (c.header === 'the plain call' ? 'a plain call' : `the call with ${c.header}`)))]);
    return void ctx.report(
      'identityTruncated',
      { endpoint: endpoint.label, limit: formatBytes(ctx.target.limits.maxResponseBytes), calls },
      cut.map((c) => c.response.exchange),
    );
  }
  // Two plain reads that already disagree (status, whose data, or text that is not JSON): nothing
  // compared with them can be decided.
  const judge = changeJudge(before, after);
  const drift = driftBetween(before, after);
  if (drift || !judge) {
    const how = drift ?? 'two identical calls got different bodies that are not JSON';
    return void ctx.report('identityUndecided', { endpoint: endpoint.label, drift: how }, [before.exchange, after.exchange]);
  }
  const changed = compared
    .map(({ header, response }) => ({
      header,
      response,
      how: response.status !== before.status ? `answered ${response.status} instead of ${before.status}` : judge(response),
    }))
    .filter((c) => c.how);

  if (changed.length) {
    const [worst] = changed;
    ctx.report(
      'identityChanged',
      { endpoint: endpoint.label, headers: listOf(changed.map((c) => c.header)), how: worst!.how!, accepted: changed.map((c) => c.header) },
      [worst!.response.exchange, before.exchange, after.exchange, ...changed.slice(1).map((c) => c.response.exchange)],
    );
  } else if (crashed.length) {
    ctx.report(
      'identityCrashed',
      { endpoint: endpoint.label, answer: answerOf(crashed[0]!.outcome), headers: listOf(crashed.map((c) => c.header)) },
      evidenceOfAll(crashed),
    );
  } else {
    ctx.report('identityKept', { endpoint: endpoint.label, headers: listOf(IDENTITY_HEADERS.map(([h]) => h)) }, [
      before.exchange,
      after.exchange,
    ]);
  }
}

/**
 * How a spoofed answer differs from the two plain ones that bracket it ('' when it does not), or
 * undefined when the plain answers cannot be compared at all (not JSON, and not identical).
 */
function changeJudge(before: ProbeResponse, after: ProbeResponse): ((response: ProbeResponse) => string) | undefined {
  const [a, b] = [before.json(), after.json()];
  if (a === undefined || b === undefined) {
    if (before.text() !== after.text()) return undefined;
    return (response) => (response.text() === before.text() ? '' : 'the body changed');
  }
  const owned = [ownershipOf(a), ownershipOf(b)] as const;
  if (hasOwnership(owned[0]) || hasOwnership(owned[1])) {
    // Whose data: the ids of the items and the owner fields, whatever the counts say.
    return (response) => {
      const body = response.json();
      if (body === undefined) return 'the body is no longer JSON';
      const change = ownershipChange(ownershipOf(body), owned[0], owned[1]);
      return change ? describeOwnershipChange(change) : '';
    };
  }
  // Nothing says whose data it is: compare the fields both plain answers agree on, counts aside.
  const [flatA, flatB] = [flatten(a), flatten(b)];
  const ignore = volatileFields(flatA, flatB);
  for (const key of new Set([...flatA.keys(), ...flatB.keys()])) if (key.endsWith('.length')) ignore.add(key);
  return (response) => {
    const body = response.json();
    if (body === undefined) return 'the body is no longer JSON';
    const diff = difference(flatA, flatten(body), ignore);
    return diff ? describeDifference(diff) : '';
  };
}
