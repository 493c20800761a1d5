import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startSelfSigned } from '../hostile/servers.js';

describe('audit --openapi with a spec URL on a TLS test host', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it("fetches the spec with the target's tls.ca, and names the TLS failure without it", async () => {
    const spec = readFileSync('test/fixtures/openapi/demo-api.yaml', 'utf8');
    const server = await startSelfSigned({ '/openapi.yaml': spec });
    closers.push(server.close);
    const dir = mkdtempSync(join(tmpdir(), 'preflight-tls-spec-'));
    const write = (name: string, tls: string): string => {
      const file = join(dir, name);
      writeFileSync(file, `target: { baseUrl: "${server.url}" }\nendpoints:\n  - { path: /api/orders }\nhealth: /health\n${tls}`);
      return file;
    };
    const trusted = await runCli([
      'audit',
      '--config',
      write('ca.yaml', `tls: { ca: "${server.caFile}" }\n`),
      '--openapi',
      `${server.url}/openapi.yaml`,
      '--only',
      'request-id',
    ]);
    expect(trusted.stderr).not.toMatch(/could not be fetched/);
    expect([0, 1]).toContain(trusted.code);
    expect(trusted.stdout).toMatch(/requests in/);

    const untrusted = await runCli([
      'audit',
      '--config',
      write('plain.yaml', ''),
      '--openapi',
      `${server.url}/openapi.yaml`,
      '--only',
      'request-id',
    ]);
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(/openapi\.yaml: could not be fetched: .*(self[- ]signed|certificate)/i);
  });
});
