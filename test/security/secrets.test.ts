// Secrets of every kind the config can hold, echoed back by a target that leaks on purpose, through a
// full audit with every check (writes included): none may appear in any format, in --verbose terminal
// output, or in an error message. A prefix of the secret counts as a leak too.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/servers.js';

const SECRETS = {
  TOKEN: 'canary-header-5d7a1c9e3b',
  API_KEY: 'canary-query-8f2e6b0d4a',
  TENANT: 'canary-tenant-3c9a7e1f5b',
  // In the health path: not an endpoint label (those are masked at load), so only the doors can mask it.
  HEALTH_KEY: 'canary-health-7b1d3f9a2c',
};

function leaks(text: string): string[] {
  return Object.values(SECRETS).filter((secret) => text.includes(secret) || text.includes(secret.slice(0, 14)));
}

describe('secrets never appear in any output', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-secrets-'));
    // Echoes everything it was sent, in the body, headers, cookies, errors and redirects.
    server = await startServer((req, res) => {
      const echo = JSON.stringify({
        url: req.url,
        headers: req.headers,
        error: `bad request from ${req.headers.authorization ?? 'anonymous'} at ${req.url}`,
      });
      const authorised = req.headers.authorization === `Bearer ${SECRETS.TOKEN}`;
      const status = req.url?.startsWith('/health') ? 200 : authorised ? (req.method === 'POST' ? 201 : 200) : 401;
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-echo': String(req.headers.authorization ?? ''),
        'set-cookie': `s=${SECRETS.TOKEN}`,
        'x-request-id': String(req.headers['x-request-id'] ?? 'r'),
      });
      res.end(echo);
    });
  });
  afterAll(() => server.close());

  it('a full audit with writes: terminal --verbose, JSON, Markdown, HTML and JUnit', async () => {
    const config = join(dir, 'secrets.yaml');
    writeFileSync(
      config,
      `target: { name: secrets, baseUrl: "${server.url}" }
auth:
  headers: { Authorization: "Bearer \${TOKEN}" }
  query: { api_key: "\${API_KEY}" }
secrets: { values: ["${SECRETS.TENANT}"] }
publicPaths: ["/health/*"]
endpoints:
  - { path: /api/items, kind: list, query: { tenant: "${SECRETS.TENANT}" } }
  - { method: POST, path: /api/items, kind: write, body: { tenant: "${SECRETS.TENANT}", name: x } }
health: "/health/\${HEALTH_KEY}"
allowWrites: true
limits: { maxRequests: 600, requestsPerSecond: 1000, timeoutMs: 2000 }
latency: { samples: 3, maxSeconds: 2 }
`,
    );
    const outputs = ['r.json', 'r.md', 'r.html', 'r.xml'].map((name) => join(dir, name));
    const result = await runCli(['audit', '--config', config, '--verbose', ...outputs.flatMap((file) => ['--output', file])], {
      env: { TOKEN: SECRETS.TOKEN, API_KEY: SECRETS.API_KEY, HEALTH_KEY: SECRETS.HEALTH_KEY },
    });
    expect([0, 1]).toContain(result.code);
    expect(result.stdout.length).toBeGreaterThan(1000);
    expect(leaks(result.stdout + result.stderr)).toEqual([]);
    for (const file of outputs) expect(leaks(readFileSync(file, 'utf8')), file).toEqual([]);
    // The echoes were really recorded (redacted), so the test proves something.
    const json = readFileSync(outputs[0]!, 'utf8');
    expect(json).toContain('"x-echo": "***"');
    expect(json).toMatch(/api_key=\*\*\*/);
  });

  it('a config error about a value that came from the environment does not print the value', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, `target: { baseUrl: "${server.url}" }\nlimits: { concurrency: "\${TOKEN}" }\n`);
    const result = await runCli(['audit', '--config', config], { env: { TOKEN: SECRETS.TOKEN } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/limits\.concurrency: must be an integer/);
    expect(leaks(result.stderr)).toEqual([]);
  });

  it('the credentials-refused error does not print the credential', async () => {
    const config = join(dir, 'refused.yaml');
    writeFileSync(
      config,
      `target: { baseUrl: "${server.url}" }\nauth: { headers: { Authorization: "Bearer \${TOKEN}" } }\nendpoints:\n  - { path: /api/items }\n`,
    );
    const result = await runCli(['audit', '--config', config], { env: { TOKEN: `${SECRETS.TOKEN}-wrong` } });
    expect(result.code).toBe(3);
    expect(leaks(result.stderr)).toEqual([]);
  });
});
