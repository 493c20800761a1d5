import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { json, startServer } from '../helpers/servers.js';
import { startSelfSigned, startSlammer } from './servers.js';

function config(baseUrl: string, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-unreach-'));
  const file = join(dir, 't.yaml');
  writeFileSync(
    file,
    `target: { baseUrl: "${baseUrl}" }\nendpoints:\n  - { path: /api/items }\nhealth: /health\nlimits: { timeoutMs: 1000, maxDurationMs: 20000 }\n${extra}`,
  );
  return file;
}

describe('targets that cannot be audited at all: exit 3 with a plain message', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('a server that closes every connection', async () => {
    const server = await startSlammer();
    closers.push(server.close);
    const result = await runCli(['audit', '--config', config(server.url), '--only', 'request-id']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^preflight: could not reach http:\/\/127\.0\.0\.1:\d+: GET \/health: the server closed the connection before the response was complete\n$/,
    );
  });

  it('https:// pointed at a plain-HTTP server: one line suggesting http://', async () => {
    const server = await startServer((_req, res) => json(res, 200, { ok: true }));
    closers.push(server.close);
    const result = await runCli(['audit', '--config', config(server.url.replace(/^http:/, 'https:')), '--only', 'request-id']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the server speaks plain HTTP: did you mean http:\/\/127\.0\.0\.1:\d+\?\n$/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('TLS with a self-signed certificate: a clear error naming the fix', async () => {
    const server = await startSelfSigned();
    closers.push(server.close);
    const result = await runCli(['audit', '--config', config(server.url), '--only', 'request-id']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/TLS failed \(.*self[- ]signed.*\); name the CA in tls\.ca, or set tls\.insecure: true for a test host/i);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('TLS with a self-signed certificate named in tls.ca, or tls.insecure: the audit runs', async () => {
    const server = await startSelfSigned();
    closers.push(server.close);
    const withCa = await runCli(['audit', '--config', config(server.url, `tls: { ca: "${server.caFile}" }\n`), '--only', 'request-id']);
    expect(withCa.stderr).toBe('');
    expect([0, 1]).toContain(withCa.code);
    expect(withCa.stdout).toMatch(/requests in/);
    const insecure = await runCli(['audit', '--config', config(server.url, 'tls: { insecure: true }\n'), '--only', 'request-id']);
    expect(insecure.stderr).toBe('');
    expect([0, 1]).toContain(insecure.code);
  });
});
