// A target that leaks credentials (a database URL with its password, an AWS secret key, a Stripe
// live key, a JWT, a PEM private key) in 2xx and 5xx bodies and headers, and whose write endpoint
// mints a fresh token for every POST the audit sends: no value may appear raw in any format, the
// job summary or --verbose, and the masked form, with its kind, must be there instead.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { clientFor, targetFor } from '../helpers/target.js';
import { findSecrets } from '../../src/http/secret-scan.js';
import { LEAKED, PEM } from '../fixtures/leaked-secrets.js';

const DB_URL = `postgres://orders:${LEAKED.dbPassword}@db.internal:5432/orders`;
const RAW = [LEAKED.dbPassword, LEAKED.awsSecret, LEAKED.stripe, LEAKED.jwt, LEAKED.pemBody];

describe('credentials the target leaks or mints never reach a report', () => {
  let server: TestServer;
  let dir: string;
  const minted: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-leaks-'));
    let n = 0;
    server = await startServer((req, res) => {
      const url = req.url ?? '/';
      if (req.method === 'POST' && url.startsWith('/api/tokens')) {
        // A token-issuing endpoint: every write probe gets a live credential back.
        const id = `tok_${++n}`;
        const token = randomBytes(24).toString('base64url');
        const access = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: id, n, r: randomBytes(6).toString('hex') })).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
        minted.push(token, access);
        const header = randomBytes(18).toString('hex');
        minted.push(header);
        return json(
          res,
          201,
          { id, token, access_token: access, scope: 'read-write' },
          { location: `/api/tokens/${id}`, 'x-auth-token': header },
        );
      }
      if (url.startsWith('/cut/')) {
        // A key that straddles the 2 KiB excerpt's cut, at every offset around it.
        const pad = Number(url.slice(5));
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end(`${'.'.repeat(pad)} ${LEAKED.stripe} ${LEAKED.jwt} ${'.'.repeat(4000)}`);
      }
      if (url === '/health') return json(res, 200, { status: 'ok', database: DB_URL });
      if (url.startsWith('/api/items?') || url === '/api/items') {
        return json(
          res,
          200,
          { data: [{ id: 1, owner_session: LEAKED.jwt }], debug: { aws_secret_access_key: LEAKED.awsSecret, payment_key: LEAKED.stripe } },
          { 'x-debug-payment-key': LEAKED.stripe },
        );
      }
      // Everything else fails and dumps the server's configuration.
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(
        `Error: connect to ${DB_URL} failed\n    at Pool.connect (/srv/app/db.js:12:7)\nAWS_SECRET_ACCESS_KEY=${LEAKED.awsSecret}\nSTRIPE_KEY=${LEAKED.stripe}\nSESSION=${LEAKED.jwt}\n${PEM}\n`,
      );
    });
  });
  afterAll(() => server.close());

  it('no raw value in terminal --verbose, JSON, Markdown, HTML, JUnit or the job summary; the masks say what leaked', async () => {
    const config = join(dir, 'leaks.yaml');
    writeFileSync(
      config,
      `target: { name: leaks, baseUrl: "${server.url}" }
publicPaths: [/health, /api/items, /api/tokens]
endpoints:
  - { path: /api/items, kind: list }
  - { path: "/api/items/{id}", params: { id: "1" } }
  - { method: POST, path: /api/tokens, kind: write, body: { scope: read-write } }
health: /health
limits: { maxRequests: 500, requestsPerSecond: 1000, timeoutMs: 2000 }
latency: { samples: 3, maxSeconds: 2 }
`,
    );
    const outputs = ['r.json', 'r.md', 'r.html', 'r.xml'].map((name) => join(dir, name));
    const summary = join(dir, 'summary.md');
    const result = await runCli(['audit', '--config', config, '--allow-writes', '--verbose', ...outputs.flatMap((f) => ['--output', f])], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect([0, 1], result.stderr).toContain(result.code);
    // The audit really minted tokens, so the test proves something about them.
    expect(minted.length).toBeGreaterThanOrEqual(6);
    const texts: Record<string, string> = { terminal: result.stdout + result.stderr, summary: readFileSync(summary, 'utf8') };
    for (const file of outputs) texts[file] = readFileSync(file, 'utf8');
    for (const [name, text] of Object.entries(texts)) {
      expect(text.length, name).toBeGreaterThan(500);
      for (const value of [...RAW, ...minted]) expect(text.includes(value), `${name} holds ${value.slice(0, 6)}…`).toBe(false);
    }
    const report = texts[outputs[0]!]!;
    for (const mask of [
      '[AWS secret key, 40 chars, wJal…]',
      '[Stripe live secret key, 32 chars, sk_l…]',
      '[password in URL, 19 chars, S3c…]',
      '[JWT, ',
      '[private key, ',
      '[token field, 32 chars, ',
    ]) {
      expect(report, mask).toContain(mask);
    }
    expect(texts[outputs[1]!]).toContain('AWS secret key, 40 chars');
  }, 60_000);

  it('a credential cut by the excerpt is masked whole, and the record says what leaked', async () => {
    const http = await clientFor(await targetFor(server.url));
    try {
      for (let pad = 2000; pad < 2050; pad += 3) {
        const response = await http.send({ method: 'GET', path: `/cut/${pad}` });
        const excerpt = response.exchange.responseBodyExcerpt ?? '';
        expect(excerpt.length).toBeLessThanOrEqual(2100);
        expect(excerpt).not.toContain(LEAKED.stripe.slice(0, 12));
        expect(excerpt).not.toContain(LEAKED.jwt.slice(0, 12));
      }
      const record = http.recorded().at(-1)!;
      expect(record.leakedSecrets?.map((s) => `${s.kind} in ${s.where}`)).toEqual(['Stripe live secret key in body', 'JWT in body']);
      expect(JSON.stringify(record.leakedSecrets)).not.toContain(LEAKED.stripe);
      // The kept body is for checks: findSecrets on it finds the same (error-leaks reports each as critical).
      expect(findSecrets(record.bodyText).map((hit) => hit.kind)).toEqual(['Stripe live secret key', 'JWT']);
    } finally {
      await http.close();
    }
  });
});
