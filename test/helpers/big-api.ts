// A well-behaved API with as many endpoints as a test asks for, on 127.0.0.1: lists that cap and
// paginate, reads, writes that honour Idempotency-Key, async jobs answering 202, request ids, one error
// shape. Used by the budget-plan and memory tests and by the bench's scale figures.
import { randomUUID } from 'node:crypto';
import { listen, readBody, sendJson, type RunningServer } from '../../src/demo/common.js';

export const BIG_API_TOKEN = 'big-api-token-7c1e';

/** The i-th endpoint: a list, a read, a write or an async job, in turn, spread over 40 path prefixes. */
export function bigApiEndpoint(i: number): string {
  const prefix = `/t${i % 40}`;
  switch (i % 4) {
    case 0:
      return `  - { path: ${prefix}/items${i}, kind: list, pagination: { limitParam: limit, cursorParam: cursor, cursorField: next_cursor, dataField: data, maxLimit: 100 } }`;
    case 1:
      return `  - { path: "${prefix}/r${i}/{id}", params: { id: x1 } }`;
    case 2:
      return `  - { method: POST, path: ${prefix}/items${i}, kind: write, body: { name: n } }`;
    default:
      return `  - { method: POST, path: ${prefix}/jobs${i}, kind: async, body: { name: n } }`;
  }
}

/** A config for `count` endpoints of the big API; `limits` and `extra` are YAML fragments. */
export function bigApiConfig(url: string, count: number, options: { limits?: string; extra?: string; allowWrites?: boolean } = {}): string {
  const endpoints = Array.from({ length: count }, (_, i) => bigApiEndpoint(i)).join('\n');
  return [
    `target: { name: big-api-${count}, baseUrl: "${url}" }`,
    `auth: { headers: { Authorization: "Bearer ${BIG_API_TOKEN}" } }`,
    'publicPaths: [/health]',
    'health: /health',
    `allowWrites: ${options.allowWrites ?? true}`,
    `limits: ${options.limits ?? '{ concurrency: 8, requestsPerSecond: 10000, maxRequests: 2000, timeoutMs: 5000 }'}`,
    'latency: { samples: 10, concurrency: 2, maxSeconds: 5 }',
    options.extra ?? '',
    'endpoints:',
    endpoints,
    '',
  ].join('\n');
}

export function startBigApi(): Promise<RunningServer> {
  // Idempotency: the answer to a key is remembered, with the body it came with (bounded by the run's requests).
  const keys = new Map<string, { body: string; id: string }>();
  return listen(async (req, res) => {
    const requestId = String(req.headers['x-request-id'] ?? randomUUID());
    const headers = { 'x-request-id': requestId };
    const url = new URL(req.url ?? '/', 'http://x');
    const error = (status: number, code: string, message: string): void => sendJson(res, status, { error: { code, message } }, headers);
    if (url.pathname === '/health') return sendJson(res, 200, { ok: true }, headers);
    if (req.headers.authorization !== `Bearer ${BIG_API_TOKEN}`) return error(401, 'unauthorized', 'a bearer token is required');
    const last = url.pathname.split('/').pop() ?? '';
    const isList = /^items\d+$/.test(last);
    const isJob = /^jobs\d+$/.test(last);
    const isRead = /^r\d+\/x1$/.test(url.pathname.split('/').slice(-2).join('/'));
    if (req.method === 'GET' && isList) {
      const raw = url.searchParams.get('limit');
      if (raw !== null && !/^\d+$/.test(raw)) return error(400, 'bad_limit', 'limit must be a positive whole number');
      const cursor = url.searchParams.get('cursor');
      if (cursor !== null && cursor !== 'p2') return error(400, 'bad_cursor', 'cursor is not one this API gave out');
      const size = Math.min(100, raw === null ? 20 : Math.max(1, Number(raw)));
      const offset = cursor === 'p2' ? size : 0;
      return sendJson(
        res,
        200,
        { data: Array.from({ length: size }, (_, n) => ({ id: `it_${offset + n}` })), next_cursor: cursor ? null : 'p2' },
        headers,
      );
    }
    if (req.method === 'GET' && isRead) return sendJson(res, 200, { id: 'x1', name: 'n' }, headers);
    if (req.method === 'POST' && (isList || isJob)) {
      const body = await readBody(req, 64 * 1024);
      if (body.tooLarge) return error(413, 'too_large', 'the body is over 64 KiB');
      try {
        JSON.parse(body.text);
      } catch {
        return error(400, 'bad_json', 'the body is not JSON');
      }
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string') {
        const seen = keys.get(key);
        if (seen && seen.body !== body.text) return error(422, 'key_reused', 'this Idempotency-Key came with another body');
        if (seen) return sendJson(res, isJob ? 202 : 201, { id: seen.id }, headers);
      }
      const id = `obj_${randomUUID().slice(0, 8)}`;
      if (typeof key === 'string' && keys.size < 100_000) keys.set(key, { body: body.text, id });
      return sendJson(res, isJob ? 202 : 201, { id }, headers);
    }
    if (isList || isJob || isRead) return error(405, 'method_not_allowed', 'method not allowed');
    return error(404, 'not_found', 'no such route');
  });
}
