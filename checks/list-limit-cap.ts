import {
  defineCheck,
  describeFailure,
  fillPath,
  findItems,
  formatBytes,
  knownItems,
  pageSignals,
  type EndpointContext,
  type Exchange,
  type Pagination,
  type ProbeResponse,
} from './api.js';
import { LIMIT_ALIASES, OVERSIZED_LIMITS } from './data/list-limits.js';
import { attemptList, isMissingRoute } from './lib/list-answers.js';

/** One limit probe and what it showed. */
interface Probe {
  /** "limit=abc", or "no limit" for the default page. */
  label: string;
  exchange: Exchange;
  status?: number;
  /** Items on a 2xx page. */
  items?: number;
  /** How many items the server is known to hold, from what this page said (total, next pointer). */
  known?: number;
  verdict: 'ok' | 'fail' | 'warn' | 'pending';
  /** What came back, in a few words. */
  got: string;
  /** over-cap/too-big answer the cap question; server-error/no-answer/odd answer how limits are validated. */
  problem?: 'over-cap' | 'too-big' | 'server-error' | 'no-answer' | 'odd';
  bytes: number;
  ms: number;
}

const VERDICTS = {
  notFound: { probe: 'cap', status: 'error', message: 'GET {path} answered {status} with valid credentials: check its path and params' },
  listRefused: {
    probe: 'cap',
    status: 'error',
    message:
      "GET {path} without a limit → {status}, so page sizes could not be tested; check this endpoint's path, params and auth in the config",
  },
  capped: {
    probe: 'cap',
    status: 'pass',
    message: 'GET {path} held the cap of {maxLimit}: {answers}; largest allowed page {largestItems} items, {largestSize} in {largestMs} ms',
  },
  uncapped: {
    probe: 'cap',
    status: 'fail',
    message: 'GET {path}: {answers}; clamp {limitParam} to {maxLimit} server-side, also when it is absent or negative',
  },
  pageTooLarge: {
    probe: 'cap',
    status: 'warn',
    message: 'GET {path}: {answers}: too large to judge (over maxResponseBytes, {maxBytes}); a list page should never be that large',
    remediation:
      'Clamp {limitParam} to {maxLimit} server-side so every page stays small; raise limits.maxResponseBytes only if pages this large are intended.',
  },
  capUnproven: {
    probe: 'cap',
    // Can't tell is undecided, never a warning that stands for a problem nobody saw.
    status: 'error',
    message:
      'inconclusive: GET {path} with {sent} → all {itemsHeld} items the server holds for this caller (no next page), fewer than the cap of {maxLimit} could show, so a missing cap would not be visible; run against data with more than {maxLimit} items',
  },
  noPageSeen: {
    probe: 'cap',
    status: 'error',
    message: 'GET {path}: no limit probe returned a page of items ({answers}), so the cap could not be seen',
  },
  limitsAnswered: {
    probe: 'answers',
    status: 'pass',
    message: 'GET {path} answered every {limitParam} it was sent without a 5xx, a hang or a non-JSON error',
  },
  limitCrashes: {
    probe: 'answers',
    status: 'fail',
    message: 'GET {path}: {answers}; validate {limitParam} and answer 400 to anything but a positive integer',
  },
  limitOddAnswers: {
    probe: 'answers',
    status: 'warn',
    message: "GET {path}: {answers}; answer a bad {limitParam} with 400 in the API's JSON error shape",
  },
} as const;

/**
 * A list endpoint caps its page size server-side, whatever limit the caller asks for: huge, negative,
 * zero, non-numeric, in exponent form, or none at all.
 */
