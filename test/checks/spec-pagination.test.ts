import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import check from '../../checks/spec-pagination.js';
import { loadSpec } from '../../src/openapi/load.js';
import { mergeSpec } from '../../src/openapi/merge-spec.js';
import { planImport } from '../../src/openapi/import-plan.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import type { Check } from '../../src/check-api/contract.js';
import { checkTester } from '../helpers/check-tester.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';
import { FIXTURES } from '../openapi/fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'preflight-spec-pagination-'));

/**
 * The check as `audit --openapi specFile` runs it: the spec's operations merged into the target the
 * tester builds from its config, so every case reads the documented schema of its list.
 */
async function withSpec(specFile: string, cwd = FIXTURES): Promise<Check> {
  const plan = planImport(await loadSpec(specFile, { cwd }));
  return { meta: check.meta, endpoints: (target) => check.endpoints(mergeSpec(target, plan).target), run: (ctx) => check.run(ctx) };
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

/** A server that answers anything and counts what it was sent: the check must send nothing. */
function recording(): { server: () => Promise<TestServer>; sent: () => number } {
  let started: TestServer | undefined;
  return {
    server: async () => (started = await startServer((_req, res) => json(res, 200, []))),
    sent: () => started?.requests.length ?? -1,
  };
}

const demo = recording();
checkTester.run(await withSpec('demo-api.yaml'), {
  valid: [
    {
      name: 'the demo API documents next_cursor and a cursor parameter',
      server: startFixedApi,
      verdicts: [{ verdict: 'documented', endpoint: 'GET /api/orders', data: { how: 'response field next_cursor; parameter cursor' } }],
    },
    { name: 'the spec is read, nothing is sent', server: demo.server, verdicts: ['documented'], assert: () => expect(demo.sent()).toBe(0) },
  ],
  invalid: [],
});

const petstore = recording();
checkTester.run(await withSpec('petstore-expanded.yaml'), {
  valid: [],
  invalid: [
    {
      name: 'the OAI petstore: GET /pets is a bare array with only a limit',
      server: petstore.server,
      verdicts: [
        {
          verdict: 'undocumented',
          endpoint: 'GET /pets',
          data: { body: '(a bare array)', documented: '200', source: 'petstore-expanded.yaml#/paths/~1pets/get' },
        },
      ],
      assert: () => expect(petstore.sent()).toBe(0),
    },
  ],
});

checkTester.run(
  await withSpec(
    listSpec(
      'wrapped.yaml',
      '{ type: object, properties: { data: { type: array, items: { type: object } }, count_of_page: { type: integer } } }',
    ),
    scratch,
  ),
  {
    valid: [],
    invalid: [
      {
        name: 'an object body whose only array has no paging beside it',
        server: recording().server,
        verdicts: [{ verdict: 'undocumented', data: { body: '(an object)' } }],
      },
    ],
  },
);

const bareSpec = join(scratch, 'no-schema.yaml');
writeFileSync(
  bareSpec,
  'openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths:\n  /api/things:\n    get:\n      parameters:\n        - { name: limit, in: query, schema: { type: integer } }\n      responses:\n        "200": { description: ok }\n',
);
checkTester.run(await withSpec('no-schema.yaml', scratch), {
  valid: [
    {
      name: 'a documented list with no response schema is skipped, with the reason',
      server: recording().server,
      verdicts: [{ verdict: 'noSchema', data: { documented: '200' } }],
    },
  ],
  invalid: [],
});

const documentedWays: Array<[string, { params?: string; headers?: string }, string, string]> = [
  [
    'a Link header',
    { headers: '          headers: { Link: { schema: { type: string } } }\n' },
    '{ type: array, items: { type: object } }',
    'header Link',
  ],
  [
    'a page parameter',
    { params: '        - { name: page, in: query, schema: { type: integer } }\n' },
    '{ type: array, items: { type: object } }',
    'parameter page',
  ],
  [
    'links.next in the body',
    {},
    '{ type: object, properties: { items: { type: array, items: { type: object } }, links: { type: object, properties: { next: { type: string } } } } }',
    'response field links.next',
  ],
  [
    'a has_more flag',
    {},
    '{ type: object, properties: { data: { type: array, items: { type: object } }, has_more: { type: boolean } } }',
    'response field has_more',
  ],
];
for (const [what, extra, schema, how] of documentedWays) {
  checkTester.run(await withSpec(listSpec(`paged-${how.replace(/\W+/g, '-')}.yaml`, schema, extra), scratch), {
    valid: [{ name: `a list documented with ${what}`, server: recording().server, verdicts: [{ verdict: 'documented', data: { how } }] }],
    invalid: [],
  });
}

describe('spec-pagination: where it runs', () => {
  it('runs only on list endpoints that came with a spec (a hand-written config has none)', async () => {
    const target = await targetFor('http://127.0.0.1:9', 'endpoints:\n  - { path: /api/things, kind: list }\n');
    expect(check.endpoints(target)).toBe('not-applicable');
    // The config's own list gains the spec's facts when the spec describes the same route.
    const spec = await loadSpec(listSpec('same.yaml', '{ type: array, items: { type: object } }'), { cwd: scratch });
    const merged = mergeSpec(
      await targetFor(
        'http://127.0.0.1:9',
        'endpoints:\n  - { path: /api/things, kind: list, pagination: { limitParam: limit, maxLimit: 50 } }\n',
      ),
      planImport(spec),
    ).target;
    expect(check.endpoints(merged)).toEqual([expect.objectContaining({ label: 'GET /api/things' })]);
    expect(merged.endpoints[0]!.pagination?.maxLimit).toBe(50);
  });
});
