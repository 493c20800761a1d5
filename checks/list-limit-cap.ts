import { fillPath } from '../src/config/endpoints.js';
import { attempt, describeFailure, formatBytes } from '../src/http/attempt.js';
import type { ProbeResponse } from '../src/http/types.js';
import { findItems } from '../src/pagination/items.js';
import { findNextPage, statedTotal } from '../src/pagination/next-page.js';
import type { Check, CheckContext, Endpoint, Exchange, Finding, Pagination } from '../src/types.js';
import { LIMIT_ALIASES, OVERSIZED_LIMITS } from './data/list-limits.js';

/** One limit probe and what it showed. */
interface Probe {
  /** "limit=abc", or "no limit" for the default page. */
  label: string;
  exchange: Exchange;
  status?: number;
  /** Items on a 2xx page. */
  items?: number;
  hasNext?: boolean;
  total?: number;
  verdict: 'ok' | 'fail' | 'warn' | 'pending';
  /** What came back, in a few words. */
  got: string;
  /** For a failure: what kind, to say what to change. */
  problem?: 'over-cap' | 'server-error' | 'no-answer' | 'too-big';
  bytes: number;
  ms: number;
}

/**
 * A list endpoint caps its page size server-side, whatever limit the caller asks for: huge, negative,
 * zero, non-numeric, in exponent form, or none at all.
 */
const check: Check = {
  meta: {
    id: 'list-limit-cap',
    title: 'List endpoints enforce a maximum page size',
    item: 'list-caps',
    severity: 'critical',
    rationale:
      'A list endpoint that returns everything works in development and takes the API down the day a customer has 80,000 records; the cap must hold on the server, whatever limit a client sends.',
    remediation:
      'Clamp the page size server-side (e.g. min(limit, 100)), answer 400 in the usual error shape to a limit that is not a positive integer, and never return more than the cap when limit is absent.',
    probes: 'GET each list endpoint with limit set to the cap, 1000000, 2147483648, -1, 0, abc, 1e9 and absent',
    writes: false,
  },

  applies: (target) => target.endpoints.filter((e) => e.kind === 'list'),

  async run(ctx: CheckContext): Promise<Finding[]> {
    const endpoint = ctx.endpoint!;
    const pagination = endpoint.pagination!;
    const path = fillPath(endpoint);
    const send = async (label: string, limit: Record<string, string>): Promise<Probe> => {
      const sent = await attempt(ctx.http, { method: 'GET', path, query: { ...endpoint.query, ...limit }, headers: endpoint.headers, purpose: label });
      return sent.response ? inspect(label, sent.response, pagination) : { label, exchange: sent.failure.exchange, verdict: 'fail', problem: 'no-answer', got: describeFailure(sent.failure), bytes: 0, ms: sent.failure.exchange.durationMs };
    };

    const probes: Probe[] = [await send('no limit', {})];
    const plain = probes[0]!;
    if (plain.status !== undefined && plain.status >= 400 && plain.status < 500) {
      // The list itself is refused (auth, path): no limit probe could show anything.
      return [ctx.finding({ status: 'error', message: `GET ${path} without a limit → ${plain.status}, so page sizes could not be tested; check this endpoint's path, params and auth in the config`, evidence: [plain.exchange] })];
    }
    const limitParams = pagination.limitParam ? [pagination.limitParam] : await detectLimitParam(probes[0]!, async (alias) => send(`${alias}=1`, { [alias]: '1' }));
    const name = limitParams.length === 1 ? limitParams[0]! : limitParams.join('/');
    for (const value of [String(pagination.maxLimit), ...OVERSIZED_LIMITS]) {
      probes.push(await send(`${name}=${value}`, Object.fromEntries(limitParams.map((param) => [param, value]))));
    }
    settlePending(probes);
    return [verdict(ctx, endpoint, probes, name)];
  },
};

export default check;

/** Classifies one answer; a 2xx page within the cap stays pending until we know how many items exist. */
function inspect(label: string, response: ProbeResponse, pagination: Pagination): Probe {
  const base = { label, exchange: response.exchange, status: response.status, bytes: response.body.length, ms: response.durationMs };
  if (response.truncated) {
    return { ...base, verdict: 'fail', problem: 'too-big', got: `${response.status} with a body over maxResponseBytes (${formatBytes(response.body.length)}), cut unread` };
  }
  if (response.status >= 500) return { ...base, verdict: 'fail', problem: 'server-error', got: `${response.status}` };
  if (response.status >= 400) {
    const isJson = response.json() !== undefined;
    return isJson ? { ...base, verdict: 'ok', got: `${response.status}` } : { ...base, verdict: 'warn', got: `${response.status} with a non-JSON body, not the API's error shape` };
  }
  if (response.status >= 300) return { ...base, verdict: 'warn', got: `${response.status} redirect that was not followed` };
  const lookup = findItems(response.json(), pagination.dataField);
  if (!lookup.found) return { ...base, verdict: 'warn', got: `${response.status}, but ${lookup.problem}` };
  const items = lookup.items.length;
  const hasNext = Boolean(findNextPage(response, pagination.cursorField)?.value);
  const total = statedTotal(response.json());
  const got = `${response.status} with ${items} items`;
  if (items > pagination.maxLimit) return { ...base, items, hasNext, verdict: 'fail', problem: 'over-cap', got: `${got}, over the cap of ${pagination.maxLimit}` };
  return { ...base, items, hasNext, ...(total !== undefined ? { total } : {}), verdict: 'pending', got };
}

