import { mayWrite } from '../http/write-scope.js';
import type { Endpoint, Target } from '../types.js';
import type { Check } from '../check-api/contract.js';

/**
 * The budget plan: before anything is sent, estimate what each check costs on each endpoint and,
 * when limits.maxRequests, limits.maxDurationMs and limits.requestsPerSecond cannot pay for every
 * check on every endpoint, pick a representative sample of endpoints per check so that every
 * checklist item is still decided instead of the budget running out in the first few checks.
 */

export interface PlanTask {
  check: Check;
  endpoint?: Endpoint;
}

/** What a check is expected to send: per endpoint it runs on, or once for the whole target. */
export interface CostEstimate {
  requestsPerEndpoint?: number;
  requestsPerRun?: number;
}

/**
 * Requests each check sends, measured on a loopback API (latency.samples: 5 and 30, one endpoint of
 * each kind). The lead will move these figures into each check's meta.cost; a check's own
 * meta.cost wins over this table, and a check in neither is assumed to cost DEFAULT_COST.
 * Figures that depend on the config are functions of the target (and endpoint).
 */
const CHECK_COSTS: Record<string, (target: Target, endpoint: Endpoint | undefined, running: ReadonlySet<string>) => CostEstimate> = {
  'admin-surface': () => ({ requestsPerRun: 89 }),
  // Write endpoints are probed only with allowWrites (they answer a skip otherwise).
  'auth-anonymous': (target, endpoint) => ({ requestsPerEndpoint: probesWrites(target, endpoint) ? 7 : 0 }),
  // 35 spellings of a few roots, then about 3.5 per GET endpoint for at most 10 of them.
  'auth-path-tricks': (target) => ({
    requestsPerRun: 35 + 3.5 * Math.min(10, target.endpoints.filter((e) => e.method === 'GET' && !e.public).length),
  }),
  'auth-spoofing': (target, endpoint) => ({ requestsPerEndpoint: probesWrites(target, endpoint) ? 13 : 0 }),
  // Shares its samples with latency-percentiles: free where that check runs on the same endpoint.
  'background-work': (target, endpoint, running) => ({
    requestsPerEndpoint: running.has('latency-percentiles') ? 0 : timed(target, endpoint, false),
  }),
  'body-size-caps': () => ({ requestsPerEndpoint: 4 }),
  // Nothing without a second identity; with some: the main identity's lists (read twice, a stable
  // baseline), then per identity each list once and each item endpoint at three paths (the configured id
  // and two from the lists), each read twice as the main identity and once as the other; with writes
  // one create, two reads, 4 attempts and a read back.
  'cross-user': (target) => {
    const identities = Math.min(3, Object.keys(target.auth.identities ?? {}).length);
    if (!identities) return { requestsPerRun: 0 };
    const guarded = target.endpoints.filter((e) => e.method === 'GET' && !e.public);
    const lists = guarded.filter((e) => e.kind === 'list').length;
    const items = guarded.filter((e) => e.path.includes('{')).length;
    return { requestsPerRun: 2 * lists + identities * (lists + items * 9) + (target.allowWrites ? 8 : 0) };
  },
  // An unknown path under the root and under up to 5 path prefixes.
  'default-deny': () => ({ requestsPerRun: 6 }),
  'error-leaks': () => ({ requestsPerRun: 0 }),
  'error-schema': () => ({ requestsPerRun: 0 }),
  'error-shape': () => ({ requestsPerRun: 0 }),
  'health-endpoint': () => ({ requestsPerRun: 6 }),
  // Tries secrets offline; sends one forged-token GET only to prove a weak secret, as another identity.
  'jwt-weak-secret': (target) => ({ requestsPerRun: Object.keys(target.auth.identities ?? {}).length ? 1 : 0 }),
  idempotency: () => ({ requestsPerEndpoint: 5 }),
  'latency-percentiles': (target, endpoint) => ({ requestsPerEndpoint: timed(target, endpoint, true) }),
  'list-limit-cap': () => ({ requestsPerEndpoint: 8 }),
  'list-pagination': () => ({ requestsPerEndpoint: 3 }),
  'malformed-body': () => ({ requestsPerEndpoint: 11 }),
  'malformed-input': () => ({ requestsPerEndpoint: 10 }),
  'request-id': () => ({ requestsPerRun: 5 }),
  'spec-pagination': () => ({ requestsPerEndpoint: 0 }),
  'unknown-route': () => ({ requestsPerRun: 3 }),
  'url-header-caps': () => ({ requestsPerRun: 3 }),
};

