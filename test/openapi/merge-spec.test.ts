import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeSpec } from '../../src/openapi/merge-spec.js';
import type { Report } from '../../src/report/types.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';
import { FIXTURES, planFor } from './fixtures.js';

describe('audit --openapi: the spec merged into the config at run time', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  it('adds every operation the config leaves out; the config wins where both speak', async () => {
    const config = await targetFor(
      'http://127.0.0.1:9',
      `publicPaths: [/status]
endpoints:
  - { method: POST, path: /api/orders, kind: write, body: { sku: Z9, qty: 2 } }
  - { method: GET, path: "/api/orders/{orderId}", params: { orderId: ord_00002 } }
`,
    );
    const { target, added, placeholders } = mergeSpec(config, await planFor('demo-api.yaml'));

    // The config's endpoints keep their values ({orderId} and {id} are the same route) and gain the spec's facts.
    expect(target.endpoints[0]).toMatchObject({
      label: 'POST /api/orders',
      body: { sku: 'Z9', qty: 2 },
      spec: { operationId: 'createOrder' },
    });
    expect(target.endpoints[1]).toMatchObject({
      label: 'GET /api/orders/{orderId}',
      params: { orderId: 'ord_00002' },
      spec: { operationId: 'getOrder' },
    });
    // Everything else in the spec is added; /health becomes the health endpoint instead.
    expect(added.map((e) => `${e.label} ${e.kind}`)).toEqual([
      'GET /api/orders list',
      'GET /api/reports/summary read',
      'POST /api/imports async',
      'GET /api/jobs/{id} read',
    ]);
    expect(added[0]!.pagination).toEqual({
      limitParam: 'limit',
      cursorParam: 'cursor',
      cursorField: 'next_cursor',
      dataField: 'data',
      maxLimit: 100,
      idField: 'id',
      maxPages: 20,
    });
    expect(target.health).toBe('/health');
    expect(target.publicPaths).toEqual(['/status', '/health']);
    // No example for a job id: probed with a value that fits the schema, and the caller is told.
    expect(placeholders).toEqual(['GET /api/jobs/{id}']);
    expect(added[3]!.params.id).toMatch(/^job_[0-9a-f]{8}$/);
    // What error-hygiene compares real errors with: the one error shape the spec documents.
    expect(target.spec).toMatchObject({ source: 'demo-api.yaml', title: 'orders-api (demo)', openapi: '3.1.0' });
    expect(target.spec?.errorSchema).toMatchObject({
      type: 'object',
      required: ['error'],
      properties: { error: { required: ['code', 'message'] } },
    });
    expect(target.spec?.errorSchemaUsedBy).toEqual([
      'GET /api/orders',
      'POST /api/orders',
      'GET /api/orders/{id}',
      'POST /api/imports',
      'GET /api/jobs/{id}',
    ]);
    expect(target.endpoints.find((e) => e.label === 'GET /api/jobs/{id}')?.spec?.errorSchema).toBe(target.spec?.errorSchema);
  });

  it('keeps the config health path and allow-list entries for paths the config lists', async () => {
    const config = await targetFor('http://127.0.0.1:9', 'health: /ready\nendpoints:\n  - { path: /health }\n');
    const { target, added } = mergeSpec(config, await planFor('demo-api.yaml'));
    expect(target.health).toBe('/ready');
    // /health is configured as an endpoint, not on the config's allow-list: the config wins.
    expect(target.publicPaths).toEqual([]);
    expect(added.map((e) => e.label)).not.toContain('GET /health');
  });

  it('probes what only the spec lists, through the CLI', async () => {
    const server = await startServer((req, res) =>
      req.url?.startsWith('/api/') || req.url?.startsWith('/pets') ? json(res, 200, [{ id: 1 }]) : json(res, 404, { error: 'no' }),
    );
    servers.push(server);
    const dir = mkdtempSync(join(tmpdir(), 'preflight-merge-'));
    copyFileSync(join(FIXTURES, 'petstore-expanded.yaml'), join(dir, 'spec.yaml'));
    writeFileSync(join(dir, 'target.yaml'), `target:\n  baseUrl: ${server.url}\nendpoints:\n  - { path: /api/items }\n`);
    const result = await runCli(
      ['audit', '-c', 'target.yaml', '--openapi', 'spec.yaml', '--only', 'spec-pagination', '--format', 'json', '--no-progress'],
      { cwd: dir },
    );
    const report = JSON.parse(result.stdout) as Report;
    const findings = report.items.flatMap((item) => item.findings).filter((f) => f.checkId === 'spec-pagination');
    expect(findings.map((f) => `${f.endpoint} ${f.status}`)).toEqual(['GET /pets fail']);
    expect(result.stderr).toContain(
      'preflight: warning: spec.yaml: 2 endpoint(s) have parameters the spec gives no example for and are probed with sample values',
    );
  });

  it('refuses a spec URL that is not on the target, without fetching it', async () => {
    const target = await startServer((_req, res) => json(res, 200, {}));
    const elsewhere = await startServer((_req, res) => res.writeHead(200).end(readFileSync(join(FIXTURES, 'petstore-expanded.yaml'))));
    servers.push(target, elsewhere);
    const dir = mkdtempSync(join(tmpdir(), 'preflight-merge-'));
    writeFileSync(join(dir, 'target.yaml'), `target:\n  baseUrl: ${target.url}\n`);
    const result = await runCli(['audit', '-c', 'target.yaml', '--openapi', `${elsewhere.url}/openapi.yaml`, '--no-progress'], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `preflight: ${elsewhere.url}/openapi.yaml: is not on the target's origin (${target.url}) (during an audit preflight talks only to the target: download the spec and pass the file)\n`,
    );
    expect(elsewhere.requests).toHaveLength(0);
    expect(target.requests).toHaveLength(0);
  });
});