/**
 * A page within the cap proves a cap only if the server is known to hold more items than that page
 * showed (a next token, a stated total or a bigger page); otherwise it may simply hold no more.
 */
function settlePending(probes: Probe[]): void {
  const known = Math.max(0, ...probes.map((p) => Math.max(p.total ?? 0, (p.items ?? 0) + (p.hasNext ? 1 : 0))));
  for (const probe of probes) {
    if (probe.verdict !== 'pending') continue;
    if ((probe.items ?? 0) < known) probe.verdict = 'ok';
  }
}

/**
 * With no limitParam configured: the first common alias that shrinks the page to one item. When none
 * does (or the default page is too small to tell), every alias is sent together on each probe.
 */
async function detectLimitParam(defaultPage: Probe, probe: (alias: string) => Promise<Probe>): Promise<string[]> {
  if ((defaultPage.items ?? 0) >= 2) {
    for (const alias of LIMIT_ALIASES) {
      const result = await probe(alias);
      if (result.items === 1) return [alias];
    }
  }
  return [...LIMIT_ALIASES];
}

function verdict(ctx: CheckContext, endpoint: Endpoint, probes: Probe[], name: string): Finding {
  const cap = endpoint.pagination!.maxLimit;
  const list = (subset: Probe[]): string => groupByAnswer(subset, cap);
  const largest = largestPage(probes);
  const data = {
    limitParam: name,
    maxLimit: cap,
    probes: probes.map((p) => ({ sent: p.label, status: p.status ?? null, items: p.items ?? null, bytes: p.bytes, ms: Math.round(p.ms), verdict: p.verdict })),
    ...(largest ? { largestPage: { sent: largest.label, items: largest.items, bytes: largest.bytes, ms: Math.round(largest.ms) } } : {}),
  };
  const evidence = (subset: Probe[]): Exchange[] => [...subset, ...(largest && !subset.includes(largest) ? [largest] : [])].map((p) => p.exchange);
  const where = `GET ${fillPath(endpoint)}`;

  const failed = probes.filter((p) => p.verdict === 'fail');
  if (failed.length) {
    return ctx.finding({ status: 'fail', message: `${where}: ${list(failed)}; ${fixFor(failed, name, cap)}`, evidence: evidence(failed), data });
  }
  const odd = probes.filter((p) => p.verdict === 'warn');
  if (odd.length) {
    return ctx.finding({ status: 'warn', message: `${where}: ${list(odd)}; answer a bad ${name} with 400 in the API's JSON error shape`, evidence: evidence(odd), data });
  }
  const unseen = probes.filter((p) => p.verdict === 'pending');
  if (unseen.length) {
    const most = Math.max(...unseen.map((p) => p.items ?? 0));
    return ctx.finding({
      status: 'warn',
      message: `inconclusive: ${where} with ${unseen[0]!.label} → all ${most} items the server holds for this caller (no next page), fewer than the cap of ${cap} could show, so a missing cap would not be visible; run against data with more than ${cap} items`,
      evidence: evidence(unseen),
      data: { ...data, itemsHeld: most },
    });
  }
  const size = largest ? `; largest allowed page ${largest.items} items, ${formatBytes(largest.bytes)} in ${Math.round(largest.ms)} ms` : '';
  return ctx.finding({
    status: 'pass',
    message: `${where} held the cap of ${cap}: ${probes.map((p) => `${p.label.replace(`${name}=`, '')} → ${p.items !== undefined ? `${p.items} items` : p.status}`).join(', ')}${size}`,
    evidence: evidence([]).concat(probes.filter((p) => p !== largest).map((p) => p.exchange)),
    data,
  });
}

/** "no limit, limit=-1 → 200 with 2500 items, over the cap of 100; limit=abc → 500": one clause per kind of answer. */
function groupByAnswer(probes: Probe[], cap: number): string {
  const groups = new Map<string, Probe[]>();
  for (const probe of probes) {
    const key = probe.problem === 'over-cap' ? `over-cap ${probe.status}` : probe.got;
    groups.set(key, [...(groups.get(key) ?? []), probe]);
  }
  return [...groups.values()]
    .map((group) => {
      const labels = group.map((p) => p.label).join(', ');
      if (group[0]!.problem !== 'over-cap') return `${labels} → ${group[0]!.got}`;
      const counts = group.map((p) => p.items!);
      const [least, most] = [Math.min(...counts), Math.max(...counts)];
      return `${labels} → ${group[0]!.status} with ${least === most ? most : `${least}–${most}`} items, over the cap of ${cap}`;
    })
    .join('; ');
}

function largestPage(probes: Probe[]): Probe | undefined {
  return probes.filter((p) => p.verdict !== 'fail' && p.items !== undefined).sort((a, b) => b.items! - a.items! || b.bytes - a.bytes)[0];
}

/** What to change, from the kinds of failure seen. */
function fixFor(failed: Probe[], name: string, cap: number): string {
  const fixes: string[] = [];
  if (failed.some((p) => p.problem === 'over-cap' || p.problem === 'too-big')) fixes.push(`clamp ${name} to ${cap} server-side, also when it is absent or negative`);
  if (failed.some((p) => p.problem === 'server-error' || p.problem === 'no-answer')) fixes.push(`validate ${name} and answer 400 to anything but a positive integer`);
  return fixes.join(', and ');
}