export default defineCheck({
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
    verdicts: VERDICTS,
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints.filter((e) => e.kind === 'list'),

  async run(ctx) {
    const endpoint = ctx.endpoint;
    const pagination = endpoint.pagination!;
    const path = fillPath(endpoint);
    const send = async (label: string, limit: Record<string, string>): Promise<Probe> => {
      const sent = await attemptList(ctx.http, {
        method: 'GET',
        path,
        query: { ...endpoint.query, ...limit },
        headers: endpoint.headers,
        purpose: label,
      });
      return sent.response
        ? inspect(label, sent.response, pagination)
        : {
            label,
            exchange: sent.failure.exchange,
            verdict: 'fail',
            problem: 'no-answer',
            got: describeFailure(sent.failure),
            bytes: 0,
            ms: sent.failure.exchange.durationMs,
          };
    };

    const plain = await send('no limit', {});
    if (plain.status !== undefined && isMissingRoute(plain.status))
      return void ctx.report('notFound', { path, status: plain.status }, [plain.exchange]);
    if (plain.status !== undefined && plain.status >= 400 && plain.status < 500) {
      // The list itself is refused (auth, a required param): no limit probe could show anything.
      return void ctx.report('listRefused', { path, status: plain.status }, [plain.exchange]);
    }
    const probes: Probe[] = [plain];
    const limitParams = pagination.limitParam
      ? [pagination.limitParam]
      : await detectLimitParam(plain, async (alias) => send(`${alias}=1`, { [alias]: '1' }));
    const name = limitParams.length === 1 ? limitParams[0]! : limitParams.join('/');
    for (const value of [String(pagination.maxLimit), ...OVERSIZED_LIMITS]) {
      probes.push(await send(`${name}=${value}`, Object.fromEntries(limitParams.map((param) => [param, value]))));
    }
    settlePending(probes);
    judgeCap(ctx, probes, name, path);
    judgeAnswers(ctx, probes, name, path);
  },
});

/** Classifies one answer; a 2xx page within the cap stays pending until we know how many items exist. */
function inspect(label: string, response: ProbeResponse, pagination: Pagination): Probe {
  const base = { label, exchange: response.exchange, status: response.status, bytes: response.body.length, ms: response.durationMs };
  if (response.truncated) {
    // A cut body is not parsed as if whole: it is too large to count, which is a problem in itself.
    return {
      ...base,
      verdict: 'warn',
      problem: 'too-big',
      got: `${response.status} with a body over maxResponseBytes (${formatBytes(response.body.length)} read, the rest cut)`,
    };
  }
  if (response.status >= 500) return { ...base, verdict: 'fail', problem: 'server-error', got: `${response.status}` };
  if (response.status >= 400) {
    const isJson = response.json() !== undefined;
    return isJson
      ? { ...base, verdict: 'ok', got: `${response.status}` }
      : { ...base, verdict: 'warn', problem: 'odd', got: `${response.status} with a non-JSON body, not the API's error shape` };
  }
  if (response.status >= 300) return { ...base, verdict: 'warn', problem: 'odd', got: `${response.status} redirect that was not followed` };
  const lookup = findItems(response.json(), pagination.dataField);
  if (!lookup.found) return { ...base, verdict: 'warn', problem: 'odd', got: `${response.status}, but ${lookup.problem}` };
  const items = lookup.items.length;
  const got = `${response.status} with ${items} items`;
  if (items > pagination.maxLimit)
    return { ...base, items, verdict: 'fail', problem: 'over-cap', got: `${got}, over the cap of ${pagination.maxLimit}` };
  return { ...base, items, known: knownItems(pageSignals(response, pagination.cursorField), items), verdict: 'pending', got };
}

/**
 * A page within the cap proves a cap only if the server is known to hold more items than that page
 * showed (a next pointer, a stated total or page count, or a bigger page); otherwise it may simply hold no more.
 */
