import { createServer } from '@mswjs/http-middleware';
import type { RequestHandler } from 'msw';
import { serveApp } from './serve-app.js';

/**
 * A fixture API written as msw handlers, served on a real loopback port. (msw's setupServer only
 * patches the global fetch, not undici's request, so it cannot stand in for the network here.)
 * Unmatched requests get the middleware's 404 JSON.
 */
export async function startMswServer(...handlers: RequestHandler[]): Promise<{ url: string; close(): Promise<void> }> {
  return serveApp(createServer(...handlers));
}
