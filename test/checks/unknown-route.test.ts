import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/unknown-route.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const config = `
endpoints:
  - { path: /api/orders }
  - { path: "/v2/users/{id}", params: { id: u1 } }
`;

describe('unknown-route check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('passes when unknown routes get 404, asking at the root and under each API prefix', async () => {
    const server = await startServer((req, res) => (req.url === '/api/orders' ? json(res, 200, { data: [] }) : json(res, 404, { error: { code: 'not_found' } })));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['pass']);
    expect(server.requests.map((r) => r.url)).toEqual(['/preflight-no-such-route-7f3a', '/api/preflight-no-such-route-7f3a', '/v2/preflight-no-such-route-7f3a']);
    expect(findings[0]!.message).toBe('unknown routes got 404: GET /preflight-no-such-route-7f3a → 404, GET /api/preflight-no-such-route-7f3a → 404, GET /v2/preflight-no-such-route-7f3a → 404');
  });

  it('fails when a router falls through to a 500 under the API prefix', async () => {
    const server = await startServer((req, res) => (req.url?.startsWith('/api/') ? json(res, 500, { error: 'handler is undefined' }) : json(res, 404, {})));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/GET \/api\/preflight-no-such-route-7f3a → 500/);
    expect(findings[0]!.evidence.map((e) => e.status)).toEqual([404, 500, 404]);
  });

  it('warns on a catch-all that answers 200, and on a 403 for a path that does not exist', async () => {
    const catchAll = await startServer((_req, res) => json(res, 200, { ok: true }));
    closers.push(catchAll.close);
    const ok = (await runCheck(check, await targetFor(catchAll.url, config))).findings;
    expect(statuses(ok)).toEqual(['warn']);
    expect(ok[0]!.message).toMatch(/a catch-all answers paths that do not exist/);

    const gateway = await startServer((_req, res) => json(res, 403, { message: 'Missing Authentication Token' }));
    closers.push(gateway.close);
    const forbidden = (await runCheck(check, await targetFor(gateway.url, config))).findings;
    expect(statuses(forbidden)).toEqual(['warn']);
    expect(forbidden[0]!.message).toMatch(/→ 403.*clients cannot tell a wrong path from a refusal/);
  });

  it('cannot decide when unknown routes get 429 from a rate limiter', async () => {
    const server = await startServer((_req, res) => json(res, 429, {}, { 'retry-after': '0' }));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['error']);
    expect(findings[0]!.message).toMatch(/^unknown routes got 429 \(rate limited\)/);
  });

  it('fails when an unknown route hangs', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/preflight-no-such-route-7f3a') return; // never answers
      json(res, 404, {});
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, `${config}limits: { timeoutMs: 300 }\n`));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/GET \/preflight-no-such-route-7f3a → no answer/);
  });
});
