import type { Endpoint, Exchange, Target } from '../api.js';

/**
 * Names the endpoint an exchange of the run went to, for analysis findings: the configured label
 * ("GET /api/orders/{id}") when the path fits a configured template, the template with this method
 * when only another method is configured there ("DELETE /api/orders/{id}": a record this run created
 * has a new id every run, and a finding named after it would be a new finding every run), else
 * "METHOD /the/path".
 */
export function labelExchange(exchange: Pick<Exchange, 'method' | 'url'>, target: Pick<Target, 'baseUrl' | 'endpoints'>): string {
  const configured = configuredEndpoint(exchange, target);
  if (configured) return configured.label;
  const path = pathOf(exchange.url, target.baseUrl);
  const template = target.endpoints.find((e) => e.path.includes('{') && templateRegex(e).test(path));
  return `${exchange.method} ${template?.path ?? path}`;
}

/** The configured endpoint an exchange went to, if its method and path fit one. */
export function configuredEndpoint(
  exchange: Pick<Exchange, 'method' | 'url'>,
  target: Pick<Target, 'baseUrl' | 'endpoints'>,
): Endpoint | undefined {
  const path = pathOf(exchange.url, target.baseUrl);
  return target.endpoints.find((e) => e.method === exchange.method && templateRegex(e).test(path));
}

/** The path of an exchange relative to the target's base path (a base URL may carry /v1). */
function pathOf(url: string, baseUrl: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    pathname = url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0] ?? url;
  }
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return basePath && pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : pathname;
}

const templates = new WeakMap<Endpoint, RegExp>();

function templateRegex(endpoint: Endpoint): RegExp {
  let regex = templates.get(endpoint);
  if (!regex) {
    const pattern = endpoint.path
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    regex = new RegExp(`^${pattern}/?$`);
    templates.set(endpoint, regex);
  }
  return regex;
}
