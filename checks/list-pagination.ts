import { randomUUID } from 'node:crypto';
import { fillPath } from '../src/config/endpoints.js';
import { attempt, describeFailure, requestLine } from '../src/http/attempt.js';
import { ProbeError, type ProbeRequest, type ProbeResponse } from '../src/http/types.js';
import { findItems, itemId } from '../src/pagination/items.js';
import { findNextPage, NEXT_TOKEN_FIELDS, nextPageRequest, type NextPage } from '../src/pagination/next-page.js';
import type { Check, CheckContext, Endpoint, Exchange, Finding, Pagination } from '../src/types.js';

/**
 * Every list response carries a next-page token (null on the last page), and following it is safe:
 * pages keep to the size, no item comes twice, the chain ends, and a corrupt cursor is a 4xx.
 */
const check: Check = {
  meta: {
    id: 'list-pagination',
    title: 'List endpoints return a next-page token that can be followed to the end',
    item: 'list-caps',
    severity: 'high',
    rationale:
      'A list without a next-page token cannot add paging later without breaking clients; a cursor that repeats items or loops makes every client that syncs the list wrong or stuck.',
    remediation:
      'Wrap list responses as { data: [...], next_cursor: "..." } with next_cursor null on the last page; make the cursor an opaque keyset position (the last id seen), and answer 400 to a cursor that does not decode.',
    probes: 'GET each list endpoint, follow its next token or Link rel=next for up to pagination.maxPages pages, and send one garbage cursor',
    writes: false,
  },

  applies: (target) => target.endpoints.filter((e) => e.kind === 'list'),

  async run(ctx: CheckContext): Promise<Finding[]> {
    const endpoint = ctx.endpoint!;
    const pagination = endpoint.pagination!;
    const pageSize = pagination.limitParam ? pagination.maxLimit : undefined;
    const firstRequest: ProbeRequest = {
      method: 'GET',
      path: fillPath(endpoint),
      query: { ...endpoint.query, ...(pagination.limitParam ? { [pagination.limitParam]: String(pageSize) } : {}) },
      headers: endpoint.headers,
      purpose: 'first page',
    };
    const where = `GET ${fillPath(endpoint)}${pageSize ? `?${pagination.limitParam}=${pageSize}` : ''}`;
    const first = await attempt(ctx.http, firstRequest);
    if (!first.response || first.response.status >= 300) {
      const got = first.response ? `${first.response.status}` : describeFailure(first.failure);
      const exchange = first.response?.exchange ?? first.failure!.exchange;
      return [ctx.finding({ status: 'error', message: `could not read the first page: ${where} → ${got}; pagination was not checked`, evidence: [exchange] })];
    }
    const lookup = findItems(first.response.json(), pagination.dataField);
    if (!lookup.found) {
      return [ctx.finding({ status: 'error', message: `${where} → ${first.response.status}, but ${lookup.problem}; pagination was not checked`, evidence: [first.response.exchange] })];
    }

    const findings: Finding[] = [];
    const bare = lookup.field === undefined;
    const next = findNextPage(first.response, pagination.cursorField);
    findings.push(tokenFinding(ctx, where, first.response, next, pagination, bare));
    try {
      let cursorParam = pagination.cursorParam;
      if (next?.value) {
        const chain = await followChain(ctx, endpoint, firstRequest, first.response, pageSize);
        cursorParam ??= chain.cursorParam;
        findings.push(chain.finding);
      }
      if (cursorParam) findings.push(await garbageCursorFinding(ctx, firstRequest, cursorParam));
    } catch (error) {
      // The budget or the run's deadline ran out part-way: keep what was decided, say what was not.
      if (!(error instanceof ProbeError)) throw error;
      findings.push(ctx.finding({ status: 'error', message: `could not finish following GET ${fillPath(endpoint)}: ${error.message}`, evidence: error.exchange ? [error.exchange] : [] }));
    }
    return findings;
  },
};

