import { randomUUID } from 'node:crypto';
import {
  defineCheck,
  describeFailure,
  describeStyle,
  fillPath,
  findItems,
  findNextPage,
  formatBytes,
  isLastPosition,
  itemId,
  NEXT_TOKEN_FIELDS,
  nextPageRequest,
  pageSignals,
  positionCandidates,
  positionOf,
  ProbeError,
  requestLine,
  type EndpointContext,
  type PageSignals,
  type PositionParam,
  type ProbeRequest,
  type ProbeResponse,
} from './api.js';
import { attemptList, isMissingRoute } from './lib/list-answers.js';

const VERDICTS = {
  // The first page: is there a way on?
  notFound: { probe: 'way', status: 'error', message: 'GET {path} answered {status} with valid credentials: check its path and params' },
  firstPageUnreadable: {
    probe: 'way',
    status: 'error',
    message: 'could not read the first page: {where} → {got}; pagination was not checked',
  },
  itemsNotFound: { probe: 'way', status: 'error', message: '{where} → {status}, but {problem}; pagination was not checked' },
  firstPageTooLarge: {
    probe: 'way',
    status: 'warn',
    message:
      '{where} → {status} with a body over maxResponseBytes ({bytes} read, the rest cut): too large to judge (over maxResponseBytes, {maxBytes}), so pagination was not checked; a list page should never be that large',
    remediation:
      'Cap the page size server-side so every page stays small; raise limits.maxResponseBytes only if pages this large are intended.',
  },
  nextToken: { probe: 'way', status: 'pass', message: '{where} returned a next-page pointer ({source}: {shown})' },
  pagesByPosition: {
    probe: 'way',
    status: 'pass',
    message: '{where} pages by {style} ({signals}): {param}={value} returned the next items',
  },
  cursorFieldMissing: {
    probe: 'way',
    status: 'fail',
    message: '{where} → {status} with no "{cursorField}" field (pagination.cursorField); return it on every page, null on the last',
  },
  noItemsToPage: {
    probe: 'way',
    status: 'error',
    message:
      '{where} → {status} with 0 items and no paging fields: no items to page through, so whether it paginates could not be judged; run against data with more items than a page',
  },
  bareArrayNoNext: {
    probe: 'way',
    status: 'fail',
    message:
      '{where} → {status} with a bare JSON array, no Link rel=next header and no page or offset parameter that moves (tried {tried}): there is no room for a next-page token; wrap the items in an object with a next_cursor field, or send a Link header',
  },
  noNextPage: {
    probe: 'way',
    status: 'fail',
    message:
      '{where} → {status} with no way to the next page: no next-page token (looked for {fields}, links.next and a Link rel=next header) and no page or offset parameter that moves (tried {tried}); add next_cursor to every list response, null on the last page',
  },
  // Following it.
  chainEnded: {
    probe: 'chain',
    status: 'pass',
    message: 'followed GET {path} to the end: {pages} page(s), {items} items, every page ≤ {maxSize} items{repeats}',
  },
  chainStopped: {
    probe: 'chain',
    status: 'pass',
    message:
      'followed GET {path} for {pages} pages ({items} items), none over {maxSize} items{repeats}; stopped at pagination.maxPages ({maxPages}) before the end',
  },
  chainPageShape: {
    probe: 'chain',
    status: 'fail',
    message: 'page {page} of GET {path} → {status}, but {problem}; every page must have the same shape',
  },
  chainPageOversized: {
    probe: 'chain',
    status: 'fail',
    message: 'page {page} of GET {path} had {count} items, more than the {maxSize} asked for; keep every page within the page size',
  },
  chainRepeats: {
    probe: 'chain',
    status: 'fail',
    message:
      'item {idField} {id} came on page {earlier} and again on page {page} of GET {path}: pages overlap; page by a keyset cursor (the last {idField} seen) instead of an offset',
  },
  chainLoops: {
    probe: 'chain',
    status: 'fail',
    message:
      'the cursor loops: page {page} of GET {path} pointed back to page {to} ({source} {token} again); each cursor must point past the last item returned',
  },
  chainNoAnswer: {
    probe: 'chain',
    status: 'fail',
    message: 'page {page} of GET {path} ({via}) → {got}; following a cursor must be as fast as the first page',
  },
  chainRefused: {
    probe: 'chain',
    status: 'fail',
    message: 'page {page} of GET {path} → {status} for {via}; every page the server points to must be served',
  },
  chainPageTooLarge: {
    probe: 'chain',
    status: 'warn',
    message:
      'page {page} of GET {path} ({via}) → {status} with a body over maxResponseBytes ({bytes} read, the rest cut): too large to judge (over maxResponseBytes, {maxBytes}); a list page should never be that large',
    remediation:
      'Cap the page size server-side so every page stays small; raise limits.maxResponseBytes only if pages this large are intended.',
  },
  chainUnfinished: { probe: 'chain', status: 'error', message: 'could not finish following GET {path}: {reason}' },
  // A cursor it never issued.
  garbageRefused: { probe: 'garbage', status: 'pass', message: '{sent} → {status}: a cursor the server never issued is refused' },
  garbageCrashes: {
    probe: 'garbage',
    status: 'fail',
    message: '{sent} → {status}: a corrupt cursor crashes the handler; answer 400 to a cursor that does not decode',
  },
  garbageNoAnswer: { probe: 'garbage', status: 'fail', message: '{sent} → {got}; answer 400 to a cursor that does not decode' },
  garbageAccepted: {
    probe: 'garbage',
    status: 'warn',
    message:
      '{sent} → {status}: a cursor the server never issued was accepted, so a client with a corrupt cursor silently gets some other page; answer 400 instead',
  },
} as const;

