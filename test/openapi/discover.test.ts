import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';

const TOKEN = 'Bearer discover-t0ken-1234';

/** The document a framework serves: it lists /api/admin/users, which the config below does not. */
const SPEC = {
  openapi: '3.0.3',
  info: { title: 'served', version: '1' },
  paths: {
    '/api/items': { get: { responses: { '200': { description: 'items' } } } },
    '/api/admin/users': { get: { responses: { '200': { description: 'every user' } } } },
  },
};

/** An API whose admin route answers anyone; `specAuth` puts its served document behind credentials. */
function api(options: { specAuth?: boolean; spec?: boolean } = {}) {
  return startServer((req, res) => {
    const authed = req.headers.authorization === TOKEN;
    if (req.url === '/openapi.json' && options.spec !== false)
      return options.specAuth && !authed ? json(res, 401, { error: 'unauthorized' }) : json(res, 200, SPEC);
    if (req.url?.startsWith('/api/admin/users')) return json(res, 200, [{ id: 1, email: 'root@example.com', role: 'admin' }]);
    if (req.url?.startsWith('/api/items')) return authed ? json(res, 200, [{ id: 1 }]) : json(res, 401, { error: 'unauthorized' });
    return json(res, 404, { error: 'not found' });
  });
}

function configDir(baseUrl: string, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-discover-'));
  writeFileSync(
    join(dir, 'target.yaml'),
    `target:\n  baseUrl: ${baseUrl}\nauth:\n  headers: { Authorization: "${TOKEN}" }\nendpoints:\n  - { path: /api/items }\n${extra}`,
  );
  return dir;
}

const audit = (dir: string, ...flags: string[]) =>
  runCli(['audit', '-c', 'target.yaml', '--only', 'auth-anonymous', '--format', 'json', '--no-progress', ...flags], { cwd: dir });
const adminFindings = (report: Report) => report.items.flatMap((i) => i.findings).filter((f) => f.endpoint === 'GET /api/admin/users');

describe('spec discovery: a served OpenAPI document is used when no --openapi is given', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  it('finds /openapi.json and fails the anonymous admin route the config does not list', async () => {
    const server = await api();
    servers.push(server);
    const result = await audit(configDir(server.url));
    const report = JSON.parse(result.stdout) as Report;
    expect(report.discovered).toEqual({ url: `${server.url}/openapi.json`, public: true });
    await expectSchemaValid(report);
    expect(report.notes.join('\n')).toContain(`OpenAPI document the target serves at ${server.url}/openapi.json`);
    expect(adminFindings(report).map((f) => `${f.id} ${f.status}`)).toContain('auth-anonymous/open fail');
    expect(result.code).toBe(1);
    // Found at the first path: one anonymous GET, no credentials needed.
    const discovery = server.requests.filter((r) => r.url === '/openapi.json');
    expect(discovery.map((r) => r.headers.authorization)).toEqual([undefined]);
  });

  it("finds Springfox's Swagger 2.0 at /v2/api-docs, converts it, and the report says so", async () => {
    const swagger = {
      swagger: '2.0',
      info: { title: 'springfox', version: '1' },
      paths: {
        '/api/items': { get: { produces: ['application/json'], responses: { '200': { description: 'items' } } } },
        '/api/admin/users': { get: { produces: ['application/json'], responses: { '200': { description: 'every user' } } } },
      },
    };
    const server = await startServer((req, res) => {
      if (req.url === '/v2/api-docs') return json(res, 200, swagger);
      if (req.url?.startsWith('/api/admin/users')) return json(res, 200, [{ id: 1, email: 'root@example.com', role: 'admin' }]);
      if (req.url?.startsWith('/api/items')) return req.headers.authorization === TOKEN ? json(res, 200, [{ id: 1 }]) : json(res, 401, {});
      return json(res, 404, { error: 'not found' });
    });
    servers.push(server);
    const report = JSON.parse((await audit(configDir(server.url))).stdout) as Report;
    expect(report.discovered).toEqual({ url: `${server.url}/v2/api-docs`, public: true });
    expect(report.notes).toContain(
      `the OpenAPI document ${server.url}/v2/api-docs was converted from Swagger 2.0 (swagger2openapi) before use`,
    );
    expect(adminFindings(report).map((f) => `${f.id} ${f.status}`)).toContain('auth-anonymous/open fail');
  });

  it('asks again with credentials when the document is behind auth, and says it was not public', async () => {
    const server = await api({ specAuth: true });
    servers.push(server);
    const report = JSON.parse((await audit(configDir(server.url))).stdout) as Report;
    expect(report.discovered).toEqual({ url: `${server.url}/openapi.json`, public: false });
    expect(adminFindings(report).length).toBeGreaterThan(0);
  });

  it('--no-discover and discover: false fetch nothing', async () => {
    const server = await api();
    servers.push(server);
    for (const [dir, flags] of [
      [configDir(server.url), ['--no-discover']],
      [configDir(server.url, 'discover: false\n'), []],
    ] as const) {
      const report = JSON.parse((await audit(dir, ...flags)).stdout) as Report;
      expect(report.discovered).toBeUndefined();
      expect(adminFindings(report)).toEqual([]);
    }
    expect(server.requests.filter((r) => SPEC_LIKE.test(r.url))).toEqual([]);
  });

  it('tries a handful of paths on the target only, and never another origin', async () => {
    const elsewhere = await startServer((_req, res) => json(res, 200, SPEC));
    // The target redirects every spec path to another origin that does serve one.
    const server = await startServer((req, res) => {
      if (SPEC_LIKE.test(req.url ?? '')) return res.writeHead(302, { location: `${elsewhere.url}${req.url}` }).end();
      return req.headers.authorization === TOKEN ? json(res, 200, [{ id: 1 }]) : json(res, 401, {});
    });
    servers.push(server, elsewhere);
    const report = JSON.parse((await audit(configDir(`${server.url}/v1`))).stdout) as Report;
    expect(report.discovered).toBeUndefined();
    expect(elsewhere.requests).toEqual([]);
    const tried = server.requests.filter((r) => SPEC_LIKE.test(r.url)).map((r) => r.url);
    expect(tried.slice(0, 4)).toEqual(['/v1/openapi.json', '/openapi.json', '/v1/openapi.yaml', '/openapi.yaml']);
    expect(tried.length).toBeLessThanOrEqual(12);
  });
});

const SPEC_LIKE = /openapi|swagger|api-docs|spec\.yaml/;

/** The report with its new `discovered` field still matches the shipped JSON Schema. */
async function expectSchemaValid(report: Report): Promise<void> {
  const { default: Ajv } = await import('ajv');
  const { default: addFormats } = await import('ajv-formats');
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')) as object);
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
}