function settlePending(probes: Probe[]): void {
  const known = Math.max(0, ...probes.map((p) => Math.max(p.known ?? 0, p.items ?? 0)));
  for (const probe of probes) {
    if (probe.verdict === 'pending' && (probe.items ?? 0) < known) probe.verdict = 'ok';
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

type Ctx = EndpointContext<typeof VERDICTS>;

/** Does the page size hold? Over the cap fails; a page too big to read warns; too little data is inconclusive. */
function judgeCap(ctx: Ctx, probes: Probe[], limitParam: string, path: string): void {
  const maxLimit = ctx.endpoint.pagination!.maxLimit;
  const largest = largestPage(probes);
  const evidence = (subset: Probe[]): Exchange[] =>
    [...subset, ...(largest && !subset.includes(largest) ? [largest] : [])].map((p) => p.exchange);

  const overCap = probes.filter((p) => p.problem === 'over-cap');
  const tooBig = probes.filter((p) => p.problem === 'too-big');
  if (overCap.length) {
    const shown = [...overCap, ...tooBig];
    return void ctx.report(
      'uncapped',
      { path, answers: groupByAnswer(shown, maxLimit), limitParam, maxLimit, largestItems: Math.max(...overCap.map((p) => p.items!)) },
      evidence(shown),
    );
  }
  if (tooBig.length) {
    return void ctx.report(
      'pageTooLarge',
      { path, answers: groupByAnswer(tooBig, maxLimit), maxBytes: formatBytes(ctx.target.limits.maxResponseBytes), limitParam, maxLimit },
      evidence(tooBig),
    );
  }
  const unseen = probes.filter((p) => p.verdict === 'pending');
  if (unseen.length) {
    const itemsHeld = Math.max(...unseen.map((p) => p.items ?? 0));
    return void ctx.report('capUnproven', { path, sent: unseen[0]!.label, itemsHeld, maxLimit, limitParam }, evidence(unseen));
  }
  if (!largest)
    return void ctx.report('noPageSeen', { path, answers: groupByAnswer(probes, maxLimit), limitParam, maxLimit }, evidence(probes));
  const answers = probes.map(
    (p) => `${p.label.replace(`${limitParam}=`, '')} → ${p.items !== undefined ? `${p.items} items` : (p.status ?? p.got)}`,
  );
  ctx.report(
    'capped',
    {
      path,
      maxLimit,
      answers,
      largestItems: largest.items!,
      largestSize: formatBytes(largest.bytes),
      largestMs: Math.round(largest.ms),
      largestBytes: largest.bytes,
      limitParam,
    },
    [largest, ...probes.filter((p) => p !== largest)].map((p) => p.exchange),
  );
}

/** Does every limit get a sane answer? A 5xx or a hang fails; a non-JSON error or a redirect warns. */
function judgeAnswers(ctx: Ctx, probes: Probe[], limitParam: string, path: string): void {
  const maxLimit = ctx.endpoint.pagination!.maxLimit;
  const crashed = probes.filter((p) => p.problem === 'server-error' || p.problem === 'no-answer');
  if (crashed.length)
    return void ctx.report(
      'limitCrashes',
      { path, answers: groupByAnswer(crashed, maxLimit), limitParam },
      crashed.map((p) => p.exchange),
    );
  const odd = probes.filter((p) => p.problem === 'odd');
  if (odd.length)
    return void ctx.report(
      'limitOddAnswers',
      { path, answers: groupByAnswer(odd, maxLimit), limitParam },
      odd.map((p) => p.exchange),
    );
  ctx.report(
    'limitsAnswered',
    { path, limitParam, statuses: probes.map((p) => `${p.label} → ${p.status ?? p.got}`) },
    probes.filter((p) => p.status !== undefined && p.status >= 400).map((p) => p.exchange),
  );
}

/** "no limit, limit=-1 → 200 with 2500 items, over the cap of 100; limit=abc → 500": one clause per kind of answer. */
function groupByAnswer(probes: Probe[], cap: number): string {
  const groups = new Map<string, Probe[]>();
  for (const probe of probes) {
    const key =
      probe.problem === 'over-cap' ? `over-cap ${probe.status}` : probe.problem === 'too-big' ? `too-big ${probe.status}` : probe.got;
    groups.set(key, [...(groups.get(key) ?? []), probe]);
  }
  return [...groups.values()]
    .map((group) => {
      const labels = group.map((p) => p.label).join(', ');
      const first = group[0]!;
      if (first.problem === 'too-big')
        return `${labels} → ${first.status} with a body over maxResponseBytes (${formatBytes(Math.max(...group.map((p) => p.bytes)))} read, the rest cut)`;
      if (first.problem !== 'over-cap') return `${labels} → ${first.got}`;
      const counts = group.map((p) => p.items!);
      const [least, most] = [Math.min(...counts), Math.max(...counts)];
      return `${labels} → ${first.status} with ${least === most ? most : `${least}–${most}`} items, over the cap of ${cap}`;
    })
    .join('; ');
}

function largestPage(probes: Probe[]): Probe | undefined {
  return probes.filter((p) => p.verdict === 'ok' && p.items !== undefined).sort((a, b) => b.items! - a.items! || b.bytes - a.bytes)[0];
}
