import { expect, it } from 'vitest';
import check from '../../checks/error-schema.js';
import type { HttpClient } from '../../src/http/types.js';
import type { Target } from '../../src/types.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { json, startServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

/** The documented error body: {"error": {"code": string, "message": string}}, as an OpenAPI 3.0 schema. */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'array', nullable: true, items: { $ref: '#/components/schemas/Detail' } },
      },
    },
  },
};

/** What --openapi adds to the target: the documented error schema. */
const withSpec =
  (openapi = '3.0.3') =>
  (target: Target): Target => ({
    ...target,
    spec: {
      source: 'openapi.yaml',
      title: 'orders',
      version: '1',
      openapi,
      errorSchema: ERROR_SCHEMA,
      errorSchemaUsedBy: ['GET /api/orders/{id}'],
    },
  });

/** Sends what other checks of a run would have sent: a few requests that end in errors. */
const provoke = async (http: HttpClient): Promise<void> => {
  for (const path of ['/api/orders/1', '/api/orders/2', '/nope']) await http.send({ method: 'GET', path });
};

checkTester.run(check, {
  config: 'endpoints:\n  - { path: "/api/orders/{id}", params: { id: "1" } }\n',
  valid: [
    {
      name: 'every JSON error matches the documented schema (3.0 nullable, circular $ref left unresolved)',
      server: () => startServer((_req, res) => json(res, 404, { error: { code: 'not_found', message: 'No such order.', details: null } })),
      target: withSpec(),
      before: provoke,
      verdicts: [{ verdict: 'matches', data: { checked: 3, source: 'openapi.yaml', notJudged: '' } }],
    },
    {
      name: 'no JSON error seen: nothing to check',
      server: () => startServer((_req, res) => json(res, 200, {})),
      target: withSpec(),
      before: provoke,
      verdicts: ['noJsonErrors'],
    },
  ],
  invalid: [
    {
      name: 'errors that break it, naming what is wrong and where',
      server: () =>
        startServer((req, res) => {
          if (req.url === '/api/orders/2') return json(res, 404, { error: 'not found' });
          json(res, 404, { error: { code: 'not_found', message: 'No such order.' } });
        }),
      target: withSpec('3.1.0'),
      before: provoke,
      verdicts: [
        {
          verdict: 'breaks',
          data: {
            broken: 1,
            checked: 3,
            source: 'openapi.yaml',
            notJudged: '',
            listed: '404 on GET /api/orders/{id}: /error must be object',
          },
        },
      ],
      assert: (findings) => expect(byVerdict(findings, 'breaks').evidence[0]!.url).toMatch(/\/api\/orders\/2$/),
    },
    {
      // Issue 12: a body cut at maxResponseBytes is not compared as if whole.
      name: 'every JSON error cut at maxResponseBytes: undecided',
      config: 'endpoints:\n  - { path: "/api/orders/{id}", params: { id: "1" } }\nlimits: { maxResponseBytes: 1024 }\n',
      server: () => startServer((_req, res) => json(res, 404, { error: { code: 'not_found', message: 'x'.repeat(2000) } })),
      target: withSpec(),
      before: provoke,
      verdicts: [{ verdict: 'onlyCutBodies', data: { cut: 3 } }],
    },
  ],
});

it('does not apply without a documented error schema', async () => {
  const target = await targetFor('http://127.0.0.1:9', 'endpoints:\n  - { path: /api/orders }\n');
  expect(check.endpoints(target)).toBe('not-applicable');
  expect(check.endpoints(withSpec()(target))).toBe('target');
});
