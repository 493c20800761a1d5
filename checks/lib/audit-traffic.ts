import type { CheckContext, Exchange } from '../api.js';

/** One request of the audit that reached the service's code, as the service's telemetry should have seen it. */
export interface TracedRequest {
  exchange: Exchange;
  method: string;
  /** The path the service saw (base path included), without the query. */
  path: string;
  status: number;
  /** The request id the audit sent and the one it got back (either may be missing; the same id once). */
  ids: string[];
}

/** Methods an HTTP parser knows; an unknown token is refused by the parser before the app. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * True when the HTTP server itself refused the request before the app ran, so no metric and no log
 * line can hold it: oversized headers (431), an over-long URL (414), an unknown method token (400),
 * or the parser's bare 400 (no body, no content type).
 */
export function refusedByParser(exchange: Exchange): boolean {
  const { status } = exchange;
  if (status === 431 || status === 414) return true;
  if (status !== 400) return false;
  if (!KNOWN_METHODS.has(exchange.method.toUpperCase())) return true;
  return !header(exchange.responseHeaders, 'content-type') && (exchange.responseBytes ?? 0) === 0;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/**
 * Every answered request of the run so far that reached the service's code: the audit's own traffic,
 * the ground truth item 9 compares the service's metrics and logs with.
 */
export function tracedRequests(ctx: CheckContext): { traced: TracedRequest[]; refused: Exchange[] } {
  const traced: TracedRequest[] = [];
  const refused: Exchange[] = [];
  const idHeader = ctx.target.requestId.header;
  for (const { exchange } of ctx.http.eachRecorded()) {
    if (exchange.status === undefined) continue;
    if (refusedByParser(exchange)) {
      refused.push(exchange);
      continue;
    }
    const ids = [header(exchange.requestHeaders, idHeader), header(exchange.responseHeaders, idHeader)].filter(
      (id, index, all): id is string => !!id && id.length >= 8 && all.indexOf(id) === index,
    );
    traced.push({
      exchange,
      method: exchange.method.toUpperCase(),
      path: pathOf(exchange.url),
      status: exchange.status,
      ids,
    });
  }
  return { traced, refused };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0] ?? url;
  }
}

/** "GET /api/orders → 500". */
export function tracedLine(request: TracedRequest): string {
  return `${request.method} ${request.path} → ${request.status}`;
}

/** What item 9 says when observability: names no source at all. */
export const NOT_AUDITED = 'not audited: add observability.metrics / alertRules / logs';
