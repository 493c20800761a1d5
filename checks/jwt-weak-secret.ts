import { defineCheck, fillPath, type CheckContext } from './api.js';
import type { ConfiguredJwt } from './lib/jwt.js';

// The 3,613-entry secret list and jose (through lib/jwt) are loaded when the check runs, not when the
// tool starts: `preflight checks` and `--version` must not pay for them.
const loadJwtLib = () => import('./lib/jwt.js');

const VERDICTS = {
  weakSecret: {
    probe: 'secret',
    status: 'fail',
    message:
      '{where} is an {alg} JWT signed with a known weak secret: entry "{entry}" of the bundled list of {count} default and published secrets; anyone can forge a token for any user',
  },
  strongSecret: {
    probe: 'secret',
    status: 'pass',
    message: '{where} is an {alg} JWT whose signature matches none of the {count} known default and weak secrets',
  },
  noHmacJwt: { status: 'skip', message: 'no configured credential is an HS256/384/512 JWT ({found}): nothing to try offline' },
  forgedAccepted: {
    probe: 'impact',
    status: 'fail',
    message:
      'a token forged with that secret for the subject of identity "{identity}" was accepted: GET {path} answered {status} (one read-only request)',
  },
  forgedRefused: {
    probe: 'impact',
    status: 'skip',
    message:
      'a token forged with that secret for the subject of identity "{identity}" was refused by GET {path} ({status}); the secret is known all the same',
  },
} as const;

/**
 * An HS256/384/512 JWT is only as strong as its secret. Framework defaults and tutorial secrets
 * ("secret", "your-256-bit-secret") are tried offline against the configured token's signature: no
 * request is sent for that. With a match and a second identity, one GET with a token forged for
 * that identity's subject shows what the secret gives away.
 */
export default defineCheck({
  meta: {
    id: 'jwt-weak-secret',
    title: 'JWTs are not signed with a known weak secret',
    item: 'default-deny',
    severity: 'critical',
    rationale:
      'Whoever knows an HMAC JWT secret can mint a valid token for any user or role. Default and published secrets are tried by attackers first, offline, from a single token.',
    remediation:
      'Rotate the signing secret now to a random value of at least 256 bits (e.g. openssl rand -base64 32) kept in a secrets manager, invalidate tokens signed with the old one, and prefer asymmetric signing (RS256, ES256, EdDSA) so services that verify tokens cannot mint them.',
    probes:
      'tries the configured JWT signatures against a bundled list of known weak secrets, offline; on a match with a second identity, one GET with a forged token',
    writes: false,
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    const { configuredJwts, entryHint, findSigningSecret, isHmacJwt } = await loadJwtLib();
    const jwts = configuredJwts(ctx.target);
    const hmac = jwts.filter(isHmacJwt);
    if (hmac.length === 0) {
      ctx.report('noHmacJwt', {
        found: jwts.length ? `JWTs signed with ${[...new Set(jwts.map((j) => j.alg))].join(', ')}` : 'none is a JWT',
      });
      return;
    }
    const { JWT_WEAK_SECRETS } = await import('./data/jwt-weak-secrets.js');
    const count = JWT_WEAK_SECRETS.length;
    for (const jwt of hmac) {
      const secret = findSigningSecret(jwt, JWT_WEAK_SECRETS);
      if (!secret) {
        ctx.report('strongSecret', { where: jwt.where, alg: jwt.alg, count }, [], { key: jwt.where });
        continue;
      }
      ctx.report('weakSecret', { where: jwt.where, alg: jwt.alg, entry: entryHint(secret), count }, [], { key: jwt.where });
      if (jwt.identity === undefined) await proveImpact(ctx, jwt, secret, hmac);
    }
  },
});

type Ctx = CheckContext<typeof VERDICTS>;

/** One GET as the other identity's subject, with a token the tool minted: read-only proof of impact. */
async function proveImpact(ctx: Ctx, main: ConfiguredJwt, secret: string, jwts: readonly ConfiguredJwt[]): Promise<void> {
  const other = jwts.find((j) => j.identity !== undefined && typeof j.payload.sub === 'string' && j.payload.sub !== main.payload.sub);
  const endpoint = ctx.target.endpoints.find((e) => e.method === 'GET' && !e.public);
  if (!other?.identity || !endpoint) return;
  const { forgeFor, scrubToken } = await loadJwtLib();
  const forged = await forgeFor(main, secret, String(other.payload.sub));
  const path = fillPath(endpoint);
  const carried =
    main.carrier === 'headers'
      ? { headers: { ...endpoint.headers, [main.name]: main.value.replace(main.token, forged) }, query: endpoint.query }
      : { headers: endpoint.headers, query: { ...endpoint.query, [main.name]: forged } };
  // auth: false: only the forged token speaks for the caller.
  const response = await ctx.http.send({
    method: 'GET',
    path,
    ...carried,
    auth: false,
    purpose: `token forged for identity ${other.identity}`,
  });
  scrubToken(response.exchange, forged);
  const data = { identity: other.identity, path, status: response.status };
  if (response.status >= 200 && response.status < 300)
    ctx.report('forgedAccepted', data, [response.exchange], { endpoint: endpoint.label });
  else ctx.report('forgedRefused', data, [response.exchange], { endpoint: endpoint.label });
}