/** Checks that measure nothing of their own: they read another check's samples, so they run where it runs. */
const FOLLOWS: Record<string, string> = { 'background-work': 'latency-percentiles' };

const DEFAULT_COST: CostEstimate = { requestsPerEndpoint: 5, requestsPerRun: 5 };
/** The reachability and credential requests sent before any check. */
const PREFLIGHT_REQUESTS = 2;
/** Plan within this share of the limits: estimates are estimates, and a probe cut by the budget is undecided. */
const HEADROOM = 0.9;
/** Every check runs on at least this many endpoints (when it has them), so each item is decided on more than one. */
const MIN_SAMPLE = 3;
/** A check this cheap per endpoint runs on all of them when that takes at most half of what is left. */
const CHEAP = 3;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** MAX_WRITE_SAMPLES in src/measure/sampler.ts: every timed write creates a record, so few are taken. */
const WRITE_SAMPLES = 5;

function probesWrites(target: Target, endpoint: Endpoint | undefined): boolean {
  return !endpoint || !WRITE_METHODS.has(endpoint.method) || mayWrite(target, endpoint);
}

/** The latency sampler: a warm-up, the sequential round, and for reads a concurrent round of the same size. */
function timed(target: Target, endpoint: Endpoint | undefined, concurrentRound: boolean): number {
  if (!endpoint) return 0;
  if (WRITE_METHODS.has(endpoint.method)) return mayWrite(target, endpoint) ? 1 + Math.min(target.latency.samples, WRITE_SAMPLES) : 0;
  const concurrent = concurrentRound && Math.min(target.latency.concurrency, target.limits.concurrency) > 1;
  return 1 + target.latency.samples * (concurrent ? 2 : 1);
}

/** Requests one task is expected to send; `running` is every check in the plan (some share requests). */
export function costOf(check: Check, target: Target, endpoint: Endpoint | undefined, running: ReadonlySet<string>): number {
  if (check.meta.writes && !target.allowWrites) return 0; // skipped without a request
  // A spec-only write operation nobody opted in gets no write probe (skipped without a request).
  if (check.meta.writes && endpoint && WRITE_METHODS.has(endpoint.method) && !mayWrite(target, endpoint)) return 0;
  const estimate = check.meta.cost ?? CHECK_COSTS[check.meta.id]?.(target, endpoint, running) ?? DEFAULT_COST;
  return (endpoint ? estimate.requestsPerEndpoint : estimate.requestsPerRun) ?? 0;
}

export interface CheckPlan {
  checkId: string;
  item: string;
  scope: 'target' | 'endpoints';
  /** Endpoints the check applies to, and how many of them the plan runs it on. */
  applicable: number;
  planned: number;
  requestsPerEndpoint: number;
  requests: number;
  /** The tags (or path prefixes) the planned endpoints cover, of those the applicable ones span. */
  groups: { covered: number; total: number; by: 'tags' | 'path prefixes' };
  skipped?: string;
}

export interface AuditPlan {
  tasks: PlanTask[];
  checks: CheckPlan[];
  /** Requests the plan expects to send, and what running every check on every endpoint would take. */
  requests: number;
  fullRequests: number;
  /** What the plan had to stay within: the smaller of maxRequests and what the rate allows in maxDurationMs. */
  capacity: number;
  capacityFrom: string;
  sampled: boolean;
  /** Expected wall time at limits.requestsPerSecond. */
  estimatedMs: number;
  /** One line per sampled check, and one summary line: what every report states. */
  notes: string[];
}

