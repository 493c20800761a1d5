import { isUtf8 } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Order {
  id: string;
  user: string;
  sku: string;
  qty: number;
  created_at: string;
}

/** 2,500 orders for alice (more than any sane page) and a few for bob (whose data must stay his). */
export function seedOrders(): Order[] {
  const orders: Order[] = [];
  const at = Date.UTC(2026, 0, 1);
  for (let i = 1; i <= 2500; i++) {
    orders.push({
      id: `ord_${String(i).padStart(5, '0')}`,
      user: 'u_alice',
      sku: `SKU-${i % 37}`,
      qty: 1 + (i % 5),
      created_at: new Date(at + i * 60_000).toISOString(),
    });
  }
  for (let i = 1; i <= 3; i++) {
    orders.push({ id: `ord_b${i}`, user: 'u_bob', sku: 'SKU-BOB', qty: i, created_at: new Date(at).toISOString() });
  }
  return orders;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * Reads the body, giving up (and reporting how much arrived) past `limit` bytes. `utf8` is false when
 * the bytes are not valid UTF-8 (decoding them anyway would silently store U+FFFD).
 */
export async function readBody(
  req: IncomingMessage,
  limit = Infinity,
): Promise<{ text: string; tooLarge: boolean; bytes: number; utf8: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > limit) {
      // Stop reading; the caller answers 413 and closes the connection.
      return { text: '', tooLarge: true, bytes, utf8: true };
    }
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  return { text: raw.toString('utf8'), tooLarge: false, bytes, utf8: isUtf8(raw) };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts a handler on 127.0.0.1, on a free port. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  options: { maxHeaderSize?: number } = {},
): Promise<RunningServer> {
  const server = createServer({ maxHeaderSize: options.maxHeaderSize ?? 16 * 1024 }, (req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) sendText(res, 500, String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The demo's users sign in with HS256 JWTs: the broken API signs them with a well-known default
 * secret, the fixed one with 32 random bytes per start. Their subjects are the users' ids.
 */
export const DEMO_USERS = { main: 'u_alice', other: 'u_bob' } as const;

export function signDemoJwt(sub: string, secret: string | Buffer): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, iat: 1767225600 })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The subject of a bearer JWT that is HS256 and signed with `secret`; undefined for anything else. */
export function jwtUserOf(req: IncomingMessage, secret: string | Buffer): string | undefined {
  const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const [header, payload, signature, extra] = token.split('.');
  if (!header || !payload || !signature || extra !== undefined) return undefined;
  try {
    if ((JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: unknown }).alg !== 'HS256') return undefined;
    const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub?: unknown }).sub;
    return typeof sub === 'string' && (Object.values(DEMO_USERS) as string[]).includes(sub) ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** Each running demo API's tokens, by its URL: the demo config reads them as ${DEMO_TOKEN} and ${DEMO_OTHER_TOKEN}. */
const demoTokens = new Map<string, { DEMO_TOKEN: string; DEMO_OTHER_TOKEN: string }>();

export function registerDemoTokens(server: RunningServer, secret: string | Buffer): RunningServer {
  demoTokens.set(server.url, { DEMO_TOKEN: signDemoJwt(DEMO_USERS.main, secret), DEMO_OTHER_TOKEN: signDemoJwt(DEMO_USERS.other, secret) });
  const close = server.close;
  return {
    ...server,
    close: () => {
      demoTokens.delete(server.url);
      return close();
    },
  };
}

/** Each running demo API's telemetry sources (DEMO_METRICS_URL, DEMO_RULES_FILE, DEMO_LOG_FILE), by its URL. */
export const demoTelemetryEnv = new Map<string, Record<string, string>>();

/** The env the demo config is loaded with for the demo API at `url`. */
export function demoEnv(url: string): Record<string, string> {
  return { DEMO_BASE_URL: url, ...demoTokens.get(url), ...demoTelemetryEnv.get(url) };
}
