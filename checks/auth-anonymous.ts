import { isWriteMethod } from '../src/http/methods.js';
import type { Check, CheckContext, Finding } from '../src/types.js';
import { anonymous, answerOf, badCredentials, evidenceOf, listOf, probe, type BadCredential, type Outcome } from './lib/auth-probes.js';

interface Tried {
  variant: BadCredential;
  outcome: Outcome;
}

/**
 * Every endpoint that is not on the allow-list refuses a call without credentials and with bad
 * ones: empty, malformed, the wrong scheme, an unsigned (alg:none) JWT, a forged signature, an
 * expired token. A 2xx is the open door; a 5xx means auth falls over instead of refusing.
 */
const check: Check = {
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
      'each endpoint not in publicPaths with no credentials, an empty Authorization, a malformed token, the wrong scheme, an alg:none JWT, a forged-signature JWT and an expired JWT (write endpoints only with allowWrites)',
    writes: false,
  },

  applies: (target) => target.endpoints.filter((endpoint) => !endpoint.public),

  async run(ctx: CheckContext): Promise<Finding[]> {
    const endpoint = ctx.endpoint!;
    if (isWriteMethod(endpoint.method) && !ctx.target.allowWrites) {
      return [ctx.finding({ status: 'skip', message: `anonymous ${endpoint.method} probes of ${endpoint.label} are sent only with allowWrites: true (or --allow-writes)` })];
    }
    const [none, ...others] = await badCredentials(ctx.target);
    const send = async (variant: BadCredential): Promise<Tried> => ({
      variant,
      outcome: await probe(ctx, anonymous(endpoint, { ...variant, purpose: `anonymous: ${variant.name}` })),
    });
    const tried = [await send(none!)];
    // Served with no credentials at all: the bad-token variants add nothing (and on a write
    // endpoint each one would create another record).
    if (tried[0]!.outcome.verdict !== 'served') tried.push(...(await Promise.all(others.map(send))));
    return judge(ctx, tried);
  },
};

function judge(ctx: CheckContext, tried: Tried[]): Finding[] {
  const label = ctx.endpoint!.label;
  const by = (verdict: Outcome['verdict']): Tried[] => tried.filter((t) => t.outcome.verdict === verdict);
  const names = (list: Tried[]): string => listOf(list.map((t) => t.variant.name));
  const answers = (list: Tried[]): string => listOf([...new Set(list.map((t) => answerOf(t.outcome)))]);
  const evidence = (list: Tried[]) => list.flatMap((t) => evidenceOf(t.outcome));
  const findings: Finding[] = [];

  const served = by('served');
  if (served.length) {
    const anonymousToo = served[0]!.variant === tried[0]!.variant;
    findings.push(
      ctx.finding({
        status: 'fail',
        message: anonymousToo
          ? `${label} answered ${answers(served)} to a request with no credentials: anyone who finds the URL can call it`
          : `${label} refused a request with no credentials (${answerOf(tried[0]!.outcome)}) but answered ${answers(served)} to ${names(served)}`,
        remediation: [...new Set(served.map((t) => t.variant.fix))].join(' '),
        evidence: evidence(served),
        data: { accepted: served.map((t) => t.variant.name) },
      }),
    );
  }
  // Not open, but not a proper refusal either: each kind gets one finding, naming the variants.
  const lesser = [
    {
      list: by('crashed'),
      status: 'fail' as const,
      severity: 'high' as const,
      says: ': a missing or bad credential must get 401, not an error',
      fix: 'Reject missing and unparseable credentials in the auth middleware with 401 before any handler runs; catch token-parsing errors.',
    },
    {
      list: by('other'),
      status: 'warn' as const,
      severity: 'medium' as const,
      says: '; a missing or bad credential should get 401 (with WWW-Authenticate) or 403',
      fix: 'Run authentication before validation and routing, so a caller without valid credentials learns nothing but 401.',
    },
  ];
  for (const { list, status, severity, says, fix } of lesser.filter((kind) => kind.list.length)) {
    findings.push(ctx.finding({ status, severity, message: `${label} answered ${answers(list)} to ${names(list)}${says}`, remediation: fix, evidence: evidence(list) }));
  }
  if (!findings.length) {
    const counts = new Map<string, number>();
    for (const t of tried) counts.set(answerOf(t.outcome), (counts.get(answerOf(t.outcome)) ?? 0) + 1);
    const summary = [...counts].map(([status, n]) => `${status} ×${n}`).join(', ');
    findings.push(ctx.finding({ status: 'pass', message: `${label} refused all ${tried.length} anonymous and bad-credential requests (${summary})`, evidence: evidence(tried) }));
  }
  return findings;
}

export default check;
