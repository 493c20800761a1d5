// `init --from-har`: recorded traffic (browser devtools, a proxy, Playwright's recordHar) becomes the
// ObservedApi that observed.ts turns into an OpenAPI document. A HAR is untrusted like a served spec,
// and full of live credentials: Authorization, cookies and API keys are described by name only and
// every recorded credential value is scrubbed from whatever else is written (bodies, paths, queries).
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

const MAX_HAR_BYTES = 200 * 1024 * 1024;
const STATIC_PATH = /\.(js|mjs|css|map|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|otf|eot|html?|txt|wasm|mp4|webm|mp3)$/i;
const STATIC_TYPE = /^(text\/(html|css|javascript)|application\/(javascript|x-javascript|wasm)|image\/|font\/|audio\/|video\/)/i;
/** Headers browsers and proxies add themselves: never part of how the API is called. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$/i;

interface Entry {
  method: string;
  url: URL;
  headers: Array<{ name: string; value: string }>;
  postData?: { mimeType: string; text?: string };
  status: number;
  responseType: string;
  responseText?: string;
}

export interface HarOptions {
  cwd: string;
  /** Which origin (and path prefix) to import when the recording holds several. */
  baseUrl?: string;
}

export function readHar(source: string, options: HarOptions): ObservedApi {
  const data = readJsonInput(source, options.cwd, 'HAR file', MAX_HAR_BYTES);
  const log = isObject(data.log) ? data.log : undefined;
  if (!log || !Array.isArray(log.entries))
    throw new SpecError(
      source,
      'is not a HAR file (no log.entries)',
      'save it from the browser devtools (Save all as HAR) or record it with recordHar',
    );

  const entries = log.entries.map(entryOf).filter((entry): entry is Entry => entry !== undefined);
  const api = entries.filter((entry) => !isStatic(entry));
  // Origins are counted by calls that look like an API (JSON either way, or credentials sent): a
  // page's analytics beacon or a CDN font is not a second API to choose from.
  const origins = new Map<string, number>();
  for (const entry of api.filter(looksLikeApi)) origins.set(entry.url.origin, (origins.get(entry.url.origin) ?? 0) + 1);

  let base: URL;
  if (options.baseUrl) base = new URL(options.baseUrl);
  else if (origins.size === 1) base = new URL([...origins.keys()][0]!);
  else if (origins.size === 0) throw new SpecError(source, 'holds no API calls (only static assets, or no entries at all)');
  else
    throw new SpecError(
      source,
      `holds API calls to ${origins.size} origins (${[...origins.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([origin, n]) => `${origin}: ${n}`)
        .join(', ')})`,
      'choose one with --base-url',
    );
  const prefix = base.pathname.replace(/\/+$/, '');
  const chosen = api.filter(
    (entry) => entry.url.origin === base.origin && (entry.url.pathname === prefix || entry.url.pathname.startsWith(`${prefix}/`)),
  );
  if (!chosen.length) throw new SpecError(source, `holds no API calls to ${base.origin}${prefix}`, 'check --base-url');

  // Every credential value recorded anywhere, so none can reach the config through a body or a path.
  const secrets = new Set<string>();
  for (const entry of entries) {
    for (const header of entry.headers) {
      if (CREDENTIAL_HEADER.test(header.name) || SECRET_NAME.test(header.name)) {
        secrets.add(header.value);
        for (const part of header.value.split(/[;\s]+/)) {
          const value = part.includes('=') ? part.slice(part.indexOf('=') + 1) : part;
          if (value.length >= 8) secrets.add(value);
        }
      }
    }
    for (const [name, value] of entry.url.searchParams) if (SECRET_NAME.test(name) && value) secrets.add(value);
  }
  const secretList = [...secrets].filter((s) => s.length >= 4);

  const schemes: Record<string, SecurityScheme> = {};
  const operations: ObservedOperation[] = [];
  const warnings: string[] = [];
  const skipped = entries.length - chosen.length;
  if (skipped) warnings.push(`${skipped} recorded request(s) left out: static assets or other origins than ${base.origin}`);

  for (const entry of chosen) {
    const { path, examples } = templateOf(entry.url.pathname.slice(prefix.length) || '/');
    const query: Record<string, string> = {};
    const used: string[] = [];
    for (const [name, value] of entry.url.searchParams) {
      if (SECRET_NAME.test(name)) {
        if (!TOKEN_NAME.test(name)) continue;
        const id = `query_${paramName(name)}`;
        schemes[id] = { type: 'apiKey', in: 'query', name, 'x-preflight-seen': `the recorded query parameter ${name}` };
        used.push(id);
      } else if (!(name in query)) query[name] = value;
    }
    for (const header of entry.headers) used.push(...credentialSchemes(header, schemes));
    let body: unknown;
    let otherBodyType: string | undefined;
    if (entry.postData?.text) {
      if (/json/i.test(entry.postData.mimeType)) {
        try {
          body = JSON.parse(entry.postData.text);
        } catch {
          otherBodyType = entry.postData.mimeType;
        }
      } else otherBodyType = entry.postData.mimeType.split(';')[0] || 'application/octet-stream';
    }
    const responseBody = /json/i.test(entry.responseType) && entry.responseText ? parse(entry.responseText) : undefined;
    operations.push({
      method: entry.method,
      path: scrubSecrets(path, secretList).value as string,
      pathExamples: scrubSecrets(examples, secretList).value as Record<string, string>,
      query: scrubSecrets(query, secretList).value as Record<string, string>,
      ...(body !== undefined ? { body: scrubSecrets(body, secretList).value } : {}),
      ...(otherBodyType ? { otherBodyType } : {}),
      responses: entry.status > 0 ? [{ status: entry.status, ...(responseBody !== undefined ? { body: responseBody } : {}) }] : [],
      // Answered 2xx without any credential: callable anonymously.
      access: used.length ? 'secured' : entry.status >= 200 && entry.status < 300 ? 'public' : 'undeclared',
      ...(used.length ? { schemes: [...new Set(used)] } : {}),
    });
  }
  // A route that answered 404 every time it was called does not exist: it is no endpoint to audit.
  const found = new Set(operations.filter((op) => op.responses.some((r) => r.status !== 404)).map((op) => `${op.method} ${op.path}`));
  const missing = new Set(operations.map((op) => `${op.method} ${op.path}`).filter((label) => !found.has(label)));
  if (missing.size)
    warnings.push(`left out, every recorded call answered 404: ${[...missing].slice(0, 5).join(', ')}${missing.size > 5 ? ', ...' : ''}`);
  const kept = operations.filter((op) => found.has(`${op.method} ${op.path}`));
  // The first recorded call of each operation gives its examples: prefer one that succeeded.
  kept.sort((a, b) => successRank(a) - successRank(b));
  const creator = isObject(log.creator) ? `${String(log.creator.name ?? '')} ${String(log.creator.version ?? '')}`.trim() : '';
  return {
    source,
    title: `${base.host}${prefix} (recorded${creator ? ` by ${creator}` : ''})`,
    version: '',
    format: `HAR ${typeof log.version === 'string' ? log.version : ''}`.trim(),
    server: `${base.origin}${prefix}`,
    schemes,
    operations: kept,
    warnings,
  };
}

