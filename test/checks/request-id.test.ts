import { randomUUID } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/request-id.js';
import { startMswServer } from '../helpers/msw.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const config = `
auth:
  headers: { Authorization: "Bearer t0ken-for-tests" }
endpoints:
  - { path: /api/items }
`;

const authorised = (request: Request): boolean => request.headers.get('authorization') === 'Bearer t0ken-for-tests';

describe('request-id check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('passes against a server that echoes, generates and sets the id on errors', async () => {
    const server = await startMswServer(
      http.all('*', ({ request }) => {
        const id = request.headers.get('x-request-id') ?? randomUUID();
        const url = new URL(request.url);
        if (url.pathname !== '/api/items') return HttpResponse.json({ error: { code: 'not_found' } }, { status: 404, headers: { 'X-Request-Id': id } });
        if (!authorised(request)) return HttpResponse.json({ error: { code: 'unauthorized' } }, { status: 401, headers: { 'X-Request-Id': id } });
        return HttpResponse.json({ data: [] }, { headers: { 'X-Request-Id': id } });
      }),
    );
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['pass', 'pass', 'pass']);
  });

  it('fails against a server that never sets one', async () => {
    const server = await startServer((req, res) => json(res, req.url === '/api/items' ? 200 : 404, {}));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['fail', 'fail', 'fail']);
    expect(findings[0]!.message).toMatch(/with no X-Request-Id response header/);
    expect(findings[0]!.reproduce).toMatch(/^curl .*\/api\/items/);
  });

  it('fails the error item against a server that echoes only on 2xx', async () => {
    const server = await startServer((req, res) => {
      if (req.url !== '/api/items') return json(res, 404, { error: 'nope' });
      if (req.headers.authorization !== 'Bearer t0ken-for-tests') return json(res, 401, { error: 'nope' });
      json(res, 200, { data: [] }, { 'x-request-id': (req.headers['x-request-id'] as string | undefined) ?? randomUUID() });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(statuses(findings)).toEqual(['pass', 'pass', 'fail']);
    expect(findings[2]!.message).toMatch(/404/);
    expect(findings[2]!.message).toMatch(/401/);
  });

  it('fails when the generated id is the same on every request', async () => {
    const server = await startServer((req, res) => json(res, 200, {}, { 'x-request-id': (req.headers['x-request-id'] as string | undefined) ?? 'static-id' }));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config));
    expect(findings[1]!.status).toBe('fail');
    expect(findings[1]!.message).toMatch(/same generated/);
  });
});
