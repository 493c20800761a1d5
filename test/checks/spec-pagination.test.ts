import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/spec-pagination.js';
import { loadSpec } from '../../src/openapi/load.js';
import { mergeSpec } from '../../src/openapi/merge.js';
import { planImport } from '../../src/openapi/plan.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';
import { FIXTURES } from '../openapi/fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'preflight-spec-pagination-'));

/** A target for a loopback server, with the spec's operations merged in as `audit --openapi` does. */
async function targetWithSpec(url: string, specFile: string, cwd = FIXTURES, yaml = '') {
  const spec = await loadSpec(specFile, { cwd });
  return mergeSpec(await targetFor(url, yaml), planImport(spec)).target;
}

/** A one-list spec whose 200 response is `schema`, with extra parameters and response headers. */
function listSpec(name: string, schema: string, extra: { params?: string; headers?: string } = {}): string {
  writeFileSync(
    join(scratch, name),
    `openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /api/things:
    get:
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
${extra.params ?? ''}      responses:
        "200":
          description: ok
${extra.headers ?? ''}          content:
            application/json:
              schema: ${schema}
`,
  );
  return name;
}

describe('spec-pagination check', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });
  const recording = async (): Promise<TestServer> => {
    const server = await startServer((_req, res) => json(res, 200, []));
    servers.push(server);
    return server;
  };

  it('passes the demo API, whose documented list has next_cursor and a cursor parameter, without sending anything', async () => {
    const api = await startFixedApi();
    servers.push(api);
    const target = await targetWithSpec(api.url, 'demo-api.yaml');
    const { findings, http } = await runCheck(check, target);
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.endpoint).toBe('GET /api/orders');
    expect(findings[0]!.message).toBe('GET /api/orders: the spec documents paging (response field next_cursor; parameter cursor)');
    expect(http.stats().requests).toBe(0);
  });

  it('fails the OAI petstore, whose GET /pets is a bare array with only a limit', async () => {
    const server = await recording();
    const { findings } = await runCheck(check, await targetWithSpec(server.url, 'petstore-expanded.yaml'));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toBe(
      "GET /pets: the spec's 200 response (a bare array) has no cursor, next link, page or total field, no paging header and no page/cursor parameter: clients cannot reach the second page",
    );
    expect(findings[0]!.data).toEqual({ source: 'petstore-expanded.yaml#/paths/~1pets/get' });
    expect(server.requests).toHaveLength(0);
  });

  it('fails an object body whose only array has no paging beside it', async () => {
    const server = await recording();
    const spec = listSpec('wrapped.yaml', '{ type: object, properties: { data: { type: array, items: { type: object } }, count_of_page: { type: integer } } }');
    const { findings } = await runCheck(check, await targetWithSpec(server.url, spec, scratch));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toContain('(an object) has no cursor');
  });

  it.each([
    ['a Link header', { headers: '          headers: { Link: { schema: { type: string } } }\n' }, '{ type: array, items: { type: object } }', 'header Link'],
    ['a page parameter', { params: '        - { name: page, in: query, schema: { type: integer } }\n' }, '{ type: array, items: { type: object } }', 'parameter page'],
    ['links.next in the body', {}, '{ type: object, properties: { items: { type: array, items: { type: object } }, links: { type: object, properties: { next: { type: string } } } } }', 'response field links.next'],
    ['a has_more flag', {}, '{ type: object, properties: { data: { type: array, items: { type: object } }, has_more: { type: boolean } } }', 'response field has_more'],
  ])('passes a list documented with %s', async (_what, extra, schema, how) => {
    const server = await recording();
    const spec = listSpec(`paged-${how.replace(/\W+/g, '-')}.yaml`, schema, extra);
    const { findings } = await runCheck(check, await targetWithSpec(server.url, spec, scratch));
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.message).toContain(how);
  });

  it('runs only on list endpoints that came with a spec (a hand-written config has none)', async () => {
    const server = await recording();
    const target = await targetFor(server.url, 'endpoints:\n  - { path: /api/things, kind: list }\n');
    expect(check.applies(target)).toBe('not-applicable');
    // The config's own list gains the spec's facts when the spec describes the same route.
    const merged = await targetWithSpec(server.url, listSpec('same.yaml', '{ type: array, items: { type: object } }'), scratch, 'endpoints:\n  - { path: /api/things, kind: list, pagination: { limitParam: limit, maxLimit: 50 } }\n');
    expect(check.applies(merged)).toEqual([expect.objectContaining({ label: 'GET /api/things' })]);
    expect(merged.endpoints[0]!.pagination?.maxLimit).toBe(50);
  });
});