function entryOf(raw: unknown): Entry | undefined {
  if (!isObject(raw) || !isObject(raw.request) || !isObject(raw.response)) return undefined;
  const { request, response } = raw;
  let url: URL;
  try {
    url = new URL(String(request.url));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const method = String(request.method ?? '').toUpperCase();
  // OPTIONS is left out too: in a recording it is a browser's CORS preflight, not a call the app makes.
  if (!/^(GET|HEAD|POST|PUT|PATCH|DELETE)$/.test(method)) return undefined;
  const headers = (Array.isArray(request.headers) ? request.headers : [])
    .filter(isObject)
    .map((h) => ({ name: String(h.name ?? ''), value: String(h.value ?? '') }));
  const postData = isObject(request.postData)
    ? {
        mimeType: String(request.postData.mimeType ?? ''),
        ...(typeof request.postData.text === 'string' ? { text: request.postData.text } : {}),
      }
    : undefined;
  const content = isObject(response.content) ? response.content : {};
  const responseText =
    typeof content.text === 'string'
      ? content.encoding === 'base64'
        ? Buffer.from(content.text, 'base64').toString('utf8')
        : content.text
      : undefined;
  return {
    method,
    url,
    headers,
    ...(postData ? { postData } : {}),
    status: Number(response.status) || 0,
    responseType: String(content.mimeType ?? ''),
    ...(responseText !== undefined ? { responseText } : {}),
  };
}

function looksLikeApi(entry: Entry): boolean {
  return (
    /json/i.test(entry.responseType) ||
    /json/i.test(entry.postData?.mimeType ?? '') ||
    entry.headers.some((header) => CREDENTIAL_HEADER.test(header.name) && !/^cookie$/i.test(header.name))
  );
}

function isStatic(entry: Entry): boolean {
  if (entry.method !== 'GET' && entry.method !== 'HEAD') return false;
  if (/json/i.test(entry.responseType)) return false;
  return STATIC_PATH.test(entry.url.pathname) || STATIC_TYPE.test(entry.responseType) || entry.url.pathname === '/';
}

/**
 * Concrete ids become templates: /orders/123 and /orders/456 are both /orders/{id}, with the real id
 * as the example. A segment is an id when it is a number, a UUID, a long hex string, a prefixed id
 * (ord_8f3k2) or a long token mixing letters and digits; the last one in the path is {id}, earlier ones are named for the
 * collection they follow (/orders/{orderId}/items/{id}).
 */
export function templateOf(pathname: string): { path: string; examples: Record<string, string> } {
  const segments = pathname.split('/').filter(Boolean);
  const ids = segments.map(isIdSegment);
  const lastId = ids.lastIndexOf(true);
  const examples: Record<string, string> = {};
  const out = segments.map((segment, i) => {
    if (!ids[i]) return segment;
    let name = i === lastId ? 'id' : `${singular(paramName(segments[i - 1] ?? 'parent', 'parent'))}Id`;
    while (name in examples) name = `${name}_`;
    examples[name] = decodeSafe(segment);
    return `{${name}}`;
  });
  return { path: `/${out.join('/')}`, examples };
}

function isIdSegment(segment: string): boolean {
  const text = decodeSafe(segment);
  return (
    /^\d+$/.test(text) ||
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text) ||
    /^[0-9a-f]{12,}$/i.test(text) ||
    // Prefixed ids (ord_8f3k2, cus_N4x9) and long random tokens (a8Zk29xQ0p); not oauth2, sha256 or v2.
    (/^[A-Za-z]{2,8}_[A-Za-z0-9]{4,}$/.test(text) && /\d/.test(text)) ||
    (/^[A-Za-z0-9]{10,}$/.test(text) && /\d/.test(text) && /[A-Za-z]/.test(text))
  );
}

function singular(word: string): string {
  return word.endsWith('ies') ? `${word.slice(0, -3)}y` : word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

function decodeSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function successRank(op: ObservedOperation): number {
  const status = op.responses[0]?.status ?? 0;
  return status >= 200 && status < 300 ? 0 : 1;
}
