import { afterEach } from 'vitest';
import { startServer, type TestServer } from './servers.js';

/**
 * Call inside describe(): `serve(handler)` starts a recording loopback server (startServer), and every
 * server it started is closed after each test.
 */
export function useServers(): (...args: Parameters<typeof startServer>) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });
  return async (...args) => {
    const server = await startServer(...args);
    servers.push(server);
    return server;
  };
}
