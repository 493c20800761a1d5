import { getProperty, hasProperty } from 'dot-prop';
import LinkHeader from 'http-link-header';
import { isObject } from './items.js';

/**
 * Where APIs commonly put the next-page token or link, most specific first (Stripe-style has_more
 * carries no token and is not listed). Dot paths into the JSON body.
 */
export const NEXT_TOKEN_FIELDS = [
  'next_cursor',
  'nextCursor',
  'nextPageToken',
  'next_page_token',
  'next',
  'next_page',
  'nextPage',
  'next_page_url',
  'nextPageUrl',
  'links.next',
  '_links.next',
  'meta.next_cursor',
  'meta.nextCursor',
  'meta.next',
  'pagination.next_cursor',
  'pagination.nextCursor',
  'pagination.next',
  'paging.next',
  'paging.cursors.after',
  'page.next',
  'response_metadata.next_cursor',
];

export interface NextPage {
  /** Where it was found: a body dot path such as "next_cursor", or "Link rel=next". */
  source: string;
  /** The token or link; null when present but empty (the last page). */
  value: string | null;
  /** True when value is a URL or path to fetch as is, rather than a token for a query parameter. */
  isLink: boolean;
}

interface PageResponse {
  headers: Record<string, string>;
  json(): unknown;
}

/**
 * The next-page pointer of a list response: the configured `cursorField` (present counts, even null),
 * else the first common token field, else a Link header (RFC 8288). Undefined when there is none.
 */
export function findNextPage(response: PageResponse, cursorField?: string): NextPage | undefined {
  const body = response.json();
  const container = isObject(body) ? body : undefined;
  const fields = cursorField ? [cursorField] : NEXT_TOKEN_FIELDS;
  for (const field of fields) {
    if (!container || !hasProperty(container, field)) continue;
    const value = tokenValue(getProperty(container, field));
    if (value === undefined) continue;
    return { source: field, value, isLink: value !== null && looksLikeLink(value) };
  }
  if (cursorField) return undefined;
  return linkHeaderNext(response.headers.link);
}

/** rel="next" of a Link header; a Link header without one means the last page (value null). */
function linkHeaderNext(header: string | undefined): NextPage | undefined {
  if (!header) return undefined;
  let next: string | undefined;
  try {
    next = LinkHeader.parse(header).rel('next')[0]?.uri;
  } catch {
    return undefined;
  }
  return { source: 'Link rel=next', value: next ?? null, isLink: true };
}

/** A token as a string: null/""/false mean "no next page"; {href} (HAL) is a link; other shapes are not tokens. */
function tokenValue(raw: unknown): string | null | undefined {
  if (raw === null || raw === '' || raw === false) return null;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return String(raw);
  if (isObject(raw) && typeof raw.href === 'string') return raw.href || null;
  if (isObject(raw) && raw.href === null) return null;
  return undefined;
}

function looksLikeLink(value: string): boolean {
  return /^https?:\/\//i.test(value) || value.startsWith('/') || value.startsWith('?');
}

/**
 * The query parameter a token field is sent back in, when the config does not say:
 * next_cursor → cursor, nextPageToken → pageToken, next_page → page, paging.cursors.after → after.
 */
export function guessCursorParam(source: string): string {
  const last = source.split('.').pop() ?? source;
  const rest = /^next[_-]?(.*)$/i.exec(last)?.[1];
  if (rest === undefined) return last;
  if (rest === '') return 'cursor';
  return rest.charAt(0).toLowerCase() + rest.slice(1);
}

/** For a next link, the query parameter that carries the position (the one that differs from the current URL). */
export function positionParam(currentUrl: string, nextUrl: string): string | undefined {
  const current = new URL(currentUrl).searchParams;
  const next = new URL(nextUrl, currentUrl).searchParams;
  for (const [name, value] of next) if (current.get(name) !== value) return name;
  return undefined;
}

/** Where the next page is: a link to fetch as is, or the same query with the token in the cursor parameter. */
export interface NextPageRequest {
  /** An absolute URL for a link, else the list's own path. */
  path: string;
  query?: Record<string, string>;
  /** The query parameter that carries the position, when it can be told. */
  cursorParam?: string;
}

/**
 * How to ask for the page a next pointer names: a link (absolute, or relative to the page it came
 * from) is fetched as given; a token goes back in `cursorParam`, guessed from the field when unset.
 */
export function nextPageRequest(
  list: { path: string; query: Record<string, string> },
  pageUrl: string,
  next: NextPage & { value: string },
  cursorParam?: string,
): NextPageRequest {
  if (next.isLink) {
    const url = new URL(next.value, pageUrl).href;
    const param = cursorParam ?? positionParam(pageUrl, url);
    return { path: url, ...(param ? { cursorParam: param } : {}) };
  }
  const param = cursorParam ?? guessCursorParam(next.source);
  return { path: list.path, query: { ...list.query, [param]: next.value }, cursorParam: param };
}
