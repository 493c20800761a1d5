import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import { createHttpClient } from '../http/client.js';
import { requestLine } from '../http/attempt.js';
import { endpointRequest } from '../http/endpoint-request.js';
import { ProbeError, type HttpClient, type ProbeRequest } from '../http/types.js';
import { TOOL_NAME, toolVersion } from '../package-info.js';
import type { Report } from '../report/types.js';
import { applyWaivers } from '../scoring/score.js';
import type { EngineVerdictId } from '../check-api/engine-verdicts.js';
import { makeFinding, uniqueKeys } from '../check-api/finding.js';
import { isWriteMethod } from '../http/methods.js';
import { writableRoutes, writeRefusal, writeScopeOf } from '../http/write-scope.js';
import type { Endpoint, Exchange, Finding, Target } from '../types.js';
import type { Check, CheckContext, Logger } from '../check-api/contract.js';
import { brokenByWrites, crashFindings } from './aftermath.js';
import { ENDPOINT_EXISTS, probeCoverage, unfilledEndpoints, unfilledNote, type EndpointAnswer } from './coverage.js';
import { LivenessWatch, type Crash } from './liveness.js';
import { settleCreated } from './created.js';
import { planAudit } from './budget-plan.js';
import { FindingSpill } from './finding-spill.js';
import { checkReachability } from './reachability.js';
import { loadChecks } from './registry.js';
import { selectChecks } from './select.js';
import { type AuditRun, buildReport, type ReportInputs } from './build-report.js';
import { preferSmallHeap } from './heap-policy.js';
import type { Telemetry } from '../telemetry/types.js';

export interface AuditOptions {
  only?: string[];
  skip?: string[];
  log?: Logger;
  /** Called as work progresses (the terminal spinner). */
  onProgress?: (progress: { done: number; total: number; requests: number; current?: string }) => void;
  /** The clock for waiver expiry (injected in tests). */
  now?: () => Date;
  /** Injected in unit tests (undici MockAgent). */
  dispatcher?: Dispatcher;
  /** Load checks from another folder (tests of the engine). */
  checksDir?: string;
  signal?: AbortSignal;
  /** How many findings keep their bulk in memory before the rest go to a temporary file (tests make it small). */
  findingWindow?: number;
}

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

export interface Task {
  check: Check;
  endpoint?: Endpoint;
}

/** Runs every selected check against the target and returns the report. Throws TargetUnreachable (exit 3). */
export async function runAudit(target: Target, options: AuditOptions = {}): Promise<Report> {
  return buildReport(await collectAudit(target, options));
}

