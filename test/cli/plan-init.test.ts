// Issue 26 (7): init and plan tell the truth. plan sends nothing, so it needs no credentials set,
// documents itself like every subcommand, and estimates 0 requests for checks that send nothing;
// init's $schema line resolves from the written file whatever the install.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaRef } from '../../src/openapi/init.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'preflight-plan-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = `target: { baseUrl: "https://staging.example.com" }
auth:
  headers: { Authorization: "Bearer \${API_TOKEN}" }
endpoints:
  - { path: /api/orders, kind: list }
  - { path: "/api/orders/{id}", params: { id: o1 } }
`;

interface PlanJson {
  requests: number;
  checks: Array<{ checkId: string; requests: number }>;
}

describe('preflight plan', () => {
  writeFileSync(join(dir, 'plan.yaml'), CONFIG);

  it('needs no credentials set: it sends nothing; a note names what audit will need', async () => {
    const result = await runCli(['plan', '-c', 'plan.yaml', '--json'], { cwd: dir, env: {} });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('preflight: note: API_TOKEN not set; fine for a plan (it sends nothing), audit needs them\n');
    expect((JSON.parse(result.stdout) as PlanJson).requests).toBeGreaterThan(0);
  });

  it('audit still refuses an unset variable (it would send the placeholder)', async () => {
    const result = await runCli(['audit', '-c', 'plan.yaml'], { cwd: dir, env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment variable API_TOKEN is not set');
  });

  it('estimates 0 requests for jwt-weak-secret and for cross-user without a second identity', async () => {
    const result = await runCli(['plan', '-c', 'plan.yaml', '--json'], { cwd: dir, env: { API_TOKEN: 't0ken-value' } });
    const checks = (JSON.parse(result.stdout) as PlanJson).checks;
    const requests = (id: string) => checks.find((c) => c.checkId === id)?.requests;
    expect(requests('jwt-weak-secret')).toBe(0);
    expect(requests('cross-user')).toBe(0);
    writeFileSync(
      join(dir, 'two.yaml'),
      CONFIG.replace('auth:\n', 'auth:\n  identities: { other: { headers: { Authorization: "Bearer other-t0ken" } } }\n'),
    );
    const two = JSON.parse(
      (await runCli(['plan', '-c', 'two.yaml', '--json'], { cwd: dir, env: { API_TOKEN: 'x1234' } })).stdout,
    ) as PlanJson;
    // One list and one item endpoint, one other identity: the list read twice (a stable baseline), then
    // the list once and the item at three paths, each read twice as the main identity and once as the
    // other: 2 + (1 + 9). (On the demo API this is exactly what cross-user sends: 12, and 20 with writes.)
    expect(two.checks.find((c) => c.checkId === 'cross-user')?.requests).toBe(12);
    expect(two.checks.find((c) => c.checkId === 'jwt-weak-secret')?.requests).toBe(1);
  });

  it('--help has examples and exit codes, like every other subcommand', async () => {
    const help = await runCli(['plan', '--help']);
    expect(help.stdout).toContain('Examples (plan):');
    expect(help.stdout).toMatch(/Exit codes: 0 .*· 2 /);
  });
});

describe('preflight init: $schema', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

  it('resolves from the written file: relative below the install, absolute elsewhere (global, npx)', async () => {
    const result = await runCli(['init', '--base-url', 'https://staging.example.com', '--output', 'p.yaml'], { cwd: dir });
    expect(result.code).toBe(0);
    const ref = /\$schema=(\S+)/.exec(readFileSync(join(dir, 'p.yaml'), 'utf8'))![1]!;
    const file = ref.startsWith('file:') ? fileURLToPath(ref) : resolve(dir, ref);
    expect(existsSync(file)).toBe(true);
    expect(schemaRef(join(root, 'preflight.yaml'), root)).toBe('./schema/config.schema.json');
    expect(schemaRef('/work/app/preflight.yaml', '/work/app/node_modules/api-preflight')).toBe(
      './node_modules/api-preflight/schema/config.schema.json',
    );
    expect(schemaRef('/work/app/preflight.yaml', '/usr/lib/node_modules/api-preflight')).toBe(
      'file:///usr/lib/node_modules/api-preflight/schema/config.schema.json',
    );
  });
});
