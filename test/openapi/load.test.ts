import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpecError } from '../../src/config/errors.js';
import { loadSpec } from '../../src/openapi/load.js';
import { planImport } from '../../src/openapi/import-plan.js';
import { startServer, type TestServer } from '../helpers/servers.js';
import { FIXTURES } from './fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'preflight-openapi-'));
function write(name: string, text: string): string {
  writeFileSync(join(scratch, name), text);
  return name;
}
const load = (file: string, cwd = FIXTURES) => loadSpec(file, { cwd });

describe('loading OpenAPI documents', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  it.each([
    ['petstore-expanded.yaml', '3.0.0', 'Swagger Petstore', 2],
    ['petstore.json', '3.0.0', 'Swagger Petstore', 14],
    ['petstore-3.1.yaml', '3.1.0', 'Swagger Petstore', 14],
    ['readme.json', '3.1.0', 'ReadMe API', 28],
    ['demo-api.yaml', '3.1.0', 'orders-api (demo)', 6],
  ])('reads %s (OpenAPI %s) with every $ref resolved', async (file, openapi, title, paths) => {
    const spec = await load(file);
    expect(spec.openapi).toBe(openapi);
    expect(spec.title).toBe(title);
    expect(Object.keys(spec.document.paths ?? {})).toHaveLength(paths);
    // Dereferenced: no $ref is left anywhere (these documents have no circular ones).
    expect(JSON.stringify(spec.document)).not.toContain('"$ref"');
  });

  it('reads a document with circular $refs without looping, leaving only the cycles as $ref', async () => {
    const spec = await load('circular-request-bodies.yaml');
    const text = JSON.stringify(spec.document); // would throw on a cyclic object
    expect(text).toContain('"$ref":"#/components/schemas/TreeNode"');
    const plan = planImport(spec);
    expect(plan.operations.map((op) => `${op.method} ${op.path} ${op.kind}`)).toEqual([
      'POST /direct write',
      'POST /indirect write',
      'POST /polymorphic write',
      'POST /multiple write',
    ]);
    // A body is still built from the (self-referencing) schemas.
    expect(plan.operations.find((op) => op.path === '/direct')?.body).toMatchObject({ id: expect.any(String), name: expect.any(String) });
  });

  it('converts Swagger 2.0 to OpenAPI 3.0 on reading, and refuses other Swagger versions', async () => {
    const spec = await load('swagger-2.0-petstore.json');
    expect(spec.convertedFrom).toBe('Swagger 2.0');
    expect(spec.openapi).toBe('3.0.0');
    expect(spec.document.servers?.[0]?.url).toBe('http://petstore.swagger.io/v2');
    const file = write('swagger-1.2.json', JSON.stringify({ swagger: '1.2', info: { title: 'T', version: '1' }, paths: {} }));
    const error = await load(file, scratch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as Error).message).toBe('swagger-1.2.json: declares swagger: "1.2"; preflight reads Swagger 2.0 and OpenAPI 3.0 and 3.1');
  });

  it('says which $ref cannot be resolved', async () => {
    const file = write(
      'missing-ref.yaml',
      'openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths:\n  /things:\n    get:\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: "#/components/schemas/Thing" }\n',
    );
    await expect(load(file, scratch)).rejects.toThrow(
      /^missing-ref\.yaml: has a \$ref that cannot be resolved: Missing \$ref pointer "#\/components\/schemas\/Thing"/,
    );
  });

  it('points at the line of a YAML syntax error, in one line', async () => {
    const file = write('bad-syntax.yaml', 'openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths:\n  /things:\n    get: [unclosed\n');
    const error = (await load(file, scratch).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toMatch(/^bad-syntax\.yaml: is not valid JSON or YAML \(line \d+\): /);
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['not-openapi.yaml', 'name: my-service\nreplicas: 3\n', 'is not an OpenAPI document (no openapi: key)'],
    [
      'openapi-4.yaml',
      'openapi: 4.0.0\ninfo: { title: T, version: "1" }\npaths: {}\n',
      'declares openapi: "4.0.0"; preflight reads OpenAPI 3.0 and 3.1',
    ],
    ['list.yaml', '- a\n- b\n', 'is not an OpenAPI document'],
  ])('refuses %s', async (name, text, message) => {
    await expect(load(write(name, text), scratch)).rejects.toThrow(message);
  });

  it('says when the file is not there', async () => {
    await expect(load('nope.yaml')).rejects.toThrow('nope.yaml: OpenAPI file not found (check the path, or give an http(s) URL)');
  });

  it('imports a document that breaks schema rules, with a warning naming the first problem', async () => {
    const file = write(
      'no-description.yaml',
      'openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths:\n  /things:\n    get:\n      responses:\n        "200": { content: { application/json: { schema: { type: array, items: { type: string } } } } }\n',
    );
    const spec = await load(file, scratch);
    expect(spec.warnings).toHaveLength(1);
    expect(spec.warnings[0]).toMatch(
      /^does not validate against OpenAPI 3\.0\.3 \(1 problem\(s\); first: .*description.*\); imported what could be read$/,
    );
    expect(planImport(spec).operations[0]).toMatchObject({ method: 'GET', path: '/things', kind: 'list' });
  });

  it('does not follow a $ref to a URL from a file (importing a spec makes no requests)', async () => {
    const server = await startServer((_req, res) => res.end('openapi: 3.0.3'));
    servers.push(server);
    const file = write(
      'remote-ref.yaml',
      `openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths:\n  /things:\n    get:\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: "${server.url}/thing.yaml" }\n`,
    );
    await expect(load(file, scratch)).rejects.toThrow(/has a \$ref that cannot be resolved/);
    expect(server.requests).toHaveLength(0);
  });

  it('fetches a spec by URL with one GET', async () => {
    const text = readFileSync(join(FIXTURES, 'petstore-expanded.yaml'), 'utf8');
    const server = await startServer((req, res) =>
      req.url === '/openapi.yaml' ? res.writeHead(200, { 'content-type': 'application/yaml' }).end(text) : res.writeHead(404).end(),
    );
    servers.push(server);
    const spec = await loadSpec(`${server.url}/openapi.yaml`, { cwd: scratch });
    expect(spec.title).toBe('Swagger Petstore');
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /openapi.yaml']);
  });

  it('follows a same-origin redirect but not one to another origin', async () => {
    const text = readFileSync(join(FIXTURES, 'petstore-expanded.yaml'), 'utf8');
    const elsewhere = await startServer((_req, res) => res.writeHead(200).end(text));
    const server = await startServer((req, res) => {
      if (req.url === '/docs') return res.writeHead(302, { location: '/openapi.yaml' }).end();
      if (req.url === '/moved') return res.writeHead(302, { location: `${elsewhere.url}/openapi.yaml` }).end();
      res.writeHead(200).end(text);
    });
    servers.push(server, elsewhere);
    expect((await loadSpec(`${server.url}/docs`, { cwd: scratch })).title).toBe('Swagger Petstore');
    await expect(loadSpec(`${server.url}/moved`, { cwd: scratch })).rejects.toThrow(
      /could not be fetched: redirected to another origin \(http:\/\/127\.0\.0\.1:\d+\), not followed/,
    );
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('reports an HTTP error status and refuses a URL off the required origin without sending anything', async () => {
    const server = await startServer((_req, res) => res.writeHead(404).end('no'));
    servers.push(server);
    await expect(loadSpec(`${server.url}/openapi.json`, { cwd: scratch })).rejects.toThrow(/could not be fetched: answered HTTP 404/);
    await expect(loadSpec(`${server.url}/openapi.json`, { cwd: scratch, requireOrigin: 'http://127.0.0.1:1' })).rejects.toThrow(
      /is not on the target's origin \(http:\/\/127\.0\.0\.1:1\)/,
    );
    expect(server.requests).toHaveLength(1);
  });
});
