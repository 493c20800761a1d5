import http, { type IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Readable } from 'node:stream';
import tls from 'node:tls';

/**
 * Sends one request on its own connection with node:http, for the probes a server may answer
 * before it has read the whole request (an oversized body, a huge header or URL, an unknown method
 * token) and then close.
 *
 * Why not undici: when the server closes with request bytes still unread, its kernel sends a reset;
 * the next write of the body fails with EPIPE or ECONNRESET, and undici (like node:http on a plain
 * socket) fails the request on that write error, throwing away the 413/431/400 already waiting in the
 * receive buffer. Measured on loopback: 6 of 20 10 MiB POSTs to Fastify's bodyLimit saw the 413.
 * Here a write error only stops the body: the socket stays open for reading, so the answer the
 * server sent is parsed (Linux keeps received bytes readable after a reset), as curl does.
 */
export interface EarlyAnswerRequest {
  origin: string;
  /** Path and query, sent exactly as written. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | Readable | undefined;
  signal: AbortSignal;
  tls?: { insecure?: boolean; ca?: string | Buffer };
}

export interface EarlyAnswer {
  statusCode: number;
  headers: IncomingMessage['headers'];
  body: IncomingMessage;
}

export async function sendTolerantOfEarlyAnswers(request: EarlyAnswerRequest): Promise<EarlyAnswer> {
  const url = new URL(request.origin);
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (secure ? 443 : 80));
  const headers = { ...request.headers };
  const hasLength = Object.keys(headers).some((name) => name.toLowerCase() === 'content-length');
  if (!hasLength && (typeof request.body === 'string' || request.body instanceof Uint8Array)) {
    headers['content-length'] = String(Buffer.byteLength(request.body));
  }
  const req = http.request({
    method: request.method,
    path: request.path,
    headers,
    // No agent: one connection per request, closed after it (node:http sends Connection: close).
    createConnection: () =>
      keepReadingAfterWriteErrors(
        secure
          ? tls.connect({
              host,
              port,
              ...(net.isIP(host) ? {} : { servername: host }),
              rejectUnauthorized: !request.tls?.insecure,
              ...(request.tls?.ca ? { ca: request.tls.ca } : {}),
              ALPNProtocols: ['http/1.1'],
            })
          : net.connect({ host, port }),
      ),
    signal: request.signal,
  });
  // A reset after the answer was read surfaces here too; the answer is what counts.
  req.on('error', () => undefined);
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  const responded = { yes: false };
  void answered.then(
    () => (responded.yes = true),
    () => undefined,
  );
  await writeBody(req, request.body, responded);
  const res = await answered;
  // Whatever the server does with the connection afterwards, this request is over once its body is read.
  res.once('end', () => req.destroy());
  res.once('close', () => req.destroy());
  return { statusCode: res.statusCode ?? 0, headers: res.headers, body: res };
}

/** Writes the body with backpressure, and stops as soon as the server answers or the socket fails. */
async function writeBody(req: http.ClientRequest, body: EarlyAnswerRequest['body'], responded: { yes: boolean }): Promise<void> {
  const stopped = (): boolean => responded.yes || req.destroyed || writeFailed(req);
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
    req.end(body);
    return;
  }
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      if (stopped()) break;
      if (!req.write(chunk)) await drainedOrOver(req);
      if (stopped()) break;
    }
  } finally {
    body.destroy();
  }
  if (!stopped()) req.end();
}

/** Resolves when the request can take more body, has an answer, or is over; leaves no listener behind. */
function drainedOrOver(req: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const events = ['drain', 'response', 'close', 'error'] as const;
    const done = (): void => {
      for (const event of events) req.off(event, done);
      resolve();
    };
    for (const event of events) req.once(event, done);
  });
}

const WRITE_FAILED = Symbol('writeFailed');

function writeFailed(req: http.ClientRequest): boolean {
  return Boolean((req.socket as (net.Socket & { [WRITE_FAILED]?: boolean }) | null)?.[WRITE_FAILED]);
}

/**
 * A socket whose write errors do not destroy it: the error is remembered (the body stops) and the
 * read side keeps going until the server's answer, and then its reset or close, have been read.
 */
function keepReadingAfterWriteErrors(socket: net.Socket): net.Socket {
  const marked = socket as net.Socket & { [WRITE_FAILED]?: boolean };
  const swallow = (callback: (error?: Error | null) => void) => (error?: Error | null) => {
    if (error) marked[WRITE_FAILED] = true;
    callback();
  };
  const write = socket._write.bind(socket);
  socket._write = (chunk, encoding, callback) => (marked[WRITE_FAILED] ? callback() : write(chunk, encoding, swallow(callback)));
  const writev = socket._writev?.bind(socket);
  if (writev) socket._writev = (chunks, callback) => (marked[WRITE_FAILED] ? callback() : writev(chunks, swallow(callback)));
  return socket;
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * Above this, a body may still be being written when a server that caps bodies answers and closes:
 * a socket's first send buffer is 16 KiB (Linux tcp_wmem), so a larger body is not handed over whole.
 */
const EARLY_BODY_BYTES = 16 * 1024;
/** Servers cap the request line and headers at 8–16 KiB and close after refusing them (414/431). */
const EARLY_HEAD_BYTES = 8 * 1024;

/**
 * Requests a server may refuse before reading them whole and then close: a large body, a large
 * request line or header block, or a method token its HTTP parser does not know.
 */
export function mayBeAnsweredEarly(
  method: string,
  target: string,
  headers: Record<string, string>,
  bodyBytes: number | undefined,
): boolean {
  if (!KNOWN_METHODS.has(method)) return true;
  if ((bodyBytes ?? 0) > EARLY_BODY_BYTES) return true;
  let head = method.length + target.length;
  for (const [name, value] of Object.entries(headers)) head += name.length + value.length + 4;
  return head > EARLY_HEAD_BYTES;
}
