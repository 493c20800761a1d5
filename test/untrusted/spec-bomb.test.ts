// Issue 15 item 4: a spec of a few KB whose schemas each $ref the next twice expands to 2^n nodes.
// init and audit --openapi refuse it in one line, fast and small; a large-but-legal error schema is
// not compiled with ajv; and loading the spec counts against limits.maxDurationMs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandedSize, SCHEMA_REF_BUDGET } from '../../src/openapi/ref-budget.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { runMeasured } from '../helpers/spawn-cli.js';

/** Schemas S0…S(n-1), each holding two $refs to the next: S0 inlines to about 2^n nodes. */
function bomb(levels: number): object {
  const schemas: Record<string, object> = {};
  for (let i = 0; i < levels; i++) {
    schemas[`S${i}`] =
      i === levels - 1
        ? { type: 'string' }
        : { type: 'object', properties: { a: { $ref: `#/components/schemas/S${i + 1}` }, b: { $ref: `#/components/schemas/S${i + 1}` } } };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'bomb', version: '1' },
    paths: {
      '/api/items': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: { type: 'string' } } } } },
              },
            },
            '400': { description: 'bad', content: { 'application/json': { schema: { $ref: '#/components/schemas/S0' } } } },
          },
        },
      },
    },
    components: { schemas },
  };
}

describe('spec resource exhaustion (issue 15 item 4)', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-bomb-'));
    server = await startServer((req, res) => {
      if (req.url === '/bomb.json') return json(res, 200, bomb(40));
      if (req.url === '/big-error.json') return json(res, 200, bomb(14));
      if (req.url === '/health') return json(res, 200, { ok: true });
      json(res, req.url?.startsWith('/api/items') ? 200 : 404, req.url?.startsWith('/api/items') ? { data: [] } : { error: 'not found' });
    });
  });
  afterAll(() => server.close());

  it('the spec is small and its expansion is counted, not built', () => {
    const spec = bomb(40);
    expect(JSON.stringify(spec).length).toBeLessThan(6_000);
    const started = performance.now();
    expect(expandedSize(spec, { maxNodes: 20_000_000, maxDepth: 1000 }).over).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('init --from-openapi refuses it in one line, in bounded time and memory', async () => {
    writeFileSync(join(dir, 'bomb.json'), JSON.stringify(bomb(40)));
    const run = await runMeasured(['init', '--from-openapi', join(dir, 'bomb.json'), '--output', join(dir, 'out.yaml')], {}, 60_000);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/bomb\.json: expands to more than 250,000 nodes once its \$refs are resolved/);
    expect(run.wallMs).toBeLessThan(30_000);
    expect(run.maxRssMb).toBeLessThan(300);
  }, 70_000);

  it('audit --openapi refuses it before any probe', async () => {
    const config = join(dir, 'bomb.yaml');
    writeFileSync(
      config,
      `target: { baseUrl: "${server.url}" }\nendpoints: [{ path: /api/items }]\nlimits: { timeoutMs: 8000, maxDurationMs: 30000 }\n`,
    );
    const before = server.requests.length;
    const run = await runMeasured(
      ['audit', '--config', config, '--openapi', `${server.url}/bomb.json`, '--output', join(dir, 'r.json')],
      {},
      60_000,
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/expands to more than/);
    expect(run.maxRssMb).toBeLessThan(300);
    // Only the spec itself was fetched.
    expect(server.requests.slice(before).map((r) => r.url)).toEqual(['/bomb.json']);
  }, 70_000);

  it('an error schema within the spec budget but too large to compile is left out; the audit reports', async () => {
    expect(expandedSize(bomb(14), SCHEMA_REF_BUDGET).over).toBe(true);
    const config = join(dir, 'big.yaml');
    writeFileSync(
      config,
      `target: { baseUrl: "${server.url}" }\npublicPaths: ["/*"]\nendpoints: [{ path: /api/items }]\nhealth: /health\nlimits: { timeoutMs: 8000, maxDurationMs: 40000, maxRequests: 300, requestsPerSecond: 1000 }\nlatency: { samples: 3, maxSeconds: 2 }\n`,
    );
    const out = join(dir, 'big.json');
    const run = await runMeasured(
      ['audit', '--config', config, '--openapi', `${server.url}/big-error.json`, '--output', out, '--no-progress'],
      {},
      90_000,
    );
    expect([0, 1], run.stderr).toContain(run.code);
    expect(run.wallMs).toBeLessThan(60_000);
    expect(run.maxRssMb).toBeLessThan(400);
  }, 100_000);
});