/** Runs every selected check and collects what the report is built from (buildReport). Throws TargetUnreachable (exit 3). */
export async function collectAudit(target: Target, options: AuditOptions = {}): Promise<ReportInputs & { run: AuditRun }> {
  await preferSmallHeap();
  const started = new Date();
  const startMs = performance.now();
  const checks = selectChecks(await loadChecks(options.checksDir), options.only ?? [], options.skip ?? []);
  const http = await createHttpClient({
    baseUrl: target.baseUrl,
    limits: target.limits,
    allowWrites: target.allowWrites,
    writable: writableRoutes(target),
    auth: target.auth,
    secrets: target.secrets,
    // tls.ca is a path (resolved against the config file by the loader); undici wants the PEM itself.
    tls: { insecure: target.tls.insecure, ...(target.tls.ca ? { ca: readFileSync(target.tls.ca) } : {}) },
    userAgent: `${TOOL_NAME}/${toolVersion()}`,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // The run's redactor, for the doors: makeFinding, buildReport, and the run's log lines and errors below.
  const redact = (text: string): string => http.redact(text);
  const log = redactedLog(options.log ?? silent, redact);
  try {
    // The "before" reading of the service's own telemetry is taken before the audit's first request.
    const telemetry = await openTelemetry(target);
    const notes = await checkReachability(target, http, log);
    const writeScope = writeScopeOf(target);
    const findings: Finding[] = [];
    // Only endpoints that answered with valid credentials are judged; the others are reported once.
    const unfilled = unfilledEndpoints(target.endpoints);
    if (unfilled.length) notes.push(unfilledNote(unfilled));
    const coverage = await probeCoverage({ ...target, endpoints: target.endpoints.filter((e) => !unfilled.includes(e)) }, http);
    for (const { endpoint, status, exchange } of coverage.absent) {
      findings.push(
        makeFinding(
          ENDPOINT_EXISTS,
          endpoint.label,
          status === 405 ? 'wrongMethod' : 'absent',
          { endpoint: endpoint.label, status },
          exchange ? [exchange] : [],
          {},
          redact,
        ),
      );
    }
    const absent = new Set([...coverage.absent.map((a) => a.endpoint), ...unfilled]);
    const judged: Target = { ...target, endpoints: target.endpoints.filter((endpoint) => !absent.has(endpoint)) };
    const watch = new LivenessWatch(http, knownGoodRequest(judged, coverage.present), target.limits.recoveryMs);

    const tasks: Task[] = [];
    for (const check of checks) {
      const scope = check.endpoints(judged);
      if (scope === 'not-applicable') continue;
      if (scope === 'target') tasks.push({ check });
      else if (scope.length === 0)
        findings.push(makeFinding(check.meta, '*', 'nothingToCheck', { probes: check.meta.probes }, [], {}, redact));
      else for (const endpoint of scope) tasks.push({ check, endpoint });
    }
    // When the limits cannot pay for every check on every endpoint, each check runs on a representative sample.
    const budget = planAudit(judged, tasks);
    tasks.splice(0, tasks.length, ...budget.tasks);
    notes.push(...budget.notes);
    // Said whenever there is a write endpoint at all; the JSON carries writeScope always.
    if (writeScope.configured + writeScope.specOnly > 0) notes.push(writeScope.line);
    let done = 0;
    const total = tasks.length;
    const progress = (current?: string): void =>
      options.onProgress?.({ done, total, requests: http.stats().requests, ...(current ? { current } : {}) });
    http.onExchange(() => progress());
    const heavyWrites: Array<{ check: Check; exchange: Exchange }> = [];
    // Findings beyond a window keep their message, evidence and data on disk (finding-spill.ts).
    const spill = new FindingSpill(options.findingWindow);
    const runTask = async (task: Task): Promise<void> => {
      progress(`${task.check.meta.id}${task.endpoint ? ` ${task.endpoint.label}` : ''}`);
      const label = task.endpoint?.label ?? '*';
      const watched = watch.clientFor({ checkId: task.check.meta.id, endpoint: label });
      const client =
        phase(task) === 'disruptive' ? recordingWrites(watched, (exchange) => heavyWrites.push({ check: task.check, exchange })) : watched;
      for (const finding of await runOne(task, judged, client, log, telemetry)) findings.push(spill.keep(finding));
      done++;
      progress();
    };

    // Probes run side by side; measurements run one at a time after them so that nothing else
    // shares the wire while latency is sampled; heavy write probes (oversized and deeply nested
    // bodies) run after every read-based check, so what they may break cannot mislead those;
    // analysis reads everything the run collected.
    const phase = (task: Task): string => task.check.meta.phase ?? 'probe';
    const workers = Math.max(2, target.limits.concurrency);
    await runPooled(
      tasks.filter((t) => phase(t) === 'probe'),
      workers,
      runTask,
    );
    for (const task of tasks.filter((t) => phase(t) === 'measure')) await runTask(task);
    const heavy = tasks.filter((t) => phase(t) === 'disruptive');
    await runPooled(heavy, workers, runTask);
    if (heavyWrites.length && !watch.ended) {
      const after = await brokenByWrites(coverage.present, heavyWrites, http, redact);
      findings.push(...after.findings);
    }
    for (const task of tasks.filter((t) => phase(t) === 'analyze')) await runTask(task);
    findings.push(...crashFindings(watch, checks, target.limits.recoveryMs, redact));
    if (watch.crashes.length) notes.push(...watch.crashes.map((crash) => crashNote(crash, target.limits.recoveryMs)));

    const settled = await settleCreated(http, target);
    notes.push(...settled.notes);
    const stats = http.stats();
    if (stats.rateLimited)
      notes.push(
        `the target answered 429 (rate limited) ${stats.rateLimited} time(s); the run backed off ${Math.round(stats.backoffMs)} ms in all, as Retry-After asked`,
      );
    if (findings.some((f) => f.status === 'error' && f.data?.code === 'budget')) {
      notes.push(
        `the request budget (maxRequests: ${target.limits.maxRequests}) ran out; some probes could not run (raise limits.maxRequests or --max-requests)`,
      );
    }
    const waived = applyWaivers(orderFindings(findings, checks), target.waivers, (options.now ?? (() => new Date()))());
    notes.push(...waived.notes);
    // Which framework/proxy the fixes are written for, and each finding's fix there (packs load only now).
    const { tailorToStack } = await import('../stack/tailor.js');
    const stack = await tailorToStack(target, http.eachRecorded(), waived.findings, notes);
    return {
      target,
      redact,
      options: { only: options.only ?? [], skip: options.skip ?? [] },
      startedAt: started,
      durationMs: Math.round(performance.now() - startMs),
      run: {
        requests: stats.requests,
        findings: waived.findings,
        checks: [...checks.map((check) => check.meta), ...(coverage.absent.length ? [ENDPOINT_EXISTS] : [])],
        notes,
        facts: {
          probed: judged.endpoints.length,
          ...(watch.ended ? { targetDown: crashNote(watch.crashes.at(-1)!, target.limits.recoveryMs) } : {}),
        },
        coverage: {
          endpoints: target.endpoints.length,
          answered: coverage.present.length,
          absent: coverage.absent.length,
          notProbed: coverage.unknown.length + unfilled.length,
        },
        writeScope: {
          configured: writeScope.configured,
          specOnly: writeScope.specOnly,
          specWritable: writeScope.specWritable,
          specWrites: writeScope.specWrites,
        },
        created: settled.created,
        stack,
      },
    };
  } catch (error) {
    // What the run throws is printed on stderr with no report to carry it (exit 3): its one door.
    throw redactedError(error, redact);
  } finally {
    await http.close();
  }
}

/**
 * Runs `work` over `items`, `workers` at a time, in order of start. A fixed number of loops take the
 * next item each: nothing is queued per item (a 1,000-endpoint audit has ~20,000 tasks).
 */
async function runPooled<T>(items: readonly T[], workers: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, loop));
}

