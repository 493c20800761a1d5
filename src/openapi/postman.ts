// `init --from-postman`: a Postman Collection v2.0/v2.1, read with the official postman-collection SDK
// (loaded only here), becomes the ObservedApi that observed.ts turns into an OpenAPI document.
import type { SecurityScheme } from './document.js';
import { SpecError } from '../config/errors.js';
import { isObject } from './load.js';
import {
  credentialSchemes,
  paramName,
  readJsonInput,
  scrubSecrets,
  SECRET_NAME,
  TOKEN_NAME,
  type ObservedApi,
  type ObservedOperation,
} from './observed.js';

const MAX_COLLECTION_BYTES = 50 * 1024 * 1024;
const VARIABLE = /\{\{\s*([^{}]+?)\s*\}\}/g;
/** Postman's own converter (openapi-to-postmanv2) writes the schema type where the spec had no example: "<string>", "<long>". */
const TYPE_PLACEHOLDER = /^<([a-zA-Z-]+)>$/;

interface Variable {
  value?: string;
  /** Never written into the config: typed secret, named like a credential, or used for auth. */
  secret: boolean;
}

export interface PostmanOptions {
  cwd: string;
  environment?: string;
}

/** Reads a collection (and optionally an environment) into the requests it describes. */
export async function readPostman(source: string, options: PostmanOptions): Promise<ObservedApi> {
  const json = readJsonInput(source, options.cwd, 'Postman collection', MAX_COLLECTION_BYTES);
  const schema = isObject(json.info) ? String(json.info.schema ?? '') : '';
  const version = /collection\/v2\.([01])\.\d+/.exec(schema)?.[1];
  if (!version)
    throw new SpecError(
      source,
      'is not a Postman Collection v2.0 or v2.1 (no info.schema naming one)',
      'export it from Postman with Export → Collection v2.1',
    );
  // A CommonJS package: its exports are on the default export when imported from ESM.
  const sdk = (await import('postman-collection')) as unknown as {
    default?: typeof import('postman-collection');
  } & typeof import('postman-collection');
  const { Collection } = sdk.default ?? sdk;
  let collection: InstanceType<typeof Collection>;
  try {
    collection = new Collection(json as never);
  } catch (error) {
    throw new SpecError(source, `could not be read as a Postman collection: ${firstLine(error)}`);
  }

  const variables = new Map<string, Variable>();
  for (const [key, value] of Object.entries(collection.variables.toObject() as Record<string, unknown>))
    variables.set(key, { ...(value !== undefined && value !== null ? { value: String(value) } : {}), secret: SECRET_NAME.test(key) });
  const warnings: string[] = [];
  if (options.environment) {
    const env = readJsonInput(options.environment, options.cwd, 'Postman environment', MAX_COLLECTION_BYTES);
    const values = Array.isArray(env.values) ? env.values : [];
    for (const entry of values) {
      if (!isObject(entry) || typeof entry.key !== 'string' || entry.enabled === false) continue;
      variables.set(entry.key, {
        ...(entry.value !== undefined && entry.value !== null ? { value: String(entry.value) } : {}),
        secret: entry.type === 'secret' || SECRET_NAME.test(entry.key),
      });
    }
  }

  const schemes: Record<string, SecurityScheme> = {};
  const secrets: string[] = [];
  const secretVariables = new Set<string>();
  const operations: ObservedOperation[] = [];
  const bases = new Map<string, number>();

  // Values used by auth are secrets wherever else they appear.
  const noteSecret = (text: string | undefined): void => {
    if (!text) return;
    for (const [, name] of text.matchAll(VARIABLE)) {
      const variable = variables.get(name!);
      if (variable) variable.secret = true;
      secretVariables.add(name!);
    }
    const resolved = text.replace(VARIABLE, (_m, name: string) => variables.get(name)?.value ?? '');
    if (resolved) secrets.push(resolved);
  };
  collection.forEachItem((item) => {
    const auth = item.getAuth();
    if (auth) for (const value of Object.values(auth.parameters().toObject() as Record<string, unknown>)) noteSecret(String(value ?? ''));
    for (const header of item.request.headers.all()) if (isCredential(header.key)) noteSecret(header.value);
  });
  for (const [name, variable] of variables)
    if (variable.secret) {
      secretVariables.add(name);
      if (variable.value) secrets.push(variable.value);
    }

  /** {{var}} filled from the collection and environment: secrets and unknown variables become "TODO". */
  const fill = (text: string, encode = (value: string) => value): { text: string; todo: boolean } => {
    let todo = false;
    const filled = text.replace(VARIABLE, (_m, name: string) => {
      const variable = variables.get(name);
      if (!variable || variable.secret || variable.value === undefined) {
        todo = true;
        return 'TODO';
      }
      return encode(variable.value);
    });
    return { text: filled, todo };
  };

  collection.forEachItem((item) => {
    const request = item.request;
    const url = request.url;
    const method = String(request.method ?? 'GET').toUpperCase();
    const base = baseOf(url.protocol, url.getHost(), url.port, variables);
    bases.set(base ?? '', (bases.get(base ?? '') ?? 0) + 1);

    const pathExamples: Record<string, string> = {};
    const pathVariables = url.variables.toObject() as Record<string, unknown>;
    const segments = (url.path ?? []).map((segment) => {
      const text = String(segment);
      const colon = /^:(.+)$/.exec(text);
      const whole = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(text);
      if (colon || whole) {
        const name = paramName(colon ? colon[1]! : whole![1]!);
        const raw = colon ? pathVariables[colon[1]!] : `{{${whole![1]}}}`;
        const value = raw === undefined || raw === null || raw === '' ? undefined : fill(String(raw));
        if (value && !value.todo && value.text && !TYPE_PLACEHOLDER.test(value.text)) pathExamples[name] = value.text;
        return `{${name}}`;
      }
      return encodeURIComponent(fill(text).text).replace(/%7B|%7D/gi, '');
    });
    const path = `/${segments.join('/')}`;

    const query: Record<string, string> = {};
    const optionalQuery: string[] = [];
    for (const param of url.query.all()) {
      if (param.disabled || !param.key) continue;
      if (isCredential(param.key)) {
        noteSecret(param.value ?? undefined);
        if (!TOKEN_NAME.test(param.key)) continue;
        const name = `query_${paramName(param.key)}`;
        schemes[name] = { type: 'apiKey', in: 'query', name: param.key };
        seenAs(name, [param.value], schemes);
        continue;
      }
      const value = fill(String(param.value ?? '')).text;
      if (TYPE_PLACEHOLDER.test(value)) optionalQuery.push(param.key);
      else query[param.key] = value;
    }

    let body: unknown;
    let otherBodyType: string | undefined;
    const mode = request.body?.mode;
    if (mode === 'raw' && request.body?.raw) {
      const text = fill(request.body.raw, (value) => JSON.stringify(value).slice(1, -1)).text;
      try {
        body = JSON.parse(text);
      } catch {
        otherBodyType = 'text/plain';
      }
    } else if (mode === 'urlencoded') otherBodyType = 'application/x-www-form-urlencoded';
    else if (mode === 'formdata') otherBodyType = 'multipart/form-data';
    else if (mode === 'graphql') otherBodyType = 'application/graphql';
    else if (mode === 'file') otherBodyType = 'application/octet-stream';
    if (body !== undefined) body = scrubSecrets(typedSamples(body), secrets).value;

    const responses = (item.responses?.all() ?? []).map((response) => ({
      status: response.code,
      ...parsedBody(response.body),
    }));

    const auth = item.getAuth();
    const used: string[] = [];
    if (auth && auth.type !== 'noauth') {
      const parameters = auth.parameters().toObject() as Record<string, unknown>;
      used.push(seenAs(schemeFor(auth.type, parameters, schemes), Object.values(parameters), schemes));
    }
    for (const header of request.headers.all()) {
      if (header.disabled || !isCredential(header.key)) continue;
      for (const id of credentialSchemes({ name: header.key, value: header.value ?? '' }, schemes))
        used.push(seenAs(id, [header.value], schemes));
    }
    const folders: string[] = [];
    item.forEachParent({ withRoot: false }, (parent) => {
      if (parent && 'name' in parent && typeof parent.name === 'string') folders.unshift(parent.name);
    });

    operations.push({
      method,
      path: scrubSecrets(path, secrets).value as string,
      pathExamples: scrubSecrets(pathExamples, secrets).value as Record<string, string>,
      query: scrubSecrets(query, secrets).value as Record<string, string>,
      ...(optionalQuery.length ? { optionalQuery } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(otherBodyType ? { otherBodyType } : {}),
      responses,
      access: auth?.type === 'noauth' ? 'public' : used.length ? 'secured' : 'undeclared',
      ...(used.length ? { schemes: [...new Set(used)] } : {}),
      summary: [folders.join(' / '), item.name].filter(Boolean).join(': '),
      ...(folders.length ? { tags: [folders.join(' / ')] } : {}),
    });
  });

  const server = [...bases.entries()].filter(([base]) => base).sort((a, b) => b[1] - a[1])[0]?.[0];
  if (bases.size > 1) warnings.push(`requests go to ${bases.size} different hosts; the config audits ${server ?? 'the one you set'}`);
  const hidden = [...secretVariables].filter((name) => variables.has(name)).sort();
  if (hidden.length)
    warnings.push(
      `variable(s) ${hidden.map((name) => `{{${name}}}`).join(', ')} hold credentials: their values are not written; set the auth placeholders instead`,
    );
  return {
    source,
    title: String(collection.name ?? 'Postman collection'),
    version:
      typeof (json.info as Record<string, unknown>).version === 'string' ? String((json.info as Record<string, unknown>).version) : '',
    format: `Postman Collection v2.${version}`,
    ...(server ? { server } : {}),
    schemes,
    operations,
    warnings,
  };
}

/** Headers and query parameters that carry credentials. */
function isCredential(name: string | undefined | null): boolean {
  return typeof name === 'string' && (/^(authorization|cookie|proxy-authorization)$/i.test(name) || SECRET_NAME.test(name));
}

function baseOf(
  protocol: string | undefined,
  host: string,
  port: string | undefined,
  variables: Map<string, Variable>,
): string | undefined {
  if (!host) return undefined;
  const whole = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(host);
  if (whole) {
    const value = variables.get(whole[1]!);
    if (!value || value.secret || !value.value) return undefined;
    const url = value.value.replace(/\/+$/, '');
    return /^https?:\/\/[^\s/?#{}]+[^\s?#{}]*$/.test(url) ? url : undefined;
  }
  if (host.includes('{{')) return undefined;
  return `${protocol ?? 'https'}://${host}${port ? `:${port}` : ''}`;
}

/** Notes which {{variables}} held the credential (init names them next to the placeholder to set); returns the scheme id. */
function seenAs(id: string, values: readonly unknown[], schemes: Record<string, SecurityScheme>): string {
  const names = values.flatMap((value) => (typeof value === 'string' ? [...value.matchAll(VARIABLE)].map((m) => `{{${m[1]}}}`) : []));
  const scheme = schemes[id];
  if (scheme) {
    if (names.length) scheme['x-preflight-seen'] = [...new Set(names)].join(', ');
    else delete scheme['x-preflight-seen'];
  }
  return id;
}

/** A Postman auth type as an OpenAPI security scheme (its name in the document); the values are never used. */
function schemeFor(type: string, parameters: Record<string, unknown>, schemes: Record<string, SecurityScheme>): string {
  if (type === 'bearer' || type === 'jwt') {
    schemes.bearerAuth = { type: 'http', scheme: 'bearer' };
    return 'bearerAuth';
  }
  if (type === 'basic') {
    schemes.basicAuth = { type: 'http', scheme: 'basic' };
    return 'basicAuth';
  }
  if (type === 'oauth2') {
    schemes.oauth2 = { type: 'oauth2' };
    return 'oauth2';
  }
  if (type === 'apikey') {
    const where = parameters.in === 'query' ? 'query' : 'header';
    const name = typeof parameters.key === 'string' && TOKEN_NAME.test(parameters.key) ? parameters.key : 'X-API-Key';
    const id = `${where}_${paramName(name)}`;
    schemes[id] = { type: 'apiKey', in: where, name };
    return id;
  }
  // digest, hawk, awsv4, ntlm, akamai, edgegrid: not expressible as a static header; the writer says so.
  const id = `postman_${paramName(type, 'auth')}`;
  schemes[id] = { type: 'http', scheme: paramName(type, 'auth') };
  return id;
}

/** "<integer>" and friends in a converted collection's bodies become a value of that type. */
function typedSamples(value: unknown): unknown {
  if (typeof value === 'string') {
    const type = TYPE_PLACEHOLDER.exec(value)?.[1]?.toLowerCase();
    if (!type) return value;
    if (type === 'integer' || type === 'long' || type === 'number' || type === 'double' || type === 'float') return 1;
    if (type === 'boolean') return true;
    return 'string';
  }
  if (Array.isArray(value)) return value.map(typedSamples);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typedSamples(v)]));
  return value;
}

function parsedBody(text: string | undefined): { body?: unknown } {
  if (!text) return {};
  try {
    return { body: JSON.parse(text) };
  } catch {
    return {};
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}