/** The tasks every selected check asks for (what the runner would run with an unlimited budget). */
export function tasksOf(checks: readonly Check[], target: Target): PlanTask[] {
  const tasks: PlanTask[] = [];
  for (const check of checks) {
    const scope = check.endpoints(target);
    if (scope === 'target') tasks.push({ check });
    else if (scope !== 'not-applicable') for (const endpoint of scope) tasks.push({ check, endpoint });
  }
  return tasks;
}

/** Keeps every target-wide task and a representative sample of each check's endpoint tasks that fits the limits. */
export function planAudit<T extends PlanTask>(target: Target, tasks: readonly T[]): AuditPlan & { tasks: T[] } {
  const running = new Set(tasks.map((t) => t.check.meta.id));
  const { capacity, capacityFrom } = capacityOf(target);
  const fixed = PREFLIGHT_REQUESTS + sum(tasks.filter((t) => !t.endpoint).map((t) => costOf(t.check, target, undefined, running)));

  const byCheck = new Map<Check, T[]>();
  for (const task of tasks)
    if (task.endpoint)
      byCheck
        .set(task.check, byCheck.get(task.check) ?? [])
        .get(task.check)!
        .push(task);
  const groups = groupsOf([...new Set(tasks.flatMap((t) => (t.endpoint ? [t.endpoint] : [])))]);

  // Tasks that send nothing (a write endpoint without allowWrites, a check that reads the spec) all run;
  // a follower's tasks are never free: off its leader's sample it would take samples of its own.
  const demands = [...byCheck].map(([check, list]) => {
    const priced = list.map((task) => ({ task, cost: costOf(check, target, task.endpoint, running) }));
    const paid = priced.filter((p) => p.cost > 0 || FOLLOWS[check.meta.id]);
    const free = priced.filter((p) => !paid.includes(p)).map((p) => p.task);
    // Each check's own endpoints in representative order, so its sample spans as many tags as it can.
    const own = new Map(representativeOrder(paid.map((p) => p.task.endpoint!)).map((endpoint, index) => [endpoint, index]));
    paid.sort((a, b) => own.get(a.task.endpoint!)! - own.get(b.task.endpoint!)!);
    return { check, sorted: paid.map((p) => p.task), costs: paid.map((p) => p.cost), take: paid.length, free };
  });
  const fullRequests = fixed + sum(demands.map((d) => sum(d.costs)));
  const sampled = fullRequests > capacity;
  if (sampled) {
    // Free tasks (skipped writes, spec-only reads) all run; followers run where their leader does.
    const leaderOf = (d: (typeof demands)[number]) => demands.find((l) => l.check.meta.id === FOLLOWS[d.check.meta.id]);
    allocate(
      demands.filter((d) => sum(d.costs) > 0 && !leaderOf(d)),
      Math.max(0, capacity - fixed),
    );
    for (const d of demands) {
      const leader = leaderOf(d);
      if (!leader) continue;
      // Where the leader sends nothing (skipped writes) the follower skips too: free there as well.
      const leaderFree = new Set(leader.free.map((t) => t.endpoint));
      d.free.push(...d.sorted.filter((t) => leaderFree.has(t.endpoint)));
      const chosen = new Set(leader.sorted.slice(0, leader.take).map((t) => t.endpoint));
      const rest = d.sorted.filter((t) => !leaderFree.has(t.endpoint));
      d.sorted = [...rest.filter((t) => chosen.has(t.endpoint)), ...rest.filter((t) => !chosen.has(t.endpoint))];
      d.costs = d.sorted.map(() => 0);
      d.take = d.sorted.filter((t) => chosen.has(t.endpoint)).length;
    }
  }

  const kept = new Set<T>([...tasks.filter((t) => !t.endpoint), ...demands.flatMap((d) => d.free)]);
  for (const d of demands) for (const task of d.sorted.slice(0, d.take)) kept.add(task);
  const planTasks = tasks.filter((t) => kept.has(t));

  const checks: CheckPlan[] = [];
  for (const check of [...new Set(tasks.map((t) => t.check))]) {
    const demand = demands.find((d) => d.check === check);
    const skipped = check.meta.writes && !target.allowWrites ? 'needs allowWrites' : undefined;
    if (!demand) {
      checks.push({
        checkId: check.meta.id,
        item: check.meta.item,
        scope: 'target',
        applicable: 1,
        planned: 1,
        requestsPerEndpoint: 0,
        requests: costOf(check, target, undefined, running),
        groups: { covered: 0, total: 0, by: groups.by },
        ...(skipped ? { skipped } : {}),
      });
      continue;
    }
    // A check whose every task is free (it sends nothing here) is counted by those tasks.
    const onlyFree = demand.sorted.length === 0;
    const chosen = (onlyFree ? demand.free : demand.sorted.slice(0, demand.take)).map((t) => t.endpoint!);
    const applicable = onlyFree ? demand.free : demand.sorted;
    const requests = sum(demand.costs.slice(0, demand.take));
    checks.push({
      checkId: check.meta.id,
      item: check.meta.item,
      scope: 'endpoints',
      applicable: applicable.length,
      planned: chosen.length,
      requestsPerEndpoint: demand.sorted.length ? round1(sum(demand.costs) / demand.sorted.length) : 0,
      requests,
      groups: {
        covered: new Set(chosen.map(groups.key)).size,
        total: new Set(applicable.map((t) => groups.key(t.endpoint!))).size,
        by: groups.by,
      },
      ...(skipped ? { skipped } : {}),
    });
  }
  const requests = Math.round(fixed + sum(checks.filter((c) => c.scope === 'endpoints').map((c) => c.requests)));
  const plan = {
    tasks: planTasks,
    checks,
    requests,
    fullRequests: Math.round(fullRequests),
    capacity,
    capacityFrom,
    sampled,
    estimatedMs: Math.round((requests / target.limits.requestsPerSecond) * 1000),
    notes: [] as string[],
  };
  plan.notes = planNotes(plan);
  return plan;
}

