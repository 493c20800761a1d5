import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { instrumentDemo, withTelemetry } from './telemetry.js';
import { jwtUserOf, listen, readBody, registerDemoTokens, seedOrders, sendJson, type Order, type RunningServer } from './common.js';

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 20;
const MAX_BODY_BYTES = 64 * 1024;
const MAX_URL_BYTES = 8 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;

interface StoredResponse {
  bodyHash: string;
  status: number;
  body: unknown;
  inFlight: boolean;
}

/**
 * The demo's fixed API: the same routes as the broken one, each done right.
 * Default-deny auth, capped cursor pagination, one error shape that leaks nothing, Idempotency-Key,
 * a request id on every response, background jobs for slow work, size caps on everything.
 */
export async function startFixedApi(): Promise<RunningServer> {
  const orders: Order[] = seedOrders();
  const idempotency = new Map<string, StoredResponse>();
  const jobs = new Map<string, { status: string }>();
  let nextId = 1;
  // 256 random bits per start, never a default or a word: a token cannot be forged offline.
  const jwtSecret = randomBytes(32);

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}): void =>
      sendJson(res, status, { error: { code, message, request_id: requestId } }, headers);

    try {
      if ((req.url ?? '').length > MAX_URL_BYTES) return fail(414, 'uri_too_long', `The URL is longer than ${MAX_URL_BYTES} bytes.`);
      const headerBytes = req.rawHeaders.reduce((sum, part) => sum + part.length + 2, 0);
      if (headerBytes > MAX_HEADER_BYTES) return fail(431, 'headers_too_large', `Request headers exceed ${MAX_HEADER_BYTES} bytes.`);

      const url = new URL(req.url ?? '/', 'http://demo');
      const path = url.pathname;

      if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) return sendJson(res, 200, { status: 'ok' });

      // Default-deny: nothing below this line is reachable without a valid token. Identity comes
      // from the token alone; X-User-Id and friends are ignored.
      const user = jwtUserOf(req, jwtSecret);
      if (!user) return fail(401, 'unauthorized', 'A valid bearer token is required.', { 'www-authenticate': 'Bearer' });

      const route = routeOf(req.method ?? 'GET', path);
      if (route === 'not-found') return fail(404, 'not_found', 'No such resource.');
      if (route.allow) return fail(405, 'method_not_allowed', `Use ${route.allow}.`, { allow: route.allow });

      switch (route.name) {
        case 'list-orders': {
          const limitText = url.searchParams.get('limit');
          const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
          if (!/^\d+$/.test(limitText ?? '0') || !Number.isSafeInteger(limit) || limit < 1) {
            return fail(400, 'invalid_limit', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
          }
          const mine = orders.filter((o) => o.user === user);
          const cursor = url.searchParams.get('cursor');
          let start = 0;
          if (cursor !== null) {
            const decoded = decodeCursor(cursor);
            if (decoded === undefined || decoded > mine.length) return fail(400, 'invalid_cursor', 'The cursor is not valid.');
            start = decoded;
          }
          const page = mine.slice(start, start + Math.min(limit, MAX_LIMIT));
          const end = start + page.length;
          return sendJson(res, 200, { data: page, next_cursor: end < mine.length ? encodeCursor(end) : null });
        }
        case 'get-order': {
          const order = orders.find((o) => o.id === route.id && o.user === user);
          return order ? sendJson(res, 200, order) : fail(404, 'not_found', 'No such order.');
        }
        case 'create-order':
          return await createOrder(req, res, user, fail);
        case 'report-summary':
          // Precomputed by a nightly job: the request only reads it.
          return sendJson(res, 200, { orders: orders.length, revenue_cents: 1834500, computed_at: '2026-11-26T03:00:00Z' });
        case 'create-import': {
          const body = await readJsonBody(req, res, fail);
          if (!body) return;
          // Validated before queueing: a job must not be the first to find out the input is nonsense.
          let source: unknown;
          try {
            source = (JSON.parse(body.text) as { source?: unknown } | null)?.source;
          } catch {
            return fail(400, 'invalid_json', 'The body is not valid JSON.');
          }
          if (typeof source !== 'string' || source.length < 1 || source.length > 2048)
            return fail(422, 'validation_failed', 'source must be a URL string of at most 2048 characters.');
          const id = `job_${randomUUID().slice(0, 8)}`;
          jobs.set(id, { status: 'queued' });
          return sendJson(res, 202, { job_id: id, status_url: `/api/jobs/${id}` }, { location: `/api/jobs/${id}` });
        }
        case 'get-job': {
          const job = jobs.get(route.id);
          return job ? sendJson(res, 200, { job_id: route.id, ...job }) : fail(404, 'not_found', 'No such job.');
        }
      }
    } catch {
      // Details go to the log, never to the response.
      if (!res.headersSent) fail(500, 'internal', 'Something went wrong on our side. Quote the request id when you contact support.');
    }
  };

  async function createOrder(
    req: IncomingMessage,
    res: ServerResponse,
    user: string,
    fail: (status: number, code: string, message: string) => void,
  ): Promise<void> {
    const body = await readJsonBody(req, res, fail);
    if (!body) return;
    let input: unknown;
    try {
      input = JSON.parse(body.text);
    } catch {
      return fail(400, 'invalid_json', 'The body is not valid JSON.');
    }
    const { sku, qty } = (input ?? {}) as { sku?: unknown; qty?: unknown };
    if (
      typeof sku !== 'string' ||
      sku.length < 1 ||
      sku.length > 64 ||
      !Number.isInteger(qty) ||
      (qty as number) < 1 ||
      (qty as number) > 1000
    ) {
      return fail(422, 'validation_failed', 'sku must be a string (1-64 chars) and qty an integer from 1 to 1000.');
    }
    const key = req.headers['idempotency-key'];
    const bodyHash = createHash('sha256').update(body.text).digest('hex');
    const slot = typeof key === 'string' ? `${user}:${key}` : undefined;
    if (slot) {
      const seen = idempotency.get(slot);
      if (seen?.inFlight) return fail(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
      if (seen && seen.bodyHash !== bodyHash)
        return fail(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different body.');
      if (seen) return sendJson(res, seen.status, seen.body, { 'idempotent-replayed': 'true' });
      idempotency.set(slot, { bodyHash, status: 0, body: null, inFlight: true });
    }
    // Simulate the write taking a moment, so concurrent duplicates really overlap.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const order: Order = { id: `ord_new_${nextId++}`, user, sku, qty: qty as number, created_at: new Date().toISOString() };
    orders.push(order);
    if (slot) idempotency.set(slot, { bodyHash, status: 201, body: order, inFlight: false });
    return sendJson(res, 201, order);
  }

  const telemetry = await instrumentDemo('fixed', handler);
  return withTelemetry(registerDemoTokens(await listen(telemetry.handler, { maxHeaderSize: 128 * 1024 }), jwtSecret), telemetry);
}

function tooLarge(res: ServerResponse, fail: (status: number, code: string, message: string) => void): void {
  res.setHeader('connection', 'close');
  fail(413, 'payload_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`);
}

/**
 * The body of a JSON write, or undefined once the refusal is sent: the wrong media type (415), too
 * large (413), or bytes that are not UTF-8 (400: decoding them anyway would store U+FFFD).
 */
async function readJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  fail: (status: number, code: string, message: string) => void,
): Promise<{ text: string } | undefined> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    return void fail(415, 'unsupported_media_type', 'Send application/json.');
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body.tooLarge) return void tooLarge(res, fail);
  if (!body.utf8) return void fail(400, 'invalid_utf8', 'The body is not valid UTF-8.');
  return body;
}

