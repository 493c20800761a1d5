import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An app with express's listen(): express itself, or the msw middleware (which is express). */
export interface ListeningApp {
  listen(port: number, host: string, callback: () => void): Server;
}

/** Serves an express-style app on 127.0.0.1, port 0; close() drops open connections first. */
export async function serveApp(app: ListeningApp): Promise<{ url: string; close(): Promise<void> }> {
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
