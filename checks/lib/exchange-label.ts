import { type Endpoint, type Exchange, pathWithinBase, type Target, templateRegex } from '../api.js';

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
  const path = pathWithinBase(exchange.url, target.baseUrl);
  const template = target.endpoints.find((e) => e.path.includes('{') && templateOf(e).test(path));
  return `${exchange.method} ${template?.path ?? path}`;
}

/** The configured endpoint an exchange went to, if its method and path fit one. */
export function configuredEndpoint(
  exchange: Pick<Exchange, 'method' | 'url'>,
  target: Pick<Target, 'baseUrl' | 'endpoints'>,
): Endpoint | undefined {
  const path = pathWithinBase(exchange.url, target.baseUrl);
  return target.endpoints.find((e) => e.method === exchange.method && templateOf(e).test(path));
}

const templates = new WeakMap<Endpoint, RegExp>();

/** Each endpoint's template regex, built once per run (analysis checks test every recorded exchange). */
function templateOf(endpoint: Endpoint): RegExp {
  let regex = templates.get(endpoint);
  if (!regex) {
    regex = templateRegex(endpoint.path);
    templates.set(endpoint, regex);
  }
  return regex;
}
