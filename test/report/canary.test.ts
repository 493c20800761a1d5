// A canary credential, echoed back by the target in bodies, headers and cookies, must never appear
// in any format: the HTTP client redacts it before anything is recorded, and every renderer only
// reads the recorded report. This runs a real audit against a loopback server that leaks on purpose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS, render } from '../../src/report/render.js';
import { runAudit } from '../../src/runner/run.js';
import { startServer, type TestServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

const CANARY = 'canary-7c1f9e2b4d6a8e0f';

const config = `
auth:
  headers: { Authorization: "Bearer \${CANARY_TOKEN}" }
  query: { api_key: "\${CANARY_TOKEN}" }
endpoints:
  - { path: /api/items }
`;

describe('a canary secret never appears in any format', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Echoes the request (so the credential comes back) everywhere a report might copy it from.
    server = await startServer((req, res) => {
      const body = JSON.stringify({ url: req.url, headers: req.headers, debug: `token=${req.headers.authorization ?? 'none'}` });
      const status = req.url?.startsWith('/api/items') ? (req.headers.authorization ? 200 : 401) : 404;
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-echo-auth': String(req.headers.authorization ?? ''),
        'set-cookie': `session=${CANARY}; HttpOnly`,
      });
      res.end(body);
    });
  });
  afterAll(() => server.close());

  it('terminal, JSON, Markdown, HTML and JUnit', async () => {
    const report = await runAudit(await targetFor(server.url, config, { CANARY_TOKEN: CANARY }), { only: ['request-id'] });
    const json = await render(report, 'json', { color: false, verbose: true });
    // The leak really happened and was recorded, redacted: otherwise this test would prove nothing.
    expect(json).toContain('"x-echo-auth": "***"');
    expect(json).toContain('token=***');
    expect(json).toMatch(/api_key=\*\*\*/);
    expect(json).toContain('${CANARY_TOKEN}');
    for (const format of FORMATS) {
      for (const verbose of [false, true]) {
        const out = await render(report, format, { color: false, verbose });
        expect(out.length, format).toBeGreaterThan(500);
        expect(out, `${format}${verbose ? ' --verbose' : ''}`).not.toContain(CANARY);
        // Nor a recognisable piece of it (a cut excerpt must not leave half a token behind).
        expect(out, format).not.toContain(CANARY.slice(0, 12));
      }
    }
  });
});
