import type { Endpoint } from '../types.js';

/** What `init` writes where the spec gives no example value; an audit leaves such endpoints unprobed. */
export const TODO_PLACEHOLDER = 'TODO';

/** Fills {name} placeholders from the endpoint's params (URL-encoded). */
export function fillPath(endpoint: Pick<Endpoint, 'path' | 'params'>, overrides: Record<string, string> = {}): string {
  return endpoint.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(overrides[name] ?? endpoint.params[name] ?? ''));
}

/** The names of a path template's {placeholders}. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
}

/** True when `path` is on the allow-list: an exact entry, or below an entry ending in /* . */
export function isPublicPath(path: string, publicPaths: readonly string[]): boolean {
  const normalised = stripTrailingSlash(path.split('?')[0] ?? path);
  return publicPaths.some((entry) => {
    if (entry.endsWith('/*')) {
      const prefix = entry.slice(0, -2);
      return normalised === prefix || normalised.startsWith(`${prefix}/`);
    }
    return stripTrailingSlash(entry) === normalised;
  });
}

function stripTrailingSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** "GET /api/orders" → the endpoint with that label, or one whose path is that path. */
export function findEndpoint(endpoints: readonly Endpoint[], label: string): Endpoint | undefined {
  const trimmed = label.trim();
  return (
    endpoints.find((endpoint) => endpoint.label === trimmed) ??
    endpoints.find((endpoint) => endpoint.method === 'GET' && endpoint.path === trimmed)
  );
}

/** A path template as a regex: each {name} matches one segment; a trailing slash is allowed. */
export function templateRegex(template: string): RegExp {
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}/?$`);
}

/** The path of a recorded URL relative to the target's base path (a base URL may carry /v1). */
export function pathWithinBase(url: string, baseUrl: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    pathname = url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0] ?? url;
  }
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return basePath && pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : pathname;
}
