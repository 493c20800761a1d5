import { defineCheck, endpointRequest, isWriteMethod, type EndpointContext, type ProbeResponse } from './api.js';
import { carriesData } from './lib/anonymous-data.js';
import {
  anonymous,
  answerOf,
  badCredentials,
  evidenceOf,
  hasCredentials,
  listOf,
  probe,
  type BadCredential,
  type Outcome,
} from './lib/auth-probes.js';
import { isNotFound, notFoundVerdict, proveHiding, unprovenVerdict } from './lib/refusal-proof.js';

/**
 * How one missing or bad credential was answered. open: 2xx with data (or any 2xx on a write) ·
 * empty: 2xx with nothing in it (a permission-filtered result) · refused: 401/403, a redirect, or a
 * 404 that hides an endpoint real callers get · notFound: a 404 not (yet) shown to be hiding ·
 * crashed: 5xx or no answer · other: any other 4xx.
 */
type Reading = 'open' | 'empty' | 'refused' | 'notFound' | 'crashed' | 'other';

interface Tried {
  variant: BadCredential;
  outcome: Outcome;
  reading: Reading;
}

const VERDICTS = {
  open: {
    probe: 'refusal',
    status: 'fail',
    message: '{endpoint} answered {answers} to a request with no credentials: anyone who finds the URL can call it',
    remediation: 'Put authentication in middleware that runs before every route, and list the few public routes explicitly.',
  },
  badCredentialAccepted: {
    probe: 'refusal',
    status: 'fail',
    message: '{endpoint} answered {refusal} to a request with no credentials but {answers} to {accepted}',
    remediation: '{fixes}',
  },
  refused: {
    probe: 'refusal',
    status: 'pass',
    message: '{endpoint} refused all {count} anonymous and bad-credential requests ({summary})',
  },
  notFoundWithCredentials: notFoundVerdict('refusal'),
  refusalUnproven: unprovenVerdict('refusal'),
  emptyForAnonymous: {
    probe: 'emptyAnswer',
    status: 'warn',
    severity: 'medium',
    message: '{endpoint} answers anonymous callers {answers} with an empty result ({names}); 401 is clearer',
    remediation:
      'Answer 401 (with WWW-Authenticate) to a call without valid credentials instead of an empty result, so callers and monitors can tell "not allowed" from "nothing there".',
  },
  badCredentialsAsAnonymous: {
    probe: 'emptyAnswer',
    status: 'warn',
    severity: 'medium',
    message:
      '{endpoint} answers {answers} with the same empty result to no credentials and to {names}: bad credentials are treated as anonymous, not refused; answer 401 to a credential that does not check out',
    remediation:
      'Refuse a present but invalid credential with 401 (with WWW-Authenticate) in the auth middleware, instead of falling back to the anonymous user; keep anonymous access only for requests that carry no credential at all.',
  },
  authErrors: {
    probe: 'authErrors',
    status: 'fail',
    severity: 'high',
    message: '{endpoint} answered {answers} to {names}: a missing or bad credential must get 401, not an error',
    remediation:
      'Reject missing and unparseable credentials in the auth middleware with 401 before any handler runs; catch token-parsing errors.',
  },
  unclearRefusal: {
    probe: 'unclearRefusal',
    status: 'warn',
    severity: 'medium',
    message: '{endpoint} answered {answers} to {names}; a missing or bad credential should get 401 (with WWW-Authenticate) or 403',
    remediation: 'Run authentication before validation and routing, so a caller without valid credentials learns nothing but 401.',
  },
} as const;

/**
 * Every endpoint that is not on the allow-list refuses a call without credentials and with bad
 * ones: empty, malformed, the wrong scheme, an unsigned (alg:none) JWT, a forged signature, an
 * expired token. A 2xx with data is the open door; a 5xx means auth falls over instead of refusing.
 */
