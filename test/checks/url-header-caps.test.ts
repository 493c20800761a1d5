import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/url-header-caps.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const config = (timeoutMs = 2000) => `
endpoints:
  - { path: /api/items, kind: list }
limits: { requestsPerSecond: 1000, timeoutMs: ${timeoutMs} }
`;

const LARGE_HEADERS = { maxHeaderSize: 256 * 1024 };

describe('url-header-caps check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  const audit = async (server: Awaited<ReturnType<typeof startServer>>, timeoutMs?: number) => {
    closers.push(server.close);
    return (await runCheck(check, await targetFor(server.url, config(timeoutMs)))).findings;
  };

  it("passes Node's default server, which answers 431 to an over-long request line or header", async () => {
    const server = await startServer((_req, res) => json(res, 200, { data: [] }));
    const findings = await audit(server);
    expect(statuses(findings)).toEqual(['pass', 'pass']);
    expect(findings[0]!.message).toBe('GET /api/items with a 16 KiB query → 431, a 64 KiB query → 431: over-long URLs are refused or ignored');
    expect(findings[1]!.message).toBe('GET /api/items with one 32 KiB X-Preflight-Padding header → 431: over-large headers are refused');
    expect(server.requests).toHaveLength(0); // refused by the parser, before the handler
  });

  it('passes a query that is ignored with a 2xx, warns when a 32 KiB header is accepted', async () => {
    const server = await startServer((_req, res) => json(res, 200, { data: [] }), LARGE_HEADERS);
    const findings = await audit(server);
    expect(statuses(findings)).toEqual(['pass', 'warn']);
    expect(findings[0]!.message).toMatch(/16 KiB query → 200 \(ignored\), a 64 KiB query → 200 \(ignored\)/);
    expect(findings[1]!.message).toMatch(/32 KiB X-Preflight-Padding header → 200, accepted; cap request headers .* 431/);
    expect(server.requests.map((r) => r.url.length)).toEqual([16 * 1024 + '/api/items?'.length, 64 * 1024 + '/api/items?'.length, '/api/items'.length]);
    expect(server.requests[2]!.headers['x-preflight-padding']).toHaveLength(32 * 1024);
  });

  it('fails a server that answers a long URL with a 5xx, and a long header with a 5xx', async () => {
    const server = await startServer((req, res) => {
      const headerBytes = req.rawHeaders.join('').length;
      if ((req.url ?? '').length > 8192 || headerBytes > 16384) return json(res, 500, { error: 'RangeError: buffer overflow' });
      json(res, 200, { data: [] });
    }, LARGE_HEADERS);
    const findings = await audit(server);
    expect(statuses(findings)).toEqual(['fail', 'fail']);
    expect(findings[0]!.message).toMatch(/a 16 KiB query → 500, a 64 KiB query → 500; cap the URL .* 414 URI Too Long/);
    expect(findings[1]!.message).toMatch(/header → 500; cap request headers/);
  });

  it('fails a server that hangs on a long URL, warns one that drops the connection', async () => {
    const hangs = await startServer((req, res) => {
      if ((req.url ?? '').length > 32 * 1024) return; // the parser is still "working" on it
      json(res, 200, {});
    }, LARGE_HEADERS);
    const hung = await audit(hangs, 300);
    expect(hung[0]!.status).toBe('fail');
    expect(hung[0]!.message).toMatch(/a 16 KiB query → 200 \(ignored\), a 64 KiB query → no answer within 300 ms/);

    const drops = await startServer((req, res) => {
      if ((req.url ?? '').length > 8192) return void req.socket.destroy();
      json(res, 200, {});
    }, LARGE_HEADERS);
    const dropped = await audit(drops);
    expect(dropped[0]!.status).toBe('warn');
    expect(dropped[0]!.message).toMatch(/16 KiB query → the connection was closed without a complete answer/);
  });

  it('keeps evidence short, with a curl line that regenerates the padding', async () => {
    const server = await startServer((_req, res) => json(res, 200, {}), LARGE_HEADERS);
    const findings = await audit(server);
    const evidence = findings[0]!.evidence[1]!;
    expect(evidence.url).toMatch(/\?preflight_padding=<65518 × a>$/);
    expect(evidence.curl.length).toBeLessThan(300);
    // Run the curl line with curl replaced by printf: the shell rebuilds the exact URL that was sent.
    const url = execFileSync('bash', ['-c', `curl() { printf '%s\\n' "$@"; }; ${evidence.curl}`], { encoding: 'utf8' }).split('\n').find((arg) => arg.startsWith('http'));
    expect(url).toBe(`${server.url}/api/items?${server.requests[1]!.url.split('?')[1]}`);
    expect(findings[1]!.reproduce).toMatch(/-H 'X-Preflight-Padding: '"\$\(head -c 32768 \/dev\/zero \| tr '\\0' a\)"/);
  });
});