/** The same error, its message redacted (defined, not assigned: a DOMException's message is a getter). */
function redactedError(error: unknown, redact: (text: string) => string): unknown {
  if (!(error instanceof Error)) return error;
  const message = redact(error.message);
  if (message !== error.message) Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true });
  return error;
}

/** The run's logger: every line (the engine's and the checks' ctx.log) passes the redactor here, once. */
function redactedLog(log: Logger, redact: (text: string) => string): Logger {
  return {
    debug: (message) => log.debug(redact(message)),
    info: (message) => log.info(redact(message)),
    warn: (message) => log.warn(redact(message)),
  };
}

/** The same client, telling `record` about every write it sent (answered or not). */
function recordingWrites(http: HttpClient, record: (exchange: Exchange) => void): HttpClient {
  return {
    ...http,
    send: async (request) => {
      try {
        const response = await http.send(request);
        if (isWriteMethod(request.method)) record(response.exchange);
        return response;
      } catch (error) {
        if (error instanceof ProbeError && error.exchange && isWriteMethod(request.method)) record(error.exchange);
        throw error;
      }
    },
  };
}

/** What the liveness watch asks when in doubt: the health endpoint, else a GET that answered, else the base URL. */
function knownGoodRequest(target: Target, present: readonly EndpointAnswer[]): ProbeRequest {
  if (target.health) return { method: 'GET', path: target.health, auth: false };
  const answered = present.find((a) => a.endpoint.method === 'GET' && a.status !== undefined && a.status < 500);
  return answered ? endpointRequest(answered.endpoint) : { method: 'GET', path: '/' };
}

