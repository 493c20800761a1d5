import { fillPath } from '../config/endpoints.js';
import type { ProbeRequest } from './types.js';
import type { Endpoint } from '../types.js';

/**
 * The request a configured endpoint describes: its method, filled path, query, headers and example
 * body (JSON unless the config gives a string; a Content-Type from the config wins).
 */
export function endpointRequest(
  endpoint: Endpoint,
  overrides: { body?: unknown; headers?: Record<string, string>; purpose?: string } = {},
): ProbeRequest {
  const body = 'body' in overrides ? overrides.body : endpoint.body;
  const headers: Record<string, string> = { ...endpoint.headers };
  let wireBody: string | undefined;
  if (body !== undefined) {
    wireBody = typeof body === 'string' ? body : JSON.stringify(body);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
    }
  }
  return {
    method: endpoint.method,
    path: fillPath(endpoint),
    query: endpoint.query,
    headers: { ...headers, ...overrides.headers },
    ...(wireBody !== undefined ? { body: wireBody } : {}),
    ...(overrides.purpose ? { purpose: overrides.purpose } : {}),
  };
}
