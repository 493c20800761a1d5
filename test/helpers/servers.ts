import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface TestServer {
  url: string;
  server: Server;
  /** Every request the server saw, in order: what the tool really sent. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; at: number }>;
  close(): Promise<void>;
}

/**
 * A plain node:http server on 127.0.0.1, port 0, that records every request. For fixture APIs where
 * sockets must misbehave, or where we count what arrived.
 */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  options: { maxHeaderSize?: number } = {},
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer({ maxHeaderSize: options.maxHeaderSize ?? 16 * 1024 }, (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, at: performance.now() });
    Promise.resolve(handler(req, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('test server handler threw');
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Streams `total` bytes of `fill` in chunks, waiting for the client to drain each; stops (and leaves
 * the rest unsent) when the client goes away. Returns how much has been written so far.
 */
export function streamBytes(res: ServerResponse, total: number, fill = 0x20, chunkSize = 256 * 1024): { written(): number } {
  const chunk = Buffer.alloc(chunkSize, fill);
  let written = 0;
  const pump = (): void => {
    while (written < total) {
      written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
  return { written: () => written };
}
