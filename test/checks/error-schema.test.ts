import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/error-schema.js';
import type { Target } from '../../src/types.js';
import { runChecks } from '../helpers/run-checks.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { statuses, targetFor } from '../helpers/target.js';

/** The documented error body: {"error": {"code": string, "message": string}}, as an OpenAPI 3.0 schema. */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', nullable: true, items: { $ref: '#/components/schemas/Detail' } } } } },
};

async function specTarget(url: string, openapi = '3.0.3'): Promise<Target> {
  const target = await targetFor(url, 'endpoints:\n  - { path: "/api/orders/{id}", params: { id: "1" } }\n');
  return { ...target, spec: { source: 'openapi.yaml', title: 'orders', version: '1', openapi, errorSchema: ERROR_SCHEMA, errorSchemaUsedBy: ['GET /api/orders/{id}'] } };
}

/** Sends what other checks of a run would have sent: a few requests that end in errors. */
const provoke = async (http: import('../../src/http/types.js').HttpClient): Promise<void> => {
  for (const path of ['/api/orders/1', '/api/orders/2', '/nope']) await http.send({ method: 'GET', path });
};

describe('error-schema check', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  it('passes when every JSON error matches the documented schema (3.0 nullable, circular $ref left unresolved)', async () => {
    const server = await startServer((_req, res) => json(res, 404, { error: { code: 'not_found', message: 'No such order.', details: null } }));
    servers.push(server);
    const findings = await runChecks([check], await specTarget(server.url), provoke);
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.message).toBe('all 3 JSON error responses match the error schema documented in openapi.yaml');
  });

  it('fails when errors break it, naming what is wrong and where', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/api/orders/2') return json(res, 404, { error: 'not found' });
      json(res, 404, { error: { code: 'not_found', message: 'No such order.' } });
    });
    servers.push(server);
    const findings = await runChecks([check], await specTarget(server.url, '3.1.0'), provoke);
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toBe('1 of 3 JSON error responses break the error schema documented in openapi.yaml: 404 on GET /api/orders/{id}: /error must be object');
    expect(findings[0]!.evidence[0]!.url).toMatch(/\/api\/orders\/2$/);
  });

  it('does not apply without a documented error schema', async () => {
    const target = await targetFor('http://127.0.0.1:9', 'endpoints:\n  - { path: /api/orders }\n');
    expect(check.applies(target)).toBe('not-applicable');
  });
});
