// Issue 26 (4): SARIF that code scanning shows. Every result has a physicalLocation: the config
// line of its endpoint, the operation's line in the OpenAPI file for a spec-only endpoint, the
// config's target: line for a target-wide finding; rules describe themselves without templates.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSarif } from '../../src/report/sarif.js';
import { runCli } from '../helpers/cli.js';
import { githubUploadProblems, sarifValidator } from '../helpers/sarif-schema.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { fixtureReport } from './fixture.js';

interface Sarif {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; fullDescription: { text: string } }> } };
    results: Array<{
      ruleId: string;
      properties: { endpoint: string };
      locations: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
    }>;
  }>;
}

describe('SARIF locations', () => {
  let server: TestServer;
  let dir: string;
  let sarif: Sarif;
  beforeAll(async () => {
    // Open to anyone, echoes no request id: fails auth-anonymous per endpoint and request-id target-wide.
    server = await startServer((req, res) =>
      json(res, req.url?.startsWith('/api/') || req.url === '/health' ? 200 : 404, req.url?.startsWith('/api/') ? { data: [] } : {}),
    );
    dir = mkdtempSync(join(tmpdir(), 'preflight-sarif-'));
    writeFileSync(
      join(dir, 'preflight.yaml'),
      `# staging\ntarget:\n  name: sarif\n  baseUrl: "${server.url}"\nhealth: /health\nendpoints:\n  - { path: /api/orders, kind: list }\n\n  - path: /api/users\n`,
    );
    writeFileSync(
      join(dir, 'openapi.yaml'),
      'openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths:\n  /api/orders:\n    get:\n      responses: { "200": { description: ok } }\n  /api/things:\n    get:\n      responses: { "200": { description: ok } }\n',
    );
    const result = await runCli(
      [
        'audit',
        '-c',
        'preflight.yaml',
        '--openapi',
        'openapi.yaml',
        '--only',
        'auth-anonymous,request-id',
        '--rps',
        '200',
        '-o',
        'r.sarif',
        '--no-progress',
      ],
      { cwd: dir },
    );
    expect(result.stderr).toBe('');
    sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')) as Sarif;
  }, 30_000);
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (endpoint: string) => [
    ...new Set(
      sarif.runs[0]!.results.filter((r) => r.properties.endpoint === endpoint).map((r) => {
        const where = r.locations[0]!.physicalLocation!;
        return `${where.artifactLocation.uri}:${where.region.startLine}`;
      }),
    ),
  ];

  it('a configured endpoint points at its line in the config', () => {
    expect(at('GET /api/orders')).toEqual(['preflight.yaml:7']);
    expect(at('GET /api/users')).toEqual(['preflight.yaml:9']);
  });

  it("a spec-only endpoint points at the operation's line in the OpenAPI file", () => {
    expect(at('GET /api/things')).toEqual(['openapi.yaml:8']);
  });

  it("a target-wide finding points at the config's target: line", () => {
    expect(at('*')).toEqual(['preflight.yaml:2']);
  });

  it('is valid SARIF 2.1.0 and meets what code scanning documents for an upload', () => {
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(3);
    expect(sarifValidator()(sarif)).toEqual({ valid: true, errors: [] });
    expect(githubUploadProblems(sarif)).toEqual([]);
  });

  it("rules describe the check, never a verdict's {placeholder} template", () => {
    const rules = JSON.parse(renderSarif(fixtureReport())).runs[0].tool.driver.rules as Sarif['runs'][0]['tool']['driver']['rules'];
    for (const rule of rules) expect(rule.fullDescription.text).not.toMatch(/\{[A-Za-z_]\w*\}/);
    expect(githubUploadProblems({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x', rules } }, results: [] }] })).toEqual([]);
  });
});