/** The requests the limits allow: maxRequests, and what requestsPerSecond can send within maxDurationMs. */
function capacityOf(target: Target): { capacity: number; capacityFrom: string } {
  const { maxRequests, maxDurationMs, requestsPerSecond } = target.limits;
  const byTime = Math.floor((maxDurationMs / 1000) * requestsPerSecond);
  return byTime < maxRequests
    ? {
        capacity: Math.floor(byTime * HEADROOM),
        capacityFrom: `maxDurationMs ${fmt(maxDurationMs)} at ${fmt(requestsPerSecond)} requests/s`,
      }
    : { capacity: Math.floor(maxRequests * HEADROOM), capacityFrom: `maxRequests ${fmt(maxRequests)}` };
}

interface Demand {
  costs: number[];
  take: number;
}

/** Cuts each check's endpoint count so the total fits: a floor for every check, cheap checks on all, then an equal share of each. */
function allocate(demands: Demand[], capacity: number): void {
  const cost = (d: Demand, take: number): number => sum(d.costs.slice(0, take));
  const floor = (d: Demand): number => Math.min(d.costs.length, MIN_SAMPLE);
  for (const d of demands) d.take = floor(d);
  let left = capacity - sum(demands.map((d) => cost(d, d.take)));
  const cheap = demands.filter((d) => d.costs.length && sum(d.costs) / d.costs.length <= CHEAP);
  const cheapExtra = sum(cheap.map((d) => cost(d, d.costs.length) - cost(d, d.take)));
  const proportional = cheapExtra <= left / 2 ? demands.filter((d) => !cheap.includes(d)) : demands;
  if (proportional !== demands) {
    for (const d of cheap) d.take = d.costs.length;
    left -= cheapExtra;
  }
  if (left <= 0) return;
  // The largest share f of every remaining check's endpoints that fits (binary search; cost grows with f).
  const takeAt = (d: Demand, f: number): number => Math.max(floor(d), Math.floor(f * d.costs.length));
  const spend = (f: number): number => sum(proportional.map((d) => cost(d, takeAt(d, f)) - cost(d, floor(d))));
  let low = 0;
  let high = 1;
  for (let i = 0; i < 30; i++) {
    const mid = (low + high) / 2;
    if (spend(mid) <= left) low = mid;
    else high = mid;
  }
  for (const d of proportional) d.take = takeAt(d, low);
}