export default check;

function tokenFinding(ctx: CheckContext, where: string, response: ProbeResponse, next: NextPage | undefined, pagination: Pagination, bare: boolean): Finding {
  const evidence = [response.exchange];
  if (next) {
    const shown = next.value === null ? 'null, the last page' : JSON.stringify(next.value.length > 40 ? `${next.value.slice(0, 40)}…` : next.value);
    const found = ctx.finding({ status: 'pass', message: `${where} returned a next-page token (${next.source}: ${shown})`, evidence });
    if (!bare) return found;
    // A bare array can only page through headers: it works, but leaves no room for metadata.
    return ctx.finding({
      status: 'warn',
      severity: 'low',
      message: `${where} returned a bare JSON array paged by a Link header: it works, but leaves no room in the body for a token or metadata; wrap it as { data: [...], next_cursor: ... }`,
      evidence,
    });
  }
  if (pagination.cursorField) {
    return ctx.finding({ status: 'fail', message: `${where} → ${response.status} with no "${pagination.cursorField}" field (pagination.cursorField); return it on every page, null on the last`, evidence });
  }
  if (bare) {
    return ctx.finding({
      status: 'fail',
      message: `${where} → ${response.status} with a bare JSON array and no Link rel=next header: there is no room for a next-page token; wrap it as { data: [...], next_cursor: ... }`,
      evidence,
    });
  }
  return ctx.finding({
    status: 'fail',
    message: `${where} → ${response.status} with no next-page token (looked for ${NEXT_TOKEN_FIELDS.slice(0, 4).join(', ')}, links.next and a Link rel=next header); add next_cursor to every list response, null on the last page`,
    evidence,
  });
}

interface ChainResult {
  finding: Finding;
  /** The query parameter the cursor travelled in, when the chain showed it. */
  cursorParam?: string;
}

