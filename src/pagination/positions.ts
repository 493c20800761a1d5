import type { PageSignals } from './signals.js';

// Page-number and offset pagination: the position travels in a query parameter the client computes
// (page=2, offset=20, json-server's _page, Elasticsearch's from) instead of a token the server hands
// out. When the config names no cursor, these are the names worth trying, most common first.

export type PositionStyle = 'page' | 'offset';

export interface PositionParam {
  style: PositionStyle;
  name: string;
}

export const PAGE_PARAMS = ['page', '_page', 'pageNumber', 'page_number'] as const;
export const OFFSET_PARAMS = ['offset', 'from', 'skip', 'start', '_start'] as const;

/**
 * The parameters to try, in order: names the endpoint's own query or spec already uses, then the
 * style the first page hints at (a page number or page count in it: page numbers first), then the rest.
 */
export function positionCandidates(signals: PageSignals, known: readonly string[] = []): PositionParam[] {
  const pages = PAGE_PARAMS.map((name) => ({ style: 'page' as const, name }));
  const offsets = OFFSET_PARAMS.map((name) => ({ style: 'offset' as const, name }));
  const pageHinted = signals.page !== undefined || signals.totalPages !== undefined;
  const all = pageHinted ? [...pages, ...offsets] : [...offsets, ...pages];
  const wanted = new Set(known.map((name) => name.toLowerCase()));
  return [...all.filter((p) => wanted.has(p.name.toLowerCase())), ...all.filter((p) => !wanted.has(p.name.toLowerCase()))];
}

/** Where page `n` (1 = the first page) starts: its page number, or how many items come before it. */
export function positionOf(param: PositionParam, n: number, firstPageNumber: number, itemsBefore: number): number {
  return param.style === 'page' ? firstPageNumber + n - 1 : itemsBefore;
}

/**
 * Whether the list ends with the page just read: an empty or short page (fewer items than the first),
 * the stated total reached, or the last of the stated pages.
 */
export function isLastPosition(
  state: { pageItems: number; firstPageItems: number; itemsSoFar: number; pageNumber: number },
  signals: PageSignals,
): boolean {
  if (state.pageItems === 0 || state.pageItems < state.firstPageItems) return true;
  if (signals.total !== undefined && state.itemsSoFar >= signals.total.value) return true;
  return signals.totalPages !== undefined && state.pageNumber >= signals.totalPages.value;
}

/** "page number" / "offset", for messages. */
export function describeStyle(style: PositionStyle): string {
  return style === 'page' ? 'page number' : 'offset';
}