export default defineCheck({
  meta: {
    id: 'auth-anonymous',
    title: 'Protected endpoints refuse anonymous and bad-token calls',
    item: 'default-deny',
    severity: 'critical',
    rationale:
      'A route that forgot its auth middleware is public, whatever the docs say: "if it is reachable from the internet, it is public". Tokens that are decoded but not verified let anyone mint one.',
    remediation:
      'Authenticate in middleware that runs before every route (default-deny) and list the public routes explicitly; verify token signatures and expiry, and answer 401 to anything that does not check out.',
    probes:
      'each endpoint not in publicPaths with no credentials, an empty Authorization, a malformed token, the wrong scheme, an alg:none JWT, a forged-signature JWT and an expired JWT (write endpoints only with allowWrites); a 2xx or 404 is compared with the answer to the configured credentials',
    writes: false,
    endpointMethodWrites: true,
    verdicts: VERDICTS,
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints.filter((endpoint) => !endpoint.public),

  async run(ctx) {
    const endpoint = ctx.endpoint;
    const [none, ...others] = await badCredentials(ctx.target);
    const authenticated = once(() =>
      hasCredentials(ctx.target)
        ? ctx.http.send({ ...endpointRequest(endpoint), purpose: 'with the configured credentials, to compare' })
        : Promise.resolve(undefined),
    );
    const send = async (variant: BadCredential): Promise<Tried> => {
      const outcome = await probe(ctx, anonymous(endpoint, { ...variant, purpose: `anonymous: ${variant.name}` }));
      return { variant, outcome, reading: await readingOf(endpoint.method, outcome, authenticated) };
    };
    const tried = [await send(none!)];
    // A 404 is a refusal only when the endpoint answers 2xx to real credentials (issue 12's rule);
    // one that 404s for everyone is reported as such, and the bad-token variants are not sent.
    const hiding = once(async () => proveHiding(ctx, endpoint, await authenticated()));
    const unproven = async (): Promise<boolean> => {
      const proof = await hiding();
      if (proof.proven) {
        for (const t of tried) if (t.reading === 'notFound') t.reading = 'refused';
        return false;
      }
      if (proof.notFound) ctx.report('notFoundWithCredentials', { endpoint: endpoint.label, status: proof.status }, proof.evidence);
      else
        ctx.report(
          'refusalUnproven',
          { endpoint: endpoint.label, answer: answerOf(tried.find((t) => t.reading === 'notFound')!.outcome), why: proof.why },
          proof.evidence,
        );
      return true;
    };
    if (tried[0]!.reading === 'notFound' && (await unproven())) return;
    // Served data with no credentials at all: the bad-token variants add nothing (and on a write
    // endpoint each one would create another record).
    if (tried[0]!.reading !== 'open') tried.push(...(await Promise.all(others.map(send))));
    if (tried.some((t) => t.reading === 'notFound') && (await unproven())) return judge(ctx, tried, false);
    judge(ctx, tried, true);
  },
});

/** Reads one answer; a 2xx is compared with what the configured credentials get. */
async function readingOf(method: string, outcome: Outcome, authenticated: () => Promise<ProbeResponse | undefined>): Promise<Reading> {
  const response = outcome.response;
  if (!response) return 'crashed';
  if (isNotFound(response.status)) return 'notFound';
  if (outcome.verdict !== 'served') return outcome.verdict;
  // A write that answers 2xx did something, whatever it answered.
  if (isWriteMethod(method)) return 'open';
  return carriesData(response, await authenticated()) ? 'open' : 'empty';
}

/** One finding per kind of wrong answer; the pass only when every answer was a proven refusal. */
function judge(ctx: EndpointContext<typeof VERDICTS>, tried: Tried[], mayPass: boolean): void {
  const label = ctx.endpoint.label;
  const by = (reading: Reading): Tried[] => tried.filter((t) => t.reading === reading);
  const names = (list: Tried[]): string => listOf(list.map((t) => t.variant.name));
  const answers = (list: Tried[]): string => listOf([...new Set(list.map((t) => answerOf(t.outcome)))]);
  const evidence = (list: Tried[]) => list.flatMap((t) => evidenceOf(t.outcome));
  let problems = 0;

  const open = by('open');
  if (open.length) {
    problems++;
    if (open[0] === tried[0])
      ctx.report('open', { endpoint: label, answers: answers(open), accepted: open.map((t) => t.variant.name) }, evidence(open));
    else {
      const first = tried[0]!;
      const refusal = first.reading === 'empty' ? `${answerOf(first.outcome)} with an empty result` : answerOf(first.outcome);
      const fixes = [...new Set(open.map((t) => t.variant.fix))].join(' ');
      ctx.report(
        'badCredentialAccepted',
        { endpoint: label, refusal, answers: answers(open), accepted: open.map((t) => t.variant.name), fixes },
        evidence(open),
      );
    }
  }
  const empty = by('empty');
  if (empty.length) {
    problems++;
    // No credentials and bad ones got the same empty answer: one finding for one behaviour.
    const bad = empty.filter((t) => t !== tried[0]);
    if (empty[0] === tried[0] && bad.length)
      ctx.report('badCredentialsAsAnonymous', { endpoint: label, answers: answers(empty), names: names(bad) }, evidence(empty));
    else ctx.report('emptyForAnonymous', { endpoint: label, answers: answers(empty), names: names(empty) }, evidence(empty));
  }
  const crashed = by('crashed');
  if (crashed.length) {
    problems++;
    ctx.report('authErrors', { endpoint: label, answers: answers(crashed), names: names(crashed) }, evidence(crashed));
  }
  const other = by('other');
  if (other.length) {
    problems++;
    ctx.report('unclearRefusal', { endpoint: label, answers: answers(other), names: names(other) }, evidence(other));
  }
  if (problems || !mayPass) return;
  const counts = new Map<string, number>();
  for (const t of tried) counts.set(answerOf(t.outcome), (counts.get(answerOf(t.outcome)) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${status} ×${n}`).join(', ');
  ctx.report('refused', { endpoint: label, count: tried.length, summary }, evidence(tried));
}

/** A lazily sent request, sent at most once however many answers need it. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= make());
}