/** Follows next tokens from the first page, bounded by maxPages and the run's request budget. */
async function followChain(ctx: CheckContext, endpoint: Endpoint, firstRequest: ProbeRequest, firstPage: ProbeResponse, pageSize: number | undefined): Promise<ChainResult> {
  const pagination = endpoint.pagination!;
  const maxSize = pageSize ?? pagination.maxLimit;
  const seenIds = new Map<string, number>();
  const seenTokens = new Map<string, number>();
  let cursorParam: string | undefined;
  let withoutId = 0;
  let items = 0;
  let pages = 0;
  let response = firstPage;
  const firstExchange = firstPage.exchange;
  const result = (status: 'pass' | 'fail' | 'error', message: string, evidence: Exchange[], extra: Record<string, unknown> = {}): ChainResult => ({
    finding: ctx.finding({ status, message, evidence, data: { pages, items, ...extra } }),
    ...(cursorParam ? { cursorParam } : {}),
  });

  for (let page = 1; ; page++) {
    pages = page;
    const lookup = findItems(response.json(), pagination.dataField);
    if (!lookup.found) return result('fail', `page ${page} of GET ${fillPath(endpoint)} → ${response.status}, but ${lookup.problem}; every page must have the same shape`, [response.exchange]);
    if (lookup.items.length > maxSize) {
      return result('fail', `page ${page} of GET ${fillPath(endpoint)} had ${lookup.items.length} items, more than the ${maxSize} asked for; keep every page within the page size`, [response.exchange, firstExchange]);
    }
    items += lookup.items.length;
    for (const item of lookup.items) {
      const id = itemId(item, pagination.idField);
      if (id === undefined) {
        withoutId++;
        continue;
      }
      const earlier = seenIds.get(id);
      if (earlier !== undefined) {
        return result(
          'fail',
          `item ${pagination.idField} ${JSON.stringify(id)} came on page ${earlier} and again on page ${page} of GET ${fillPath(endpoint)}: pages overlap; page by a keyset cursor (the last ${pagination.idField} seen) instead of an offset`,
          [response.exchange, firstExchange],
          { duplicate: id },
        );
      }
      seenIds.set(id, page);
    }

    const next = findNextPage(response, pagination.cursorField);
    if (!next?.value) {
      return result('pass', `followed GET ${fillPath(endpoint)} to the end: ${page} page(s), ${items} items, every page ≤ ${maxSize} items${repeatNote(withoutId, pagination.idField)}`, [firstExchange, response.exchange], { ended: true });
    }
    const loopedFrom = seenTokens.get(next.value);
    if (loopedFrom !== undefined) {
      return result(
        'fail',
        `the cursor loops: page ${page} of GET ${fillPath(endpoint)} pointed back to page ${loopedFrom + 1} (${next.source} ${JSON.stringify(next.value)} again); each cursor must point past the last item returned`,
        [response.exchange, firstExchange],
        { loop: { from: page, to: loopedFrom + 1 } },
      );
    }
    seenTokens.set(next.value, page);
    if (page >= pagination.maxPages) {
      return result(
        'pass',
        `followed GET ${fillPath(endpoint)} for ${page} pages (${items} items), none over ${maxSize} items${repeatNote(withoutId, pagination.idField)}; stopped at pagination.maxPages (${pagination.maxPages}) before the end`,
        [firstExchange, response.exchange],
        { ended: false },
      );
    }

    const where = nextPageRequest({ path: firstRequest.path, query: firstRequest.query as Record<string, string> }, response.exchange.url, { ...next, value: next.value }, pagination.cursorParam);
    cursorParam = where.cursorParam;
    const sent = await attempt(ctx.http, { method: 'GET', path: where.path, ...(where.query ? { query: where.query } : {}), headers: firstRequest.headers ?? {}, purpose: `page ${page + 1}` });
    if (!sent.response) return result('fail', `page ${page + 1} of GET ${fillPath(endpoint)} (${next.source} from page ${page}) → ${describeFailure(sent.failure)}; following a cursor must be as fast as the first page`, [sent.failure.exchange]);
    if (sent.response.status >= 300) {
      return result('fail', `page ${page + 1} of GET ${fillPath(endpoint)} → ${sent.response.status} for the ${next.source} the server itself returned on page ${page}; every cursor it issues must be accepted`, [sent.response.exchange, response.exchange]);
    }
    response = sent.response;
  }
}

function repeatNote(withoutId: number, idField: string): string {
  return withoutId ? `; ${withoutId} item(s) had no "${idField}" field, so repeats among them were not checked (set pagination.idField)` : ', no item repeated';
}

/** A cursor the server never issued must be refused with a 4xx, not crash it or restart from page one. */
async function garbageCursorFinding(ctx: CheckContext, first: ProbeRequest, cursorParam: string): Promise<Finding> {
  const garbage = `zz!not-a-cursor-${randomUUID().slice(0, 8)}`;
  const result = await attempt(ctx.http, { ...first, query: { ...(first.query as Record<string, string>), [cursorParam]: garbage }, purpose: 'garbage cursor' });
  const sent = requestLine(result.response?.exchange ?? result.failure!.exchange);
  if (!result.response) {
    return ctx.finding({ status: 'fail', message: `${sent} → ${describeFailure(result.failure)}; answer 400 to a cursor that does not decode`, evidence: [result.failure.exchange] });
  }
  const { status, exchange } = result.response;
  if (status >= 500) return ctx.finding({ status: 'fail', message: `${sent} → ${status}: a corrupt cursor crashes the handler; answer 400 to a cursor that does not decode`, evidence: [exchange] });
  if (status >= 400) return ctx.finding({ status: 'pass', message: `${sent} → ${status}: a cursor the server never issued is refused`, evidence: [exchange] });
  return ctx.finding({
    status: 'warn',
    message: `${sent} → ${status}: a cursor the server never issued was accepted, so a client with a corrupt cursor silently gets some other page; answer 400 instead`,
    evidence: [exchange],
  });
}
