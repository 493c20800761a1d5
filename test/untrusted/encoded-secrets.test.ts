// Issue 15 item 8: configured secrets in every encoded form, echoed back by a hostile target, and a
// secret interpolated into an endpoint path. None may be readable in any format of the report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/servers.js';
import { auditEverything } from './audit.js';

const SECRETS = {
  TOKEN: 'canary/Tok3n-5d7a1c9e',
  // Characters encodeURIComponent keeps (~ ! ' ( )) but URLSearchParams encodes, and a space.
  API_KEY: "ak_live~Key!(s3cret)99 x'y",
  TENANT: 'tenant-7c1e9a3f5b2d',
};

/** Undoes every encoding a report or a target could apply, then looks for any secret (or 12 chars of one). */
export function readableSecrets(text: string): string[] {
  let plain = text
    .replace(/\\\//g, '/')
    .replace(/\\u([0-9a-f]{4})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  plain = plain.replace(/(%[0-9a-f]{2})+/gi, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
  const squashed = plain.replace(/\\r|\\n|\s|\+/g, '').toLowerCase();
  const lower = text.toLowerCase();
  return Object.values(SECRETS).filter((secret) => {
    const s = secret.replace(/\s/g, '').toLowerCase();
    return (
      squashed.includes(s.slice(0, 12)) ||
      squashed.includes(s.slice(-12)) ||
      lower.includes(Buffer.from(secret).toString('hex').slice(0, 24))
    );
  });
}

describe('configured secrets in encoded forms never appear in any output (issue 15 item 8)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const auth = String(req.headers.authorization ?? '');
      const token = auth.replace(/^Bearer /, '');
      // Echo the URL as received and the token transformed every way a careless API might.
      const echo = {
        url: req.url,
        upper: token.toUpperCase(),
        hex: Buffer.from(token).toString('hex'),
        entities: [...token].map((ch) => `&#${ch.charCodeAt(0)};`).join(''),
        split: `${token.slice(0, 8)}\n${token.slice(8)}`,
        query: new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('api_key'),
      };
      const text = JSON.stringify(echo).replace(/\//g, '\\/');
      const status = req.url === '/health' ? 200 : token === SECRETS.TOKEN ? 200 : 401;
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-echo-url': encodeURI(req.url ?? ''),
        'x-request-id': String(req.headers['x-request-id'] ?? 'r'),
      });
      res.end(status === 200 ? text.replace(/^\{/, '{"data":[],') : text);
    });
  });
  afterAll(() => server.close());

  it("query credential with ~!'() and spaces, a tenant id in the path, echoed transformed", async () => {
    const out = await auditEverything(
      `target: { name: encoded, baseUrl: "${server.url}" }
auth:
  headers: { Authorization: "Bearer \${TOKEN}" }
  query: { api_key: "\${API_KEY}" }
secrets: { values: ["\${TENANT}"] }
publicPaths: [/health]
endpoints:
  - { path: "/t/\${TENANT}/items", kind: list }
  - { path: "/t/\${TENANT}/items/{id}", params: { id: "1" } }
health: /health
limits: { maxRequests: 300, requestsPerSecond: 1000, timeoutMs: 8000, maxDurationMs: 40000 }
latency: { samples: 3, maxSeconds: 2 }
`,
      SECRETS,
    );
    expect([0, 1], out.stderr).toContain(out.code);
    expect(out.wallMs).toBeLessThan(40_000);
    for (const [format, text] of Object.entries(out.files)) {
      expect(text.length, format).toBeGreaterThan(100);
      expect(readableSecrets(text), format).toEqual([]);
    }
    expect(readableSecrets(out.stdout + out.stderr)).toEqual([]);
    // The echoes were recorded (redacted), and the labels name the endpoint without the tenant.
    const report = JSON.parse(out.files.json) as { items: Array<{ findings: Array<{ endpoint: string }> }> };
    const endpoints = new Set(report.items.flatMap((i) => i.findings.map((f) => f.endpoint)));
    expect(endpoints).toContain('GET /t/***/items');
    expect(out.files.json).toMatch(/api_key=\*\*\*/);
    expect(server.requests.some((r) => r.url.includes(SECRETS.TENANT))).toBe(true);
  }, 60_000);
});
