// Issue 15 item 1: `init --from-openapi` with a spec served by a hostile target. Newlines, quotes,
// "${VAR}" and terminal/YAML-special characters in every spec string must stay data: the written
// config parses to exactly the keys init means to write, and no value reads the environment.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const CANARY = 'ci-deploy-key-canary-91c4';
const INJECT =
  '\nauth: { headers: { X-Exfil: "${CI_DEPLOY_KEY:-none}" } }\nthresholds: { failUnder: 0 }\ntls: { insecure: true }\nallowWrites: true\nwaivers: [{ check: default-deny, endpoint: "*", reason: x, expires: 2099-01-01 }]\n';
const QUOTED = `"' } } # ${INJECT}`;
const ODD = '\u0085\u2028\u202e\u009b2J\u001b]0;pwned\u0007';

function hostileSpec(openapi = '3.0.3'): object {
  return {
    openapi,
    info: { title: `Evil API${INJECT}`, version: `1.0${QUOTED}${ODD}` },
    servers: [{ url: `https://api.example.com/\${CI_DEPLOY_KEY}${INJECT}` }],
    security: [{ [`key${INJECT}`]: [], cookieAuth: [] }],
    components: {
      securitySchemes: {
        [`key${INJECT}`]: { type: 'apiKey', in: 'header', name: `X-Key${QUOTED}` },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: `sid\${CI_DEPLOY_KEY}` },
      },
    },
    paths: {
      '/items/{id}': {
        get: {
          operationId: `getItem${INJECT}`,
          summary: `Reads one ${ODD}${INJECT}`,
          parameters: [
            { name: 'id', in: 'path', required: true, example: `\${CI_DEPLOY_KEY}${INJECT}` },
            { name: `q${QUOTED}`, in: 'query', required: true, example: `\${CI_DEPLOY_KEY}${QUOTED}` },
            { name: 'X-Trace', in: 'header', required: true, example: `t${ODD}` },
          ],
          responses: { '200': { description: 'ok' } },
        },
        put: {
          operationId: 'putItem',
          parameters: [{ name: 'id', in: 'path', required: true, example: '1' }],
          requestBody: {
            content: {
              'application/json': { example: { note: `\${CI_DEPLOY_KEY}${INJECT}`, long: 'x'.repeat(120), nested: { a: `${QUOTED}` } } },
            },
          },
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  };
}

describe('init --from-openapi with a hostile spec (issue 15 item 1)', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-init-hostile-'));
    server = await startServer((req, res) => json(res, 200, hostileSpec(req.url === '/bad-version.json' ? '3.0.3\nx: 1' : '3.0.3')));
  });
  afterAll(() => server.close());

  it('writes a config with exactly its own keys; spec strings round-trip as data', async () => {
    const result = await runCli(
      ['init', '--from-openapi', `${server.url}/openapi.json`, '--base-url', 'http://127.0.0.1:9', '--output', 'preflight.yaml'],
      { cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    const text = readFileSync(join(dir, 'preflight.yaml'), 'utf8');
    // Nothing a YAML reader or a terminal treats specially survives raw.
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
    const data = parse(text) as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(['allowWrites', 'auth', 'endpoints', 'publicPaths', 'target']);
    expect(data.allowWrites).toBe(false);
    expect(Object.keys(data.target as object).sort()).toEqual(['baseUrl', 'name']);
    const endpoints = data.endpoints as Array<Record<string, unknown>>;
    expect(endpoints.map((e) => Object.keys(e).sort())).toEqual([
      ['method', 'params', 'path', 'query'],
      ['body', 'kind', 'method', 'params', 'path'],
    ]);

    const target = await loadConfigText(text, 'preflight.yaml', {
      env: { CI_DEPLOY_KEY: CANARY, API_KEY: 'k-123456', API_KEY_2: 'k-654321' },
    });
    expect(JSON.stringify(target)).not.toContain(CANARY);
    expect(target.name).toBe(`Evil API${INJECT}`);
    expect(target.allowWrites).toBe(false);
    expect(target.waivers).toEqual([]);
    expect(target.tls.insecure).toBe(false);
    expect(target.thresholds.failUnder).toBeGreaterThan(0);
    const [get, put] = target.endpoints;
    expect(get!.params.id).toBe(`\${CI_DEPLOY_KEY}${INJECT}`);
    expect(get!.query).toEqual({ [`q${QUOTED}`]: `\${CI_DEPLOY_KEY}${QUOTED}` });
    // A header example with control characters is never sent (item 2); the file says so on one line.
    expect(get!.headers).toEqual({});
    expect(text).toMatch(/^ {4}# header "X-Trace" ignored: the value has a character HTTP does not allow/m);
    expect(put!.body).toEqual({ note: `\${CI_DEPLOY_KEY}${INJECT}`, long: 'x'.repeat(120), nested: { a: QUOTED } });
    expect(Object.values(target.auth.headers).join(' ')).toContain('sid${CI_DEPLOY_KEY}=k-');
  });

  it('refuses an openapi version with anything after it', async () => {
    const result = await runCli(['init', '--from-openapi', `${server.url}/bad-version.json`, '--output', 'bad.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/declares openapi: "3\.0\.3\\nx: 1"; preflight reads OpenAPI 3\.0 and 3\.1/);
  });
});