function crashNote(crash: Crash, recoveryMs: number): string {
  const after = crash.suspects.length ? ` after ${crash.suspects.map(requestLine).join(', ')}` : '';
  return crash.recovered
    ? `the target stopped answering${after} and was back after ${Math.round(crash.downMs / 1000)} s`
    : `the target stopped answering${after} and did not come back within ${Math.round(recoveryMs / 1000)} s (limits.recoveryMs): the report is partial`;
}

/** Runs one check on one endpoint; whatever goes wrong becomes a finding, never a crash. */
export async function runOne(task: Task, target: Target, http: HttpClient, log: Logger, telemetry?: Telemetry): Promise<Finding[]> {
  const { check, endpoint } = task;
  const label = endpoint?.label ?? '*';
  const redact = (text: string): string => http.redact(text);
  const reported: Finding[] = [];
  const engine = (verdict: EngineVerdictId, reason: string, evidence: Exchange[] = [], extra: Record<string, unknown> = {}): Finding[] =>
    uniqueKeys([...reported, makeFinding(check.meta, label, verdict, { reason, ...extra }, evidence, {}, redact)]);
  if (check.meta.writes && !target.allowWrites) {
    return engine('notOptedIn', 'sends state-changing requests; runs only with allowWrites: true in the config or --allow-writes');
  }
  const refusal = endpoint && (check.meta.endpointMethodWrites || check.meta.writes) ? writeRefusal(target, endpoint) : undefined;
  if (refusal) return engine('notOptedIn', refusal);
  const controller = new AbortController();
  const ctx: CheckContext = {
    target,
    ...(endpoint ? { endpoint } : {}),
    http,
    signal: controller.signal,
    log,
    ...(telemetry ? { telemetry } : {}),
    report: (verdict, data, evidence = [], options = {}) => {
      const finding = makeFinding(check.meta, label, verdict, data, evidence, options, redact);
      reported.push(finding);
      return finding;
    },
  };
  try {
    await check.run(ctx);
    return uniqueKeys(reported);
  } catch (error) {
    controller.abort();
    if (error instanceof ProbeError) {
      const evidence = error.exchange ? [error.exchange] : [];
      if (error.code === 'write-not-allowed') return engine('notOptedIn', error.message);
      return engine('undecided', error.message, evidence, { code: error.code });
    }
    // A bug in a check must not sink the run; say which check and carry on (the run's log redacts the stack).
    const message = error instanceof Error ? error.message : String(error);
    log.debug(`${check.meta.id} ${label} crashed: ${error instanceof Error ? (error.stack ?? message) : message}`);
    return engine('crashed', message);
  }
}

/** The telemetry reader when observability: is configured; its modules load only then. */
export async function openTelemetry(target: Target): Promise<Telemetry | undefined> {
  if (!target.observability) return undefined;
  const { startTelemetry } = await import('../telemetry/index.js');
  return startTelemetry(target.observability, target.configFile);
}

/** Stable order whatever finished first: by check (registry order), then endpoint. */
function orderFindings(findings: Finding[], checks: readonly Check[]): Finding[] {
  const rank = new Map(checks.map((check, index) => [check.meta.id, index]));
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        (rank.get(a.finding.checkId) ?? 0) - (rank.get(b.finding.checkId) ?? 0) ||
        a.finding.endpoint.localeCompare(b.finding.endpoint) ||
        a.index - b.index,
    )
    .map(({ finding }) => finding);
}
