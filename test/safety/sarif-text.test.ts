// Issue 21 item 6, through a real audit: a path in the served OpenAPI document that holds Markdown (a
// link to a "fix") lands in SARIF message.text only as literal text, never as a link.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { auditEverything } from '../untrusted/audit.js';

const HOSTILE_PATH = '/x/[fix](https://evil.example/fix)';

describe('SARIF text from the target is inert (issue 21 item 6)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/openapi.json')
        return json(res, 200, {
          openapi: '3.0.3',
          info: { title: 't', version: '1' },
          paths: { [HOSTILE_PATH]: { get: { responses: { '200': { description: 'ok' } } } } },
        });
      // Open to anyone: the default-deny findings name the endpoint, path included.
      json(res, 200, { data: [] });
    });
  });
  afterAll(() => server.close());

  it('message.text holds the path escaped, its URL as a code span, and no Markdown link', async () => {
    const out = await auditEverything(
      `target: { baseUrl: "${server.url}" }\nendpoints:\n  - { path: /api/a }\nlimits: { requestsPerSecond: 5000, maxRequests: 300 }\nlatency: { samples: 2 }\n`,
      {},
      ['--output', 'r.sarif', '--only', 'default-deny'],
    );
    expect([0, 1], out.stderr).toContain(out.code);
    const sarif = JSON.parse(readFileSync(join(out.dir, 'r.sarif'), 'utf8'));
    const texts = (sarif.runs[0].results as Array<{ message: { text: string } }>).map((r) => r.message.text);
    const naming = texts.filter((text) => text.includes('evil.example'));
    expect(naming.length).toBeGreaterThan(0);
    for (const text of naming) {
      expect(text).toContain('\\[fix\\]');
      // Outside code spans (literal in Markdown), no link syntax is left.
      expect(text.replace(/`[^`\n]*`/g, '')).not.toMatch(/(?<!\\)\[[^\]]*\]\(/);
    }
  });
});