/**
 * The order endpoints are sampled in: every configured endpoint before those only the spec lists, and
 * within each, one endpoint per tag (or path prefix) in turn, kinds interleaved, so a sample of n
 * spans as many parts of the API as n allows. Stable: the same config gives the same sample.
 */
export function representativeOrder(endpoints: readonly Endpoint[]): Endpoint[] {
  const { key } = groupsOf(endpoints);
  const spread = (list: Endpoint[]): Endpoint[] => {
    const byGroup = new Map<string, Endpoint[]>();
    for (const endpoint of [...list].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)))
      byGroup
        .set(key(endpoint), byGroup.get(key(endpoint)) ?? [])
        .get(key(endpoint))!
        .push(endpoint);
    const queues = [...byGroup.keys()].sort().map((group) => interleaveKinds(byGroup.get(group)!));
    const out: Endpoint[] = [];
    for (let i = 0; out.length < list.length; i++) for (const queue of queues) if (queue[i]) out.push(queue[i]!);
    return out;
  };
  return [...spread(endpoints.filter((e) => !e.fromSpec)), ...spread(endpoints.filter((e) => e.fromSpec))];
}

function interleaveKinds(list: Endpoint[]): Endpoint[] {
  const byKind = new Map<string, Endpoint[]>();
  for (const endpoint of list)
    byKind
      .set(endpoint.kind, byKind.get(endpoint.kind) ?? [])
      .get(endpoint.kind)!
      .push(endpoint);
  const queues = [...byKind.values()];
  const out: Endpoint[] = [];
  for (let i = 0; out.length < list.length; i++) for (const queue of queues) if (queue[i]) out.push(queue[i]!);
  return out;
}

/** Tags when the spec gives them, else the first path segment that names something (not api, v1, {id}). */
function groupsOf(endpoints: readonly Endpoint[]): { key: (e: Endpoint) => string; by: 'tags' | 'path prefixes' } {
  const tagged = endpoints.some((e) => e.spec?.tags?.length);
  const prefix = (e: Endpoint): string => e.path.split('/').find((s) => s && !/^(api|v\d+(\.\d+)?|\{.*\})$/i.test(s)) ?? '/';
  return { key: (e) => (tagged ? (e.spec?.tags?.[0] ?? prefix(e)) : prefix(e)), by: tagged ? 'tags' : 'path prefixes' };
}

function planNotes(plan: Omit<AuditPlan, 'notes'>): string[] {
  if (!plan.sampled) return [];
  const lines = [
    `budget plan: every check on every endpoint would take about ${fmt(plan.fullRequests)} requests, over the ${fmt(plan.capacity)} that ${plan.capacityFrom} allows (90 %); each check ran on a sample of endpoints, configured endpoints first, about ${fmt(plan.requests)} requests planned (raise limits.maxRequests or --max-requests to cover more)`,
  ];
  for (const check of plan.checks) {
    if (check.scope !== 'endpoints' || check.skipped || check.planned === check.applicable) continue;
    lines.push(
      `${check.checkId}: ${fmt(check.planned)} of ${fmt(check.applicable)} endpoints, sampled across ${check.groups.covered} of ${check.groups.total} ${check.groups.by}`,
    );
  }
  return lines;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1,223: thousands grouped, as the notes and the plan print counts. */
export function fmt(n: number): string {
  return NUMBER.format(n);
}
