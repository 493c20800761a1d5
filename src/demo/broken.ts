import type { IncomingMessage, ServerResponse } from 'node:http';
import { instrumentDemo, withTelemetry } from './telemetry.js';
import {
  jwtUserOf,
  listen,
  readBody,
  registerDemoTokens,
  seedOrders,
  sendJson,
  sendText,
  sleep,
  type Order,
  type RunningServer,
} from './common.js';

/** jwt.io's example secret, shipped to production more often than anyone would like. */
const WEAK_JWT_SECRET = 'your-256-bit-secret';

/**
 * The demo's broken API: every mistake on the checklist, as teams really ship them.
 * - GET /api/orders returns every order (no cap, no cursor) and answers limit=abc with a stack trace and SQL
 * - errors leak stack traces, SQL and the database host; 404s are HTML, 400s plain text
 * - auth is allow-by-exception: /api/reports/summary forgot it, X-User-Id is trusted, /admin is open
 * - POST /api/orders ignores Idempotency-Key and takes a body of any size
 * - no request id; /api/reports/summary and /api/imports do slow work inside the request
 * - user tokens are HS256 JWTs signed with jwt.io's example secret; GET /api/orders/{id} returns
 *   anyone's order to any signed-in user, and CORS reflects any origin with credentials
 */
export async function startBrokenApi(options: { slowMs?: number } = {}): Promise<RunningServer> {
  const slowMs = options.slowMs ?? 1200;
  const orders: Order[] = seedOrders();
  let nextId = 1;

  const leak = (res: ServerResponse, error: string, sql: string): void => {
    const stack = [
      `${error}`,
      '    at Parser.parseErrorMessage (/srv/orders-api/node_modules/pg-protocol/dist/parser.js:287:98)',
      '    at Parser.handlePacket (/srv/orders-api/node_modules/pg-protocol/dist/parser.js:126:29)',
      '    at OrdersRepository.list (/srv/orders-api/src/repositories/orders.js:41:23)',
      '    at processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ].join('\n');
    sendJson(
      res,
      500,
      { error: error, stack, query: sql, db: 'postgres://orders_rw@db-primary.internal.corp:5432/orders' },
      { 'x-powered-by': 'Express', server: 'nginx/1.18.0' },
    );
  };

  // Trusts whatever the caller says about who it is: the frontend "always" sets X-User-Id.
  const identify = (req: IncomingMessage): string | undefined =>
    (req.headers['x-user-id'] as string | undefined) ?? jwtUserOf(req, WEAK_JWT_SECRET);

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://demo');
    const path = url.pathname;
    const origin = req.headers.origin;
    // "CORS errors in the console": fixed by allowing whoever asks, cookies included.
    const cors: Record<string, string> = origin
      ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' }
      : {};
    const headers = { 'x-powered-by': 'Express', server: 'nginx/1.18.0', ...cors };

    if (path === '/health') return sendJson(res, 200, { status: 'ok' }, headers);

    // "Only ops know this URL." Any method, no auth.
    if (path.startsWith('/admin')) {
      return sendJson(
        res,
        200,
        { recalculated: true, accounts: 1832, env: { DATABASE_URL: 'postgres://orders_rw@db-primary.internal.corp:5432/orders' } },
        headers,
      );
    }

    // Forgot the auth middleware on this route; and the report is computed inline, every time.
    if (path === '/api/reports/summary' && req.method === 'GET') {
      await sleep(slowMs);
      return sendJson(res, 200, { orders: orders.length, revenue_cents: 1834500 }, headers);
    }

    const user = identify(req);
    if (path.startsWith('/api/') && !user) return sendText(res, 401, 'Unauthorized', 'text/plain', headers);

    if (path === '/api/orders' && req.method === 'GET') {
      const limit = url.searchParams.get('limit');
      if (limit !== null && !/^-?\d+$/.test(limit)) {
        return leak(
          res,
          `error: invalid input syntax for type integer: "${limit}"`,
          `SELECT * FROM orders WHERE user_id = '${user}' ORDER BY id LIMIT ${limit}`,
        );
      }
      // The limit is "applied in the frontend": every order goes out.
      return sendJson(res, 200, { data: orders.filter((o) => o.user === user) }, headers);
    }

    const one = /^\/api\/orders\/([^/]+)$/.exec(path);
    if (one && req.method === 'GET') {
      // Looks up by id alone: any signed-in user reads anyone's order (broken object-level authorization).
      const order = orders.find((o) => o.id === one[1]) ?? (req.headers['x-user-id'] ? orders.find((o) => o.user === user) : undefined);
      return order ? sendJson(res, 200, order, headers) : sendText(res, 404, `Order ${one[1]} not found`, 'text/plain', headers);
    }

    if (path === '/api/orders' && req.method === 'POST') {
      const body = await readBody(req);
      let input: { sku?: unknown; qty?: unknown };
      try {
        input = JSON.parse(body.text) as typeof input;
      } catch (error) {
        return leak(res, `SyntaxError: ${(error as Error).message}`, `INSERT INTO orders (user_id, sku, qty) VALUES ('${user}', ?, ?)`);
      }
      // Idempotency-Key? Never heard of it: every submit is a new order.
      const order: Order = {
        id: `ord_new_${nextId++}`,
        user: user!,
        sku: String(input.sku),
        qty: Number(input.qty),
        created_at: new Date().toISOString(),
      };
      orders.push(order);
      return sendJson(res, 201, order, headers);
    }

    // "Async" import that does all the work before answering.
    if (path === '/api/imports' && req.method === 'POST') {
      await readBody(req);
      await sleep(slowMs);
      return sendJson(res, 200, { imported: 1200 }, headers);
    }

    if (path.startsWith('/api/')) {
      return sendText(
        res,
        500,
        `TypeError: Cannot read properties of undefined (reading 'handler')\n    at Router.dispatch (/srv/orders-api/src/router.js:88:17)`,
        'text/plain',
        headers,
      );
    }
    return sendText(
      res,
      404,
      `<!DOCTYPE html><html><head><title>Error</title></head><body><pre>Cannot ${req.method} ${path}</pre></body></html>`,
      'text/html; charset=utf-8',
      headers,
    );
  };
  const telemetry = await instrumentDemo('broken', handler);
  return withTelemetry(registerDemoTokens(await listen(telemetry.handler), WEAK_JWT_SECRET), telemetry);
}
