import { gzipSync } from 'node:zlib';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type ClientOptions } from '../../src/http/client.js';
import { ProbeError } from '../../src/http/types.js';

const limits = { concurrency: 2, requestsPerSecond: 1000, maxRequests: 50, timeoutMs: 2000, maxResponseBytes: 4096, maxDurationMs: 60_000 };
const ORIGIN = 'http://api.test';

function clientWith(agent: MockAgent, extra: Partial<ClientOptions> = {}) {
  return createHttpClient({ baseUrl: `${ORIGIN}/v1`, limits, allowWrites: false, dispatcher: agent, ...extra });
}

describe('http client (undici MockAgent)', () => {
  let agent: MockAgent;
  afterEach(async () => {
    await agent.close();
  });

  it('joins the base path, adds auth, and records a redacted exchange with a curl line that names the env var', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    let seenAuth: string | undefined;
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/orders?limit=5&api_key=k3y-secret-value', method: 'GET' })
      .reply(
        200,
        (opts) => {
          seenAuth = (opts.headers as Record<string, string>).Authorization;
          return { data: [1, 2], echoed: 'Bearer canary-7f3a9c' };
        },
        { headers: { 'content-type': 'application/json', 'set-cookie': 'session=abc123' } },
      );
    const http = await clientWith(agent, {
      auth: { headers: { Authorization: 'Bearer canary-7f3a9c' }, query: { api_key: 'k3y-secret-value' } },
      secrets: [{ value: 'canary-7f3a9c', envVar: 'API_TOKEN' }, { value: 'k3y-secret-value' }],
    });
    const response = await http.send({ method: 'GET', path: '/orders', query: { limit: 5 } });
    expect(seenAuth).toBe('Bearer canary-7f3a9c');
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ data: [1, 2], echoed: 'Bearer canary-7f3a9c' });
    const recorded = JSON.stringify(response.exchange);
    expect(recorded).not.toContain('canary-7f3a9c');
    expect(recorded).not.toContain('k3y-secret-value');
    expect(recorded).not.toContain('abc123');
    expect(response.exchange.curl).toContain(`-H 'Authorization: Bearer '"\${API_TOKEN}"`);
    expect(response.exchange.curl).toMatch(/^curl -sS -i 'http:\/\/api\.test\/v1\/orders\?limit=5&api_key=\*\*\*'/);
    expect(http.redact('token canary-7f3a9c here')).toBe('token *** here');
    await http.close();
  });

  it('refuses write methods and write method overrides without allowWrites, before anything is sent', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    const http = await clientWith(agent);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      await expect(http.send({ method, path: '/orders' })).rejects.toMatchObject({ code: 'write-not-allowed' });
    }
    await expect(http.send({ method: 'GET', path: '/orders', headers: { 'X-HTTP-Method-Override': 'DELETE' } })).rejects.toMatchObject({
      code: 'write-not-allowed',
    });
    expect(http.stats().requests).toBe(0);
    await http.close();
  });

  it('sends an unknown method token and safe methods without allowWrites', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/orders', method: 'BREW' })
      .reply(405, '', { headers: { allow: 'GET' } });
    agent.get(ORIGIN).intercept({ path: '/v1/orders', method: 'OPTIONS' }).reply(204, '');
    const http = await clientWith(agent);
    expect((await http.send({ method: 'BREW', path: '/orders' })).status).toBe(405);
    expect((await http.send({ method: 'OPTIONS', path: '/orders' })).status).toBe(204);
    await http.close();
  });

  it('refuses an absolute URL on another origin', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    const http = await clientWith(agent);
    await expect(http.send({ method: 'GET', path: 'http://elsewhere.test/x' })).rejects.toMatchObject({ code: 'off-origin' });
    await http.close();
  });

  it('decompresses gzip and stops at maxResponseBytes', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    const big = gzipSync(Buffer.alloc(1024 * 1024, 'a'));
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/big', method: 'GET' })
      .reply(200, big, { headers: { 'content-encoding': 'gzip' } });
    const http = await clientWith(agent);
    const response = await http.send({ method: 'GET', path: '/big' });
    expect(response.body.length).toBe(4096);
    expect(response.truncated).toBe(true);
    expect(response.text()).toBe('a'.repeat(4096));
    expect(response.exchange.note).toMatch(/body cut at 4096 bytes/);
    await http.close();
  });

  it('turns a network error that repeats into a ProbeError with both exchanges recorded', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    // A GET that is reset is tried once more; only a reset that repeats is the probe's answer.
    agent
      .get(ORIGIN)
      .intercept({ path: '/v1/boom', method: 'GET' })
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .times(2);
    const http = await clientWith(agent);
    const error = await http.send({ method: 'GET', path: '/boom' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as ProbeError).code).toBe('reset');
    expect((error as ProbeError).exchange?.error?.code).toBe('reset');
    expect((error as ProbeError).exchange?.retried?.code).toBe('reset');
    expect(http.recorded()).toHaveLength(2);
    await http.close();
  });
});
