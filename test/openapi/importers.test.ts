// Swagger 2.0 and Postman collections, each imported by `preflight init`, the config loaded, audited
// against a loopback server and searched for every secret the input held.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoEnv, type RunningServer } from '../../src/demo/common.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import { loadSpec } from '../../src/openapi/load.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { FIXTURES } from './fixtures.js';
import { importAndAudit } from './import-helpers.js';

const servers: Array<TestServer | RunningServer> = [];
afterAll(async () => {
  while (servers.length) await servers.pop()!.close();
});
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'preflight-import-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const labels = (target: { endpoints: Array<{ label: string; kind: string }> }) =>
  Object.fromEntries(target.endpoints.map((e) => [e.label, e.kind]));

/** An API that refuses anonymous calls and answers every authenticated GET/POST: enough for the audit to run. */
async function permissiveApi(token: string): Promise<TestServer> {
  const server = await startServer((req, res) => {
    const id = String(req.headers['x-request-id'] ?? 'req-1').slice(0, 64);
    if (req.headers.authorization !== `Bearer ${token}`)
      return json(res, 401, { error: { code: 'unauthorized', request_id: id } }, { 'x-request-id': id });
    json(res, 200, req.url?.includes('findBy') ? [] : { ok: true }, { 'x-request-id': id });
  });
  servers.push(server);
  return server;
}

