import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '@mswjs/http-middleware';
import type { RequestHandler } from 'msw';

/**
 * A fixture API written as msw handlers, served on a real loopback port. (msw's setupServer only
 * patches the global fetch, not undici's request, so it cannot stand in for the network here.)
 * Unmatched requests get the middleware's 404 JSON.
 */
export async function startMswServer(...handlers: RequestHandler[]): Promise<{ url: string; close(): Promise<void> }> {
  const app = createServer(...handlers);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
