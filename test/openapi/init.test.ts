import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { renderConfig } from '../../src/openapi/init.js';
import { initTarget, kinds } from './fixtures.js';

describe('preflight init: a config from an OpenAPI document', () => {
  it('turns the OAI petstore-expanded example into a config that loads', async () => {
    const { target, text } = await initTarget('petstore-expanded.yaml');
    expect(kinds(target)).toEqual({ 'GET /pets': 'list', 'POST /pets': 'write', 'GET /pets/{id}': 'read', 'DELETE /pets/{id}': 'write' });
    const list = target.endpoints[0]!;
    expect(list.pagination).toMatchObject({ limitParam: 'limit' });
    expect(list.pagination?.cursorParam).toBeUndefined();
    // The body comes from the NewPet schema (required: name); the id has no example: TODO, said so.
    expect(target.endpoints[1]!.body).toEqual({ name: expect.any(String) });
    expect(target.endpoints[2]!.params).toEqual({ id: 'TODO' });
    expect(text).toContain('params: { id: TODO }   # TODO: id: the spec gives no example; use an existing value');
    // No security in the spec: no auth, no allow-list, and the file says so.
    expect(target.auth).toEqual({ headers: {}, query: {}, identities: {} });
    expect(target.publicPaths).toEqual([]);
    expect(text).toContain('# The spec declares no security.');
    expect(target.baseUrl).toBe('http://petstore.swagger.io/api');
    expect(target.idempotency.verify).toBe('GET /pets');
    expect(target.allowWrites).toBe(false);
  });

  it.each(['petstore.json', 'petstore-3.1.yaml'])(
    'classifies Swagger Petstore (%s): lists, writes, auth from securitySchemes',
    async (file) => {
      const { target, text } = await initTarget(file);
      const byKind = (kind: string) => target.endpoints.filter((e) => e.kind === kind).map((e) => e.label);
      expect(byKind('list')).toEqual(['GET /pet/findByStatus', 'GET /pet/findByTags']);
      expect(byKind('write')).toHaveLength(12);
      expect(byKind('write')).toEqual(
        expect.arrayContaining(['POST /pet', 'PUT /pet', 'DELETE /pet/{petId}', 'POST /store/order', 'PUT /user/{username}']),
      );
      expect(byKind('read')).toEqual([
        'GET /pet/{petId}',
        'GET /store/inventory',
        'GET /store/order/{orderId}',
        'GET /user/login',
        'GET /user/logout',
        'GET /user/{username}',
      ]);
      // oauth2 (the scheme most operations use) becomes a bearer token from the environment.
      expect(target.auth.headers).toEqual({ Authorization: 'Bearer token-for-tests' });
      expect(text).toContain('Authorization: "Bearer ${API_TOKEN}"');
      // An enum gives a usable query value; a JSON body comes from the schema's examples.
      expect(target.endpoints.find((e) => e.label === 'GET /pet/findByStatus')?.query).toEqual({ status: 'available' });
      expect(target.endpoints.find((e) => e.label === 'POST /pet')?.body).toMatchObject({ name: 'doggie', photoUrls: expect.any(Array) });
      // A form body cannot be sent as JSON: none is set, and the file says why.
      expect(target.endpoints.find((e) => e.label === 'POST /pet/{petId}')?.body).toBeUndefined();
      expect(text).toContain("# body: the spec's body is application/x-www-form-urlencoded; preflight sends JSON bodies, so none is set");
      // No `security: []` anywhere, but operations without any requirement are pointed out.
      expect(target.publicPaths).toEqual([]);
      expect(text).toMatch(/# No security requirement in the spec \(add them here if anyone may call them\): POST \/store\/order, /);
    },
  );

  it('classifies the ReadMe API (the larger real-world spec): 54 operations, lists, async writes, public paths', async () => {
    const { target, text } = await initTarget('readme.json');
    expect(target.endpoints).toHaveLength(54);
    const byKind = (kind: string) => target.endpoints.filter((e) => e.kind === kind).map((e) => e.label);
    expect(byKind('list')).toHaveLength(12);
    expect(byKind('list')).toEqual(
      expect.arrayContaining([
        'GET /changelogs',
        'GET /branches',
        'GET /images',
        'GET /projects/{subdomain}/apikeys',
        'GET /branches/{branch}/categories/{section}',
        'GET /search',
        'GET /outbound_ips',
      ]),
    );
    // 202 Accepted is async; the rest of the state-changing operations are writes.
    expect(byKind('async')).toEqual(['POST /branches/{branch}/apis', 'PUT /branches/{branch}/apis/{filename}']);
    expect(byKind('write')).toHaveLength(29);
    // Single resources with array fields stay reads.
    expect(kinds(target)['GET /changelogs/{identifier}']).toBe('read');
    expect(target.endpoints.find((e) => e.label === 'GET /changelogs')?.pagination).toMatchObject({
      limitParam: 'per_page',
      maxLimit: 100,
      dataField: 'data',
    });
    expect(text).toContain('# pages with page too: the audit finds page/offset paging (page) by itself; pagination: here names cursors');
    expect(target.publicPaths).toEqual(['/apply', '/outbound_ips', '/validate/api']);
    expect(target.endpoints.filter((e) => e.public).map((e) => e.label)).toEqual([
      'GET /apply',
      'POST /apply',
      'GET /outbound_ips',
      'POST /validate/api',
    ]);
    expect(target.auth.headers).toEqual({ Authorization: 'Bearer token-for-tests' });
    expect(target.baseUrl).toBe('https://api.readme.com/v2');
  });

  it('writes the demo API spec as the hand-written demo config, plus the route it left out', async () => {
    const { target, text } = await initTarget('demo-api.yaml', { baseUrl: 'http://127.0.0.1:8080' });
    expect(
      target.endpoints.map((e) => ({ label: e.label, kind: e.kind, params: e.params, body: e.body, pagination: e.pagination })),
    ).toEqual([
      {
        label: 'GET /api/orders',
        kind: 'list',
        params: {},
        body: undefined,
        pagination: {
          limitParam: 'limit',
          cursorParam: 'cursor',
          cursorField: 'next_cursor',
          dataField: 'data',
          maxLimit: 100,
          idField: 'id',
          maxPages: 20,
        },
      },
      { label: 'POST /api/orders', kind: 'write', params: {}, body: { sku: 'A1', qty: 1 }, pagination: undefined },
      { label: 'GET /api/orders/{id}', kind: 'read', params: { id: 'ord_00001' }, body: undefined, pagination: undefined },
      { label: 'GET /api/reports/summary', kind: 'read', params: {}, body: undefined, pagination: undefined },
      { label: 'POST /api/imports', kind: 'async', params: {}, body: { source: 's3://demo/orders.csv' }, pagination: undefined },
      { label: 'GET /api/jobs/{id}', kind: 'read', params: { id: 'TODO' }, body: undefined, pagination: undefined },
    ]);
    expect(target.health).toBe('/health');
    expect(target.publicPaths).toEqual(['/health']);
    expect(target.idempotency.verify).toBe('GET /api/orders');
    expect(text).toContain('baseUrl: http://127.0.0.1:8080\n');
  });

  it('writes a config that loads for the circular-$ref spec', async () => {
    const { target } = await initTarget('circular-request-bodies.yaml');
    expect(target.endpoints.map((e) => e.kind)).toEqual(['write', 'write', 'write', 'write']);
    for (const endpoint of target.endpoints) expect(endpoint.body).toBeTypeOf('object');
  });

  it('puts ${API_BASE_URL} in the config when the spec has no absolute server URL', async () => {
    const { text, target } = await initTarget('petstore-expanded.yaml', { baseUrl: undefined, env: {} });
    expect(target.baseUrl).toBe('http://petstore.swagger.io/api');
    expect(text).not.toContain('API_BASE_URL');
    const starter = renderConfig({ outputName: 'preflight.yaml' });
    expect(starter.text).toContain('baseUrl: ${API_BASE_URL}');
    await expect(loadConfigText(starter.text, 'preflight.yaml', { env: { API_TOKEN: 't' } })).rejects.toThrow(
      'environment variable API_BASE_URL is not set',
    );
  });

  it('writes a starter config without a spec that loads and lists nothing yet', async () => {
    const written = renderConfig({ baseUrl: 'https://staging.example.com/v1', outputName: 'preflight.yaml' });
    const target = await loadConfigText(written.text, 'preflight.yaml', { env: { API_TOKEN: 't0ken' } });
    expect(target.baseUrl).toBe('https://staging.example.com/v1');
    expect(target.endpoints).toEqual([]);
    expect(target.publicPaths).toEqual(['/health']);
    expect(target.auth.headers).toEqual({ Authorization: 'Bearer t0ken' });
    expect(written.env.map((e) => e.name)).toEqual(['API_TOKEN']);
    expect(written.text).toContain('preflight init --from-openapi openapi.yaml --force');
  });
});