describe('Swagger 2.0, converted in-process', () => {
  it('imports the published Swagger Petstore 2.0 (path, query and body parameters, securityDefinitions) and audits with it', async () => {
    copyFileSync(join(FIXTURES, 'swagger-2.0-petstore.json'), join(dir, 'petstore-v2.json'));
    const token = 'petstore-token-9f2c71';
    const server = await permissiveApi(token);
    const result = await importAndAudit(dir, ['--from-openapi', 'petstore-v2.json', '--base-url', server.url], {
      env: { API_TOKEN: token },
      // The document's description names its demo API key: descriptions are never copied into the config.
      secrets: [token, 'special-key'],
    });
    expect(result.text).toContain('# (Swagger Petstore 1.0.0, converted from Swagger 2.0 to OpenAPI 3.0.0): 20 operations.');
    expect(result.init.stdout).toMatch(/^wrote preflight\.yaml: 20 endpoint\(s\) from petstore-v2\.json \(converted from Swagger 2\.0\)/);
    const kinds = labels(result.target);
    expect(Object.keys(kinds)).toHaveLength(20);
    // query (an enum gives the value), path ({petId}, no example: TODO), body (from the definitions)
    expect(kinds['GET /pet/findByStatus']).toBe('list');
    const byLabel = (label: string) => result.target.endpoints.find((e) => e.label === label)!;
    expect(byLabel('GET /pet/findByStatus').query).toEqual({ status: 'available' });
    expect(byLabel('GET /pet/{petId}').params).toEqual({ petId: 'TODO' });
    expect(byLabel('POST /pet').body).toMatchObject({ name: 'doggie', photoUrls: expect.any(Array) });
    // securityDefinitions (oauth2 petstore_auth, the one most operations use) became the auth block.
    expect(result.text).toContain('Authorization: "Bearer ${API_TOKEN}"');
    expect(result.target.auth.headers.Authorization).toBe(`Bearer ${token}`);
    // The audit's report says where its endpoints came from only through the config: it ran on the loopback server.
    expect(server.requests.length).toBeGreaterThan(0);
  }, 60_000);

  it('audit --openapi reads Swagger 2.0 too, and the report says it was converted', async () => {
    copyFileSync(join(FIXTURES, 'swagger-2.0-petstore.json'), join(dir, 'petstore-v2.json'));
    const token = 'petstore-token-31aa0e';
    const server = await permissiveApi(token);
    writeFileSync(
      join(dir, 'target.yaml'),
      `target: { name: pets, baseUrl: "${server.url}" }\nauth: { headers: { Authorization: "Bearer \${API_TOKEN}" } }\nendpoints: [{ path: /store/inventory }]\n`,
    );
    const audit = await runCli(
      ['audit', '-c', 'target.yaml', '--openapi', 'petstore-v2.json', '--only', 'request-id', '--max-requests', '60', '--format', 'json'],
      { cwd: dir, env: { API_TOKEN: token } },
    );
    expect([0, 1], audit.stderr).toContain(audit.code);
    expect(JSON.parse(audit.stdout).notes).toContain(
      'the OpenAPI document petstore-v2.json was converted from Swagger 2.0 (swagger2openapi) before use',
    );
  }, 60_000);

  it("turns the converter's warnings into one line each, and a document it cannot convert into exit 2 with the reason", async () => {
    writeFileSync(
      join(dir, 'two-bodies.json'),
      JSON.stringify({
        swagger: '2.0',
        info: { title: 'T', version: '1' },
        paths: {
          '/a': {
            post: {
              parameters: [
                { in: 'body', name: 'b', schema: { type: 'object' } },
                { in: 'body', name: 'c', schema: { type: 'object' } },
                { in: 'query', name: 'q', required: true },
              ],
              responses: { 200: { description: 'ok' } },
            },
          },
        },
      }),
    );
    const spec = await loadSpec('two-bodies.json', { cwd: dir });
    expect(spec.convertedFrom).toBe('Swagger 2.0');
    expect(spec.warnings).toEqual([
      'Swagger 2.0 converter: Operation post:/a has multiple requestBodies',
      'the Swagger 2.0 converter repaired 1 problem(s) in the document',
    ]);
    // No converter marker is left in the document the planner reads.
    expect(JSON.stringify(spec.document)).not.toContain('x-s2o-warning');

    writeFileSync(
      join(dir, 'clash.json'),
      JSON.stringify({
        swagger: '2.0',
        info: { title: 'T', version: '1' },
        securityDefinitions: { 'a b': { type: 'basic' }, a_b: { type: 'basic' } },
        paths: {},
      }),
    );
    const refused = await runCli(['init', '--from-openapi', 'clash.json', '-o', '-'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'preflight: clash.json: is a Swagger 2.0 document that could not be converted to OpenAPI 3: Duplicate sanitised securityScheme name a_b\n',
    );
  });
});

it('preflight init --help shows one example of each input', async () => {
  const help = await runCli(['init', '--help']);
  for (const flag of ['--from-openapi openapi.yaml', '--from-postman ', '--from-har '])
    expect(help.stdout).toContain(`preflight init ${flag}`);
});

describe('Postman collections', () => {
  it("imports a collection made by Postman's own converter (openapi-to-postmanv2) from the demo API's spec, and audits the demo API with it", async () => {
    // The collection is produced here, by the converter Postman ships, from the committed OpenAPI document.
    const converter = createRequire(import.meta.url)('openapi-to-postmanv2') as {
      convert(input: { type: 'string'; data: string }, options: object, done: (error: unknown, result: ConverterResult) => void): void;
    };
    const converted = await new Promise<ConverterResult>((resolve, reject) =>
      converter.convert(
        { type: 'string', data: readFileSync(join(FIXTURES, 'demo-api.yaml'), 'utf8') },
        { folderStrategy: 'Tags' },
        (e, r) => (e ? reject(e) : resolve(r)),
      ),
    );
    expect(converted.result, converted.reason).toBe(true);
    writeFileSync(join(dir, 'demo.postman_collection.json'), JSON.stringify(converted.output[0]!.data));

    const api = await startFixedApi();
    servers.push(api);
    const token = demoEnv(api.url).DEMO_TOKEN!;
    // The converter names the token {{bearerToken}}; a Postman environment holds its value, marked secret.
    writeFileSync(
      join(dir, 'staging.postman_environment.json'),
      JSON.stringify({
        name: 'staging',
        values: [
          { key: 'baseUrl', value: api.url, enabled: true },
          { key: 'bearerToken', value: token, type: 'secret', enabled: true },
        ],
      }),
    );
    const result = await importAndAudit(
      dir,
      ['--from-postman', 'demo.postman_collection.json', '--postman-environment', 'staging.postman_environment.json'],
      { env: { API_TOKEN: token }, secrets: [token] },
    );
    expect(result.target.baseUrl).toBe(api.url);
    expect(labels(result.target)).toEqual({
      'GET /api/orders': 'list',
      'POST /api/orders': 'write',
      'GET /api/orders/{id}': 'read',
      'GET /api/reports/summary': 'read',
      'POST /api/imports': 'async',
      'GET /api/jobs/{id}': 'read',
    });
    expect(result.target.health).toBe('/health');
    expect(result.target.endpoints[0]!.pagination).toMatchObject({ limitParam: 'limit', cursorParam: 'cursor', dataField: 'data' });
    expect(result.text).toContain('Authorization: "Bearer ${API_TOKEN}"');
    expect(result.init.stderr).toContain('{{bearerToken}} hold credentials: their values are not written');
    // Real requests reached the demo API, authenticated with the token from the environment.
    expect(JSON.parse(result.report).items.find((i: { id: string }) => i.id === 'default-deny').status).not.toBe('error');
  }, 60_000);

  it('imports a hand-written collection: folders, variables, :params, collection and folder auth, No Auth, an environment with secrets', async () => {
    const token = 'tok-live-5b9e1c0d';
    const apiKey = 'key-live-77aa31f2';
    const collectionSecret = 'collection-default-token-000111';
    const seen: string[] = [];
    const server = await startServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''} ${req.headers['x-api-key'] ?? ''}`);
      const id = 'rid-1';
      if (req.url === '/v1/status') return json(res, 200, { ok: true }, { 'x-request-id': id });
      const authed = req.headers.authorization === `Bearer ${token}`;
      if (!authed) return json(res, 401, { error: 'unauthorized' }, { 'x-request-id': id });
      json(res, 200, req.url?.startsWith('/v1/orders?') ? { data: [], next_cursor: null } : { id: 'ord_1' }, { 'x-request-id': id });
    });
    servers.push(server);
    const collection = {
      info: { name: 'Shop API', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] },
      variable: [
        { key: 'baseUrl', value: 'https://shop.example.com/v1' },
        { key: 'accessToken', value: collectionSecret },
        { key: 'orderId', value: 'ord_1' },
      ],
      item: [
        {
          name: 'Orders',
          item: [
            {
              name: 'List orders',
              request: { method: 'GET', url: '{{baseUrl}}/orders?limit=10&cursor=' },
              response: [{ name: 'ok', code: 200, body: '{"data":[{"id":"ord_1"}],"next_cursor":"c2"}' }],
            },
            {
              name: 'Get order',
              request: {
                method: 'GET',
                url: {
                  raw: '{{baseUrl}}/orders/:id',
                  host: ['{{baseUrl}}'],
                  path: ['orders', ':id'],
                  variable: [{ key: 'id', value: '{{orderId}}' }],
                },
              },
            },
            {
              name: 'Create order',
              request: {
                method: 'POST',
                url: '{{baseUrl}}/orders',
                header: [{ key: 'Content-Type', value: 'application/json' }],
                body: { mode: 'raw', raw: '{"sku":"A1","qty":{{qty}},"note":"first"}', options: { raw: { language: 'json' } } },
              },
            },
          ],
        },
        {
          name: 'Admin',
          auth: {
            type: 'apikey',
            apikey: [
              { key: 'key', value: 'X-Api-Key' },
              { key: 'value', value: '{{adminKey}}' },
              { key: 'in', value: 'header' },
            ],
          },
          item: [{ name: 'Audit log', request: { method: 'GET', url: '{{baseUrl}}/admin/audit/{{orderId}}' } }],
        },
        { name: 'Status', request: { method: 'GET', url: '{{baseUrl}}/status', auth: { type: 'noauth' } } },
      ],
    };
    writeFileSync(join(dir, 'shop.json'), JSON.stringify(collection));
    writeFileSync(
      join(dir, 'env.json'),
      JSON.stringify({
        values: [
          { key: 'baseUrl', value: `${server.url}/v1`, enabled: true },
          { key: 'accessToken', value: token, type: 'secret', enabled: true },
          { key: 'adminKey', value: apiKey, type: 'default', enabled: true },
          { key: 'qty', value: '2', enabled: true },
        ],
      }),
    );
    const result = await importAndAudit(dir, ['--from-postman', 'shop.json', '--postman-environment', 'env.json'], {
      env: { API_TOKEN: token },
      secrets: [token, apiKey, collectionSecret],
    });
    expect(result.target.baseUrl).toBe(`${server.url}/v1`);
    expect(labels(result.target)).toEqual({
      'GET /orders': 'list',
      'GET /orders/{id}': 'read',
      'POST /orders': 'write',
      'GET /admin/audit/{orderId}': 'read',
      'GET /status': 'read',
    });
    const byLabel = (label: string) => result.target.endpoints.find((e) => e.label === label)!;
    expect(byLabel('GET /orders/{id}').params).toEqual({ id: 'ord_1' });
    expect(byLabel('GET /admin/audit/{orderId}').params).toEqual({ orderId: 'ord_1' });
    expect(byLabel('POST /orders').body).toEqual({ sku: 'A1', qty: 2, note: 'first' });
    expect(byLabel('GET /orders').pagination).toMatchObject({
      limitParam: 'limit',
      cursorParam: 'cursor',
      cursorField: 'next_cursor',
      dataField: 'data',
    });
    // Folders are kept as the endpoint's comment (the config has no tags key); No Auth is the allow-list.
    expect(result.text).toContain('  # Orders: Create order\n  - method: POST');
    expect(result.text).toContain('  # Admin: Audit log\n');
    expect(result.target.publicPaths).toEqual(['/status']);
    expect(result.text).toContain('Authorization: "Bearer ${API_TOKEN}"');
    expect(result.init.stdout).toContain('set API_TOKEN: a bearer token (was {{accessToken}})');
    expect(result.init.stderr).toMatch(/variable\(s\) \{\{accessToken\}\}, \{\{adminKey\}\} hold credentials/);
    expect(seen.some((line) => line.startsWith('GET /v1/orders'))).toBe(true);
  }, 60_000);

  it('a {{baseUrl}} with no value anywhere becomes ${API_BASE_URL}, and init says to set it', async () => {
    const collection = {
      info: { name: 'No base', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [{ name: 'List', request: { method: 'GET', url: '{{baseUrl}}/things' } }],
    };
    writeFileSync(join(dir, 'nobase.json'), JSON.stringify(collection));
    const result = await runCli(['init', '--from-postman', 'nobase.json', '-o', '-'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('  baseUrl: ${API_BASE_URL}   # set API_BASE_URL, or write the URL here');
    expect(result.stderr).toContain("set API_BASE_URL: the API's base URL (staging, not production)");
  });

  it('refuses a file that is not a v2.0/v2.1 collection with one line', async () => {
    writeFileSync(join(dir, 'v1.json'), JSON.stringify({ id: 'x', name: 'old', requests: [] }));
    const result = await runCli(['init', '--from-postman', 'v1.json', '-o', '-'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'preflight: v1.json: is not a Postman Collection v2.0 or v2.1 (no info.schema naming one) (export it from Postman with Export → Collection v2.1)\n',
    );
  });
});

interface ConverterResult {
  result: boolean;
  reason?: string;
  output: Array<{ type: string; data: unknown }>;
}

describe('hostile inputs: a HAR or a collection is as untrusted as a served spec', () => {
  const ENV = { HOME: 'leaked-home', CI_TOKEN: 'leaked-ci-token', API_TOKEN: 'placeholder-token', API_KEY: 'placeholder-key' };
  const INJECTED = '\nallowWrites: true\n# ';

  async function expectInert(args: string[]): Promise<void> {
    const init = await runCli(['init', ...args, '-o', 'preflight.yaml', '--force'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    const text = readFileSync(join(dir, 'preflight.yaml'), 'utf8');
    expect(text).not.toMatch(/^allowWrites: true/m);
    const { loadConfigFile } = await import('../../src/config/load.js');
    const target = await loadConfigFile(join(dir, 'preflight.yaml'), { env: ENV, cwd: dir });
    expect(target.allowWrites).toBe(false);
    // No ${VAR} from the input reads the environment: the values stay as written.
    expect(JSON.stringify(target)).not.toMatch(/leaked-/);
    for (const output of [init.stdout, init.stderr]) expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  }

  it('a HAR with ${VARS}, line breaks and bad header names in its URLs, bodies and creator', async () => {
    const entry = (url: string, extra: Record<string, unknown> = {}) => ({
      request: { method: 'GET', url, headers: [{ name: 'X-Api-Token${HOME}', value: 'tok-abcdefgh' }], ...extra },
      response: { status: 200, content: { mimeType: 'application/json', text: '{"items":[]}' } },
    });
    const har = {
      log: {
        version: '1.2',
        creator: { name: `evil${INJECTED}`, version: '\u001b[31m1' },
        entries: [
          entry('http://127.0.0.1:9/api/x%0Aevil/${HOME}?q=${CI_TOKEN}&note=%0AallowWrites:%20true'),
          entry('http://127.0.0.1:9/api/items', {
            method: 'POST',
            postData: { mimeType: 'application/json', text: JSON.stringify({ a: `\${CI_TOKEN}${INJECTED}`, b: '\u2028x' }) },
          }),
        ],
      },
    };
    writeFileSync(join(dir, 'evil.har'), JSON.stringify(har));
    await expectInert(['--from-har', 'evil.har']);
  });

  it('a collection with ${VARS} and line breaks in its names, variables, bodies and auth key name', async () => {
    const collection = {
      info: { name: `evil${INJECTED}`, schema: 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json' },
      auth: { type: 'apikey', apikey: { key: 'X-Key${HOME}\nallowWrites: true', value: '{{k}}', in: 'header' } },
      variable: [
        { key: 'base', value: 'http://127.0.0.1:9' },
        { key: 'v', value: '${CI_TOKEN}' },
      ],
      item: [
        {
          name: `folder${INJECTED}`,
          item: [
            {
              name: `req${INJECTED}`,
              request: {
                method: 'POST',
                url: '{{base}}/items/{{v}}?x={{v}}',
                body: { mode: 'raw', raw: '{"a":"{{v}}","b":"${HOME}\\nallowWrites: true"}' },
              },
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'evil.postman.json'), JSON.stringify(collection));
    await expectInert(['--from-postman', 'evil.postman.json']);
  });
});

describe('HAR details (hand-made recordings)', () => {
  it('collapses ids into templates and leaves named segments alone', async () => {
    const { templateOf } = await import('../../src/openapi/har.js');
    expect(templateOf('/orders/123')).toEqual({ path: '/orders/{id}', examples: { id: '123' } });
    expect(templateOf('/v1/users/3f2b9c1e-8a7d-4e6f-9b0a-1c2d3e4f5a6b/orders/ord_8f3k2')).toEqual({
      path: '/v1/users/{userId}/orders/{id}',
      examples: { userId: '3f2b9c1e-8a7d-4e6f-9b0a-1c2d3e4f5a6b', id: 'ord_8f3k2' },
    });
    expect(templateOf('/api/users/me/settings').path).toBe('/api/users/me/settings');
    expect(templateOf('/api/oauth2/sha256/v2').path).toBe('/api/oauth2/sha256/v2');
    expect(templateOf('/files/a8Zk29xQ0pL').path).toBe('/files/{id}');
    expect(templateOf('/blobs/5e884898da280471').path).toBe('/blobs/{id}');
  });

  it('leaves out CORS preflights, static assets, other origins and routes that only ever answered 404', async () => {
    const { readHar } = await import('../../src/openapi/har.js');
    const entry = (method: string, url: string, status: number, mimeType = 'application/json') => ({
      request: { method, url, headers: [] },
      response: { status, content: { mimeType, text: mimeType.includes('json') ? '{"id":1}' : 'x' } },
    });
    writeFileSync(
      join(dir, 'mixed.har'),
      JSON.stringify({
        log: {
          version: '1.2',
          entries: [
            entry('GET', 'https://app.example.com/', 200, 'text/html'),
            entry('GET', 'https://app.example.com/static/main.3f2a.js', 200, 'application/javascript'),
            entry('OPTIONS', 'https://app.example.com/api/orders', 204, 'text/plain'),
            entry('GET', 'https://app.example.com/api/orders/7', 200),
            entry('GET', 'https://app.example.com/api/orders/8', 404),
            entry('GET', 'https://app.example.com/api/gone', 404),
            entry('GET', 'https://fonts.example.net/font.woff2', 200, 'font/woff2'),
          ],
        },
      }),
    );
    const api = readHar('mixed.har', { cwd: dir });
    expect(api.server).toBe('https://app.example.com');
    expect(api.operations.map((op) => `${op.method} ${op.path} ${op.pathExamples.id ?? ''}`)).toEqual([
      'GET /api/orders/{id} 7',
      'GET /api/orders/{id} 8',
    ]);
    expect(api.warnings).toContain('left out, every recorded call answered 404: GET /api/gone');
  });
});
