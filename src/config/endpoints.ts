import type { Endpoint } from '../types.js';

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