type Ctx = EndpointContext<typeof VERDICTS>;

/**
 * Every list offers a way to its next page — a next token or Link (null or absent on the last page),
 * or a page/offset parameter with a total — and following it is safe: pages keep to the size, no
 * item comes twice, the chain ends, and a corrupt cursor is a 4xx.
 */
export default defineCheck({
  meta: {
    id: 'list-pagination',
    title: 'List endpoints offer a way to the next page that can be followed to the end',
    item: 'list-caps',
    severity: 'high',
    rationale:
      'A list with no way to its next page cannot add paging later without breaking clients; a cursor that repeats items or loops makes every client that syncs the list wrong or stuck.',
    remediation:
      'Wrap list responses in an object with the items under data and a next_cursor field, null on the last page; make the cursor an opaque keyset position (the last id seen), and answer 400 to a cursor that does not decode. Page numbers or offsets with a stated total work too.',
    probes:
      'GET each list endpoint, follow its next token, Link rel=next, or page/offset parameter (found from the first page and common names when not configured) for up to pagination.maxPages pages, and send one garbage cursor',
    writes: false,
    verdicts: VERDICTS,
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints.filter((e) => e.kind === 'list'),

  async run(ctx) {
    const endpoint = ctx.endpoint;
    const pagination = endpoint.pagination!;
    const path = fillPath(endpoint);
    const pageSize = pagination.limitParam ? pagination.maxLimit : undefined;
    const firstRequest: ProbeRequest = {
      method: 'GET',
      path,
      query: { ...endpoint.query, ...(pagination.limitParam ? { [pagination.limitParam]: String(pageSize) } : {}) },
      headers: endpoint.headers,
      purpose: 'first page',
    };
    const where = `GET ${path}${pageSize ? `?${pagination.limitParam}=${pageSize}` : ''}`;
    const maxBytes = formatBytes(ctx.target.limits.maxResponseBytes);
    const first = await attemptList(ctx.http, firstRequest);
    if (!first.response)
      return void ctx.report('firstPageUnreadable', { where, got: describeFailure(first.failure) }, [first.failure.exchange]);
    const response = first.response;
    const { status, exchange } = response;
    if (isMissingRoute(status)) return void ctx.report('notFound', { path, status }, [exchange]);
    if (status >= 300) return void ctx.report('firstPageUnreadable', { where, got: String(status) }, [exchange]);
    // A cut body is never parsed as if whole (it would read as "not JSON"): too large is the finding.
    if (response.truncated)
      return void ctx.report('firstPageTooLarge', { where, status, bytes: formatBytes(response.body.length), maxBytes }, [exchange]);
    const lookup = findItems(response.json(), pagination.dataField);
    if (!lookup.found) return void ctx.report('itemsNotFound', { where, status, problem: lookup.problem }, [exchange]);

    const signals = pageSignals(response, pagination.cursorField);
    const list = { path, query: firstRequest.query as Record<string, string> };
    const maxSize = pageSize ?? pagination.maxLimit;
    try {
      if (signals.next) {
        const next = signals.next;
        const shown =
          next.value === null ? 'null, the last page' : JSON.stringify(next.value.length > 40 ? `${next.value.slice(0, 40)}…` : next.value);
        ctx.report('nextToken', { where, source: next.source, shown }, [exchange]);
        const stepper = cursorStepper(list, firstRequest.headers ?? {}, pagination.cursorParam, pagination.cursorField);
        if (next.value) await followChain(ctx, response, maxSize, stepper);
        // Page numbers and offsets are not opaque: a "corrupt" one is just another page. Only cursors are tried.
        const cursorParam = pagination.cursorParam ?? (stepper.numeric ? undefined : stepper.cursorParam);
        if (cursorParam) await garbageCursor(ctx, firstRequest, cursorParam);
        return;
      }
      if (pagination.cursorField) {
        ctx.report('cursorFieldMissing', { where, status, cursorField: pagination.cursorField }, [exchange]);
        if (pagination.cursorParam) await garbageCursor(ctx, firstRequest, pagination.cursorParam);
        return;
      }
      // Nothing to page through and nothing that says how: a missing way on would look the same as a last page.
      if (lookup.items.length === 0) return void ctx.report('noItemsToPage', { where, status }, [exchange]);
      const found = await findPosition(ctx, firstRequest, { response, items: lookup.items }, signals);
      if ('param' in found) {
        const { param, value, start } = found;
        ctx.report(
          'pagesByPosition',
          { where, style: describeStyle(param.style), signals: describeSignals(pageSignals(start.response)), param: param.name, value },
          [exchange, found.exchange],
        );
        await followChain(
          ctx,
          start.response,
          maxSize,
          positionStepper(list, firstRequest.headers ?? {}, param, found.firstPosition, start.items.length),
        );
        return;
      }
      if (lookup.field === undefined) ctx.report('bareArrayNoNext', { where, status, tried: found.tried }, [exchange]);
      else ctx.report('noNextPage', { where, status, fields: NEXT_TOKEN_FIELDS.slice(0, 4), tried: found.tried }, [exchange]);
      if (pagination.cursorParam) await garbageCursor(ctx, firstRequest, pagination.cursorParam);
    } catch (error) {
      // The budget or the run's deadline ran out part-way: keep what was decided, say what was not.
      if (!(error instanceof ProbeError)) throw error;
      ctx.report('chainUnfinished', { path, reason: error.message }, error.exchange ? [error.exchange] : []);
    }
  },
});

/** How to reach the page after the one just read. */
type Step =
  | { kind: 'next'; request: ProbeRequest; via: string }
  | { kind: 'end' }
  | { kind: 'loop'; to: number; source: string; token: string };

interface Stepper {
  next(page: number, response: ProbeResponse, pageItems: number, itemsSoFar: number): Step;
  /** The query parameter the position travelled in, when the chain showed it. */
  cursorParam?: string;
  /** True while every position seen was a plain number (a page number or offset, not an opaque cursor). */
  numeric: boolean;
}

type ListQuery = { path: string; query: Record<string, string> };

/** Follows what the server hands out: a next token or a next link, watching for one that comes back. */
function cursorStepper(
  list: ListQuery,
  headers: Record<string, string>,
  cursorParam: string | undefined,
  cursorField: string | undefined,
): Stepper {
  const seenTokens = new Map<string, number>();
  const stepper: Stepper = {
    numeric: true,
    next(page, response) {
      const next = findNextPage(response, cursorField);
      if (!next?.value) return { kind: 'end' };
      const loopedFrom = seenTokens.get(next.value);
      if (loopedFrom !== undefined) return { kind: 'loop', to: loopedFrom + 1, source: next.source, token: JSON.stringify(next.value) };
      seenTokens.set(next.value, page);
      const target = nextPageRequest(list, response.exchange.url, { ...next, value: next.value }, cursorParam);
      if (target.cursorParam) stepper.cursorParam = target.cursorParam;
      const position =
        next.isLink && target.cursorParam ? new URL(target.path).searchParams.get(target.cursorParam) : next.isLink ? null : next.value;
      stepper.numeric &&= position !== null && /^\d+$/.test(position);
      return {
        kind: 'next',
        request: { method: 'GET', path: target.path, ...(target.query ? { query: target.query } : {}), headers },
        via: `the ${next.source} the server itself returned on page ${page}`,
      };
    },
  };
  return stepper;
}

/** Computes the next position itself: page + 1, or offset + the items read, until the list says it ended. */
function positionStepper(
  list: ListQuery,
  headers: Record<string, string>,
  param: PositionParam,
  firstPageNumber: number,
  firstPageItems: number,
): Stepper {
  return {
    numeric: true,
    cursorParam: param.name,
    next(page, response, pageItems, itemsSoFar) {
      const signals = pageSignals(response);
      const pageNumber = signals.page ?? (param.style === 'page' ? firstPageNumber : 1) + page - 1;
      if (isLastPosition({ pageItems, firstPageItems, itemsSoFar, pageNumber }, signals)) return { kind: 'end' };
      const value = String(positionOf(param, page + 1, firstPageNumber, itemsSoFar));
      return {
        kind: 'next',
        request: { method: 'GET', path: list.path, query: { ...list.query, [param.name]: value }, headers },
        via: `${param.name}=${value}, the ${describeStyle(param.style)} after page ${page}`,
      };
    },
  };
}

/** A page and its items, as read while looking for the position parameter. */
interface ReadPage {
  response: ProbeResponse;
  items: unknown[];
}

type Found = { param: PositionParam; value: string; exchange: ProbeResponse['exchange']; start: ReadPage; firstPosition: number };

/**
 * With no cursor configured or handed out: the first common page or offset parameter that moves the
 * list on. A parameter the server ignores answers page one again; one that moves answers items page
 * one did not hold. An empty answer counts only when the first page's stated total says there is
 * nothing more (a server that filters by unknown parameters answers [] too). When the list without
 * the parameter held more than a page (json-server without _page), the parameter's own first and
 * second pages must differ. The chain then starts on the parameter's own first page.
 */
async function findPosition(ctx: Ctx, first: ProbeRequest, firstPage: ReadPage, signals: PageSignals): Promise<Found | { tried: string }> {
  if (firstPage.items.length === 0) return { tried: 'nothing: the first page had no items to compare' };
  const pagination = ctx.endpoint.pagination!;
  const keysOf = (items: unknown[]): string[] => items.map((item) => itemId(item, pagination.idField) ?? JSON.stringify(item));
  const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((key, i) => key === b[i]);
  const firstKeys = keysOf(firstPage.items);
  const seen = new Set(firstKeys);
  const read = async (name: string, value: string): Promise<ReadPage | undefined> => {
    const sent = await attemptList(ctx.http, {
      ...first,
      query: { ...(first.query as Record<string, string>), [name]: value },
      purpose: `does ${name} page the list? (${name}=${value})`,
    });
    const answer = sent.response;
    if (!answer || answer.status >= 300 || answer.truncated) return undefined;
    const lookup = findItems(answer.json(), pagination.dataField);
    return lookup.found ? { response: answer, items: lookup.items } : undefined;
  };
  const known = [...Object.keys(ctx.endpoint.query), ...(ctx.endpoint.spec?.pagination.params ?? [])];
  const tried: string[] = [];
  for (const param of positionCandidates(signals, known)) {
    const firstPosition = param.style === 'page' ? (signals.page ?? 1) : 0;
    const value = String(param.style === 'page' ? firstPosition + 1 : firstPage.items.length);
    tried.push(`${param.name}=${value}`);
    const second = await read(param.name, value);
    if (!second) continue;
    const secondKeys = keysOf(second.items);
    let start: ReadPage | undefined;
    if (second.items.length === 0) {
      if (signals.total === undefined || signals.total.value > firstPage.items.length) continue;
    } else if (!secondKeys.some((key) => !seen.has(key))) {
      if (same(secondKeys, firstKeys)) continue;
      start = await read(param.name, String(firstPosition));
      if (!start?.items.length || same(keysOf(start.items), secondKeys)) continue;
    }
    start ??= (await read(param.name, String(firstPosition))) ?? firstPage;
    return { param, value, exchange: second.response.exchange, start, firstPosition };
  }
  return { tried: tried.join(', ') };
}

/** "X-Total-Count 250", "hits.total.value 95, total_pages 5", for messages. */
function describeSignals(signals: PageSignals): string {
  const parts = [signals.total, signals.totalPages].filter((s) => s !== undefined).map((s) => `${s.source} ${s.value}`);
  return parts.length ? parts.join(', ') : 'no total stated';
}

/** Follows the chain from the first page, bounded by maxPages and the run's request budget. */
async function followChain(ctx: Ctx, firstPage: ProbeResponse, maxSize: number, stepper: Stepper): Promise<void> {
  const pagination = ctx.endpoint.pagination!;
  const path = fillPath(ctx.endpoint);
  const idField = pagination.idField;
  const maxBytes = formatBytes(ctx.target.limits.maxResponseBytes);
  const seenIds = new Map<string, number>();
  let withoutId = 0;
  let items = 0;
  let response = firstPage;
  const firstExchange = firstPage.exchange;

  for (let page = 1; ; page++) {
    const lookup = findItems(response.json(), pagination.dataField);
    if (!lookup.found)
      return void ctx.report('chainPageShape', { page, path, status: response.status, problem: lookup.problem, pages: page, items }, [
        response.exchange,
      ]);
    if (lookup.items.length > maxSize) {
      return void ctx.report('chainPageOversized', { page, path, count: lookup.items.length, maxSize, pages: page, items }, [
        response.exchange,
        firstExchange,
      ]);
    }
    items += lookup.items.length;
    for (const item of lookup.items) {
      const id = itemId(item, idField);
      if (id === undefined) {
        withoutId++;
        continue;
      }
      const earlier = seenIds.get(id);
      if (earlier !== undefined) {
        return void ctx.report(
          'chainRepeats',
          { idField, id: JSON.stringify(id), earlier, page, path, duplicate: id, pages: page, items },
          [response.exchange, firstExchange],
        );
      }
      seenIds.set(id, page);
    }

    const step = stepper.next(page, response, lookup.items.length, items);
    const repeats = withoutId
      ? `; ${withoutId} item(s) had no "${idField}" field, so repeats among them were not checked (set pagination.idField)`
      : ', no item repeated';
    if (step.kind === 'end')
      return void ctx.report('chainEnded', { path, pages: page, items, maxSize, repeats, ended: true }, [firstExchange, response.exchange]);
    if (step.kind === 'loop') {
      return void ctx.report(
        'chainLoops',
        { page, path, to: step.to, source: step.source, token: step.token, loop: { from: page, to: step.to }, pages: page, items },
        [response.exchange, firstExchange],
      );
    }
    if (page >= pagination.maxPages) {
      return void ctx.report('chainStopped', { path, pages: page, items, maxSize, repeats, maxPages: pagination.maxPages, ended: false }, [
        firstExchange,
        response.exchange,
      ]);
    }
    const sent = await attemptList(ctx.http, { ...step.request, purpose: `page ${page + 1}` });
    if (!sent.response)
      return void ctx.report(
        'chainNoAnswer',
        { page: page + 1, path, via: step.via, got: describeFailure(sent.failure), pages: page, items },
        [sent.failure.exchange],
      );
    const { status, exchange } = sent.response;
    if (status >= 300)
      return void ctx.report('chainRefused', { page: page + 1, path, status, via: step.via, pages: page, items }, [
        exchange,
        response.exchange,
      ]);
    if (sent.response.truncated) {
      return void ctx.report(
        'chainPageTooLarge',
        { page: page + 1, path, via: step.via, status, bytes: formatBytes(sent.response.body.length), maxBytes, pages: page, items },
        [exchange],
      );
    }
    response = sent.response;
  }
}

/** A cursor the server never issued must be refused with a 4xx, not crash it or restart from page one. */
async function garbageCursor(ctx: Ctx, first: ProbeRequest, cursorParam: string): Promise<void> {
  const garbage = `zz!not-a-cursor-${randomUUID().slice(0, 8)}`;
  const result = await attemptList(ctx.http, {
    ...first,
    query: { ...(first.query as Record<string, string>), [cursorParam]: garbage },
    purpose: 'garbage cursor',
  });
  if (!result.response)
    return void ctx.report('garbageNoAnswer', { sent: requestLine(result.failure.exchange), got: describeFailure(result.failure) }, [
      result.failure.exchange,
    ]);
  const { status, exchange } = result.response;
  const sent = requestLine(exchange);
  if (status >= 500) return void ctx.report('garbageCrashes', { sent, status }, [exchange]);
  if (status >= 400) return void ctx.report('garbageRefused', { sent, status }, [exchange]);
  ctx.report('garbageAccepted', { sent, status }, [exchange]);
}
