import { SignJWT, jwtVerify } from 'jose';
import { expect } from 'vitest';
import check from '../../checks/jwt-weak-secret.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { json, startServer } from '../helpers/servers.js';

const sign = (sub: string, secret: string, alg = 'HS256', iat = 1_700_000_000): Promise<string> =>
  new SignJWT({ sub, role: 'user' }).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt(iat).sign(new TextEncoder().encode(secret));

const WEAK = 'your-256-bit-secret';
const STRONG = 'k3Q9v1Zr8xT2mW7pL4sN6bY0cH5jF1dG';
// bob's own token was issued at another time, so the token forged from alice's claims is not one configured (and redacted) already.
const [aliceWeak, bobWeak, aliceStrong, aliceHs512, forgedForBob] = await Promise.all([
  sign('alice', WEAK),
  sign('bob', WEAK, 'HS256', 1_700_000_999),
  sign('alice', STRONG),
  sign('alice', 'changeme', 'HS512'),
  sign('bob', WEAK),
]);

/** Records every request; answers GET /api/me with the token's subject when it verifies with `secret`. */
function api(secret: string, log: string[]) {
  return () =>
    startServer(async (req, res) => {
      log.push(`${req.method} ${req.url}`);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      try {
        const { payload } = await jwtVerify(token ?? '', new TextEncoder().encode(secret));
        json(res, 200, { user: payload.sub });
      } catch {
        json(res, 401, { error: 'unauthorized' });
      }
    });
}

const logs = { weak: [] as string[], strong: [] as string[], none: [] as string[], forged: [] as string[], hs512: [] as string[] };

checkTester.run(check, {
  config: `
endpoints:
  - { path: /api/me }
`,
  valid: [
    {
      name: 'a token signed with a strong secret',
      config: `auth:\n  headers: { Authorization: "Bearer ${aliceStrong}" }\nendpoints:\n  - { path: /api/me }\n`,
      server: api(STRONG, logs.strong),
      verdicts: [{ verdict: 'strongSecret', data: { where: 'auth.headers.Authorization', alg: 'HS256' } }],
      assert: () => expect(logs.strong).toEqual([]),
    },
    {
      name: 'credentials that are not JWTs: not applicable, nothing sent',
      config: `auth:\n  headers: { X-Api-Key: "plain-api-key-0123456789" }\nendpoints:\n  - { path: /api/me }\n`,
      server: api(STRONG, logs.none),
      verdicts: ['noHmacJwt'],
      assert: () => expect(logs.none).toEqual([]),
    },
  ],
  invalid: [
    {
      name: 'a token signed with a listed secret: critical, no request sent',
      config: `auth:\n  headers: { Authorization: "Bearer \${TOKEN}" }\nendpoints:\n  - { path: /api/me }\n`,
      env: { TOKEN: aliceWeak },
      server: api(WEAK, logs.weak),
      verdicts: [{ verdict: 'weakSecret', data: { where: 'auth.headers.Authorization', alg: 'HS256', entry: 'you…' } }],
      assert: (findings) => {
        expect(logs.weak).toEqual([]);
        expect(byVerdict(findings, 'weakSecret').severity).toBe('critical');
        expect(JSON.stringify(findings)).not.toContain(WEAK);
      },
    },
    {
      name: 'HS512 with a listed secret',
      config: `auth:\n  headers: { Authorization: "Bearer ${aliceHs512}" }\nendpoints:\n  - { path: /api/me }\n`,
      server: api('changeme', logs.hs512),
      verdicts: [{ verdict: 'weakSecret', data: { alg: 'HS512', entry: 'cha…' } }],
    },
    {
      name: 'with a second identity: one GET with a token forged for its subject proves the impact',
      config: `auth:\n  headers: { Authorization: "Bearer \${TOKEN}" }\n  identities:\n    other: { headers: { Authorization: "Bearer \${OTHER}" } }\nendpoints:\n  - { path: /api/me }\n`,
      env: { TOKEN: aliceWeak, OTHER: bobWeak },
      server: api(WEAK, logs.forged),
      verdicts: ['weakSecret', 'weakSecret', { verdict: 'forgedAccepted', data: { identity: 'other', path: '/api/me', status: 200 } }],
      assert: (findings) => {
        expect(logs.forged).toEqual(['GET /api/me']);
        const proof = findings.find((f) => f.id === 'jwt-weak-secret/forgedAccepted')!;
        expect(proof.evidence[0]!.responseBodyExcerpt).toContain('bob');
        // The forged token is a working credential: never kept in the report.
        expect(forgedForBob).not.toBe(bobWeak);
        expect(JSON.stringify(findings)).not.toContain(forgedForBob.split('.')[2]!);
      },
    },
  ],
});
