import type { OpenApiDocument, SecurityRequirement, SecurityScheme } from './document.js';
import { isObject } from './load.js';
import type { SpecOperation } from './operations.js';

export interface AuthGuess {
  headers: Record<string, string>;
  query: Record<string, string>;
  /** Environment variables the user must set before an audit, and what goes in each. */
  env: Array<{ name: string; what: string }>;
  /** The securitySchemes used, e.g. ["bearerAuth (http bearer)"]. */
  from: string[];
  /** Schemes that cannot be expressed as headers or query parameters. */
  unsupported: string[];
}

/**
 * The auth: block for the requirement most operations use (the document's global one, else the
 * commonest per-operation one), with ${ENV} placeholders where credentials go. Undefined when the
 * document declares no security at all.
 */
export function authFromSpec(document: OpenApiDocument, operations: readonly SpecOperation[]): AuthGuess | undefined {
  const schemes = isObject(document.components?.securitySchemes) ? document.components.securitySchemes : {};
  const requirement = pickRequirement(document.security, operations);
  if (!requirement) return undefined;
  const guess: AuthGuess = { headers: {}, query: {}, env: [], from: [], unsupported: [] };
  const envName = (base: string): string => {
    let name = base;
    for (let n = 2; guess.env.some((e) => e.name === name); n++) name = `${base}_${n}`;
    return name;
  };
  for (const name of Object.keys(requirement)) {
    const scheme = schemes[name];
    if (!isObject(scheme)) {
      guess.unsupported.push(`${name} (not defined under components.securitySchemes)`);
      continue;
    }
    const added = addScheme(guess, name, scheme, envName);
    if (added) guess.from.push(`${name} (${added})`);
    else guess.unsupported.push(`${name} (${describeScheme(scheme)})`);
  }
  return guess;
}

function addScheme(guess: AuthGuess, name: string, scheme: SecurityScheme, envName: (base: string) => string): string | undefined {
  const added = addSchemeEnv(guess, name, scheme, envName);
  // An imported collection or recording says where the value was seen; only plain characters reach the terminal.
  const seen = scheme['x-preflight-seen'];
  const last = guess.env[guess.env.length - 1];
  if (added && last && typeof seen === 'string' && /^[\w{}., -]{1,80}$/.test(seen)) last.what += ` (was ${seen})`;
  return added;
}

function addSchemeEnv(guess: AuthGuess, name: string, scheme: SecurityScheme, envName: (base: string) => string): string | undefined {
  const type = String(scheme.type ?? '').toLowerCase();
  const httpScheme = String(scheme.scheme ?? '').toLowerCase();
  if ((type === 'http' && httpScheme === 'bearer') || type === 'oauth2' || type === 'openidconnect') {
    const env = envName('API_TOKEN');
    guess.headers.Authorization = `Bearer \${${env}}`;
    guess.env.push({
      name: env,
      what:
        type === 'http'
          ? `a bearer token${scheme.bearerFormat ? ` (${scheme.bearerFormat})` : ''}`
          : `an access token from the ${type === 'oauth2' ? 'OAuth2' : 'OpenID Connect'} flow (scheme ${name})`,
    });
    return type === 'http' ? 'http bearer' : type === 'oauth2' ? 'oauth2, sent as a bearer token' : 'openIdConnect, sent as a bearer token';
  }
  if (type === 'http' && httpScheme === 'basic') {
    const env = envName('API_BASIC_AUTH');
    guess.headers.Authorization = `Basic \${${env}}`;
    guess.env.push({ name: env, what: 'base64 of user:password' });
    return 'http basic';
  }
  if (type === 'apikey' && typeof scheme.name === 'string' && scheme.name) {
    const env = envName('API_KEY');
    if (scheme.in === 'query') guess.query[scheme.name] = `\${${env}}`;
    // The cookie name is spec text inside a value: written $${ so it can never read the environment.
    else if (scheme.in === 'cookie')
      guess.headers.Cookie = [guess.headers.Cookie, `${scheme.name.replace(/\$\{/g, '$$$${')}=\${${env}}`].filter(Boolean).join('; ');
    else guess.headers[scheme.name] = `\${${env}}`;
    guess.env.push({ name: env, what: `the API key (${scheme.in ?? 'header'} ${scheme.name})` });
    return `apiKey in ${scheme.in ?? 'header'} ${scheme.name}`;
  }
  return undefined;
}

function describeScheme(scheme: SecurityScheme): string {
  return [scheme.type, scheme.scheme].filter(Boolean).join(' ') || 'unknown type';
}

function pickRequirement(global: SecurityRequirement[] | undefined, operations: readonly SpecOperation[]): SecurityRequirement | undefined {
  const nonEmpty = (list: SecurityRequirement[] | undefined): SecurityRequirement | undefined =>
    Array.isArray(list) ? list.find((req) => isObject(req) && Object.keys(req).length > 0) : undefined;
  const fromGlobal = nonEmpty(global);
  if (fromGlobal) return fromGlobal;
  const counts = new Map<string, { requirement: SecurityRequirement; count: number }>();
  for (const operation of operations) {
    const requirement = nonEmpty(operation.security);
    if (!requirement) continue;
    const key = Object.keys(requirement).sort().join('+');
    const entry = counts.get(key) ?? { requirement, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count)[0]?.requirement;
}