type Route =
  | { name: 'list-orders' | 'create-order' | 'report-summary' | 'create-import'; id?: undefined; allow?: undefined }
  | { name: 'get-order' | 'get-job'; id: string; allow?: undefined }
  | { name?: undefined; allow: string; id?: undefined };

/** Routes by path, then method; a known path with the wrong method is a 405 with Allow. */
function routeOf(method: string, path: string): Route | 'not-found' {
  const order = /^\/api\/orders\/([\w-]+)$/.exec(path);
  const job = /^\/api\/jobs\/([\w-]+)$/.exec(path);
  const table: Array<[boolean, Record<string, Route>]> = [
    [path === '/api/orders', { GET: { name: 'list-orders' }, POST: { name: 'create-order' } }],
    [order !== null, { GET: { name: 'get-order', id: order?.[1] ?? '' } }],
    [path === '/api/reports/summary', { GET: { name: 'report-summary' } }],
    [path === '/api/imports', { POST: { name: 'create-import' } }],
    [job !== null, { GET: { name: 'get-job', id: job?.[1] ?? '' } }],
  ];
  const match = table.find(([matches]) => matches);
  if (!match) return 'not-found';
  const byMethod = match[1];
  const verb = method === 'HEAD' ? 'GET' : method;
  return byMethod[verb] ?? { allow: Object.keys(byMethod).join(', ') };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}
