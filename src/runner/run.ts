import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import type { Dispatcher } from 'undici';
import { createHttpClient } from '../http/client.js';
import { ProbeError, type HttpClient } from '../http/types.js';
import { TOOL_NAME, toolVersion } from '../package-info.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../report/types.js';
import { applyWaivers, gateOf, gradeOf, scoreItems, totalScore } from '../scoring/score.js';
import type { Check, CheckContext, Endpoint, Finding, FindingInput, Logger, Target } from '../types.js';
import { planAudit } from './plan.js';
import { checkTarget } from './preflight.js';
import { loadChecks } from './registry.js';
import { selectChecks } from './select.js';

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
}

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

export interface Task {
  check: Check;
  endpoint?: Endpoint;
}

/** Runs every selected check against the target and returns the report. Throws TargetUnreachable (exit 3). */
export async function runAudit(target: Target, options: AuditOptions = {}): Promise<Report> {
  const started = new Date();
  const startMs = performance.now();
  const log = options.log ?? silent;
  const checks = selectChecks(await loadChecks(options.checksDir), options.only ?? [], options.skip ?? []);
  const http = await createHttpClient({
    baseUrl: target.baseUrl,
    limits: target.limits,
    allowWrites: target.allowWrites,
    auth: target.auth,
    secrets: target.secrets,
    // tls.ca is a path (resolved against the config file by the loader); undici wants the PEM itself.
    tls: { insecure: target.tls.insecure, ...(target.tls.ca ? { ca: readFileSync(target.tls.ca) } : {}) },
    userAgent: `${TOOL_NAME}/${toolVersion()}`,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const notes = await checkTarget(target, http, log);
    const findings: Finding[] = [];
    const tasks: Task[] = [];
    for (const check of checks) {
      const scope = check.applies(target);
      if (scope === 'not-applicable') continue;
      if (scope === 'target') tasks.push({ check });
      else if (scope.length === 0) findings.push(skipFinding(check, '*', `nothing in this config for it to look at; it probes: ${check.meta.probes}`));
      else for (const endpoint of scope) tasks.push({ check, endpoint });
    }
    // When the limits cannot pay for every check on every endpoint, each check runs on a representative sample.
    const budget = planAudit(target, tasks);
    tasks.splice(0, tasks.length, ...budget.tasks);
    notes.push(...budget.notes);
    let done = 0;
    const total = tasks.length;
    const progress = (current?: string): void => options.onProgress?.({ done, total, requests: http.stats().requests, ...(current ? { current } : {}) });
    http.onExchange(() => progress());
    const runTask = async (task: Task): Promise<void> => {
      progress(`${task.check.meta.id}${task.endpoint ? ` ${task.endpoint.label}` : ''}`);
      findings.push(...(await runOne(task, target, http, log)));
      done++;
      progress();
    };

    // Probes run side by side; measurements run one at a time after them so that nothing else
    // shares the wire while latency is sampled; analysis reads everything the run collected.
    const phase = (task: Task): string => task.check.meta.phase ?? 'probe';
    const probeLimit = pLimit(Math.max(2, target.limits.concurrency));
    await Promise.all(tasks.filter((t) => phase(t) === 'probe').map((t) => probeLimit(() => runTask(t))));
    for (const task of tasks.filter((t) => phase(t) === 'measure')) await runTask(task);
    for (const task of tasks.filter((t) => phase(t) === 'analyze')) await runTask(task);

    const stats = http.stats();
    if (stats.rateLimited) notes.push(`the target answered 429 (rate limited) ${stats.rateLimited} time(s); the run backed off ${Math.round(stats.backoffMs)} ms in all, as Retry-After asked`);
    if (findings.some((f) => f.status === 'error' && /request budget/.test(f.message))) {
      notes.push(`the request budget (maxRequests: ${target.limits.maxRequests}) ran out; some probes could not run (raise limits.maxRequests or --max-requests)`);
    }
    const waived = applyWaivers(orderFindings(findings, checks), target.waivers, (options.now ?? (() => new Date()))());
    notes.push(...waived.notes);
    const items = scoreItems(waived.findings);
    const score = totalScore(items);
    return {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: TOOL_NAME, version: toolVersion() },
      target: { name: http.redact(target.name), baseUrl: http.redact(target.baseUrl) },
      startedAt: started.toISOString(),
      durationMs: Math.round(performance.now() - startMs),
      requests: stats.requests,
      score,
      grade: gradeOf(score),
      gate: gateOf(score, items, target.thresholds.failUnder),
      items,
      checks: checks.map((check) => check.meta),
      notes: notes.map((note) => http.redact(note)),
      options: { allowWrites: target.allowWrites, only: options.only ?? [], skip: options.skip ?? [] },
    };
  } finally {
    await http.close();
  }
}

/** Runs one check on one endpoint; whatever goes wrong becomes a finding, never a crash. */
export async function runOne(task: Task, target: Target, http: HttpClient, log: Logger): Promise<Finding[]> {
  const { check, endpoint } = task;
  const label = endpoint?.label ?? '*';
  if (check.meta.writes && !target.allowWrites) {
    return [skipFinding(check, label, 'sends state-changing requests; runs only with allowWrites: true in the config or --allow-writes')];
  }
  const controller = new AbortController();
  const ctx: CheckContext = {
    target,
    ...(endpoint ? { endpoint } : {}),
    http,
    signal: controller.signal,
    log,
    finding: (input) => makeFinding(check, label, input, http),
  };
  try {
    return await check.run(ctx);
  } catch (error) {
    controller.abort();
    if (error instanceof ProbeError) {
      const evidence = error.exchange ? [error.exchange] : [];
      if (error.code === 'write-not-allowed') return [skipFinding(check, label, error.message)];
      return [makeFinding(check, label, { status: 'error', message: `could not decide: ${error.message}`, evidence }, http)];
    }
    // A bug in a check must not sink the run; say which check and carry on.
    const message = error instanceof Error ? error.message : String(error);
    log.debug(`${check.meta.id} ${label} crashed: ${error instanceof Error ? (error.stack ?? message) : message}`);
    return [makeFinding(check, label, { status: 'error', message: `the check itself failed (${message}); please report this` }, http)];
  }
}

const MAX_EVIDENCE = 5;

function makeFinding(check: Check, endpoint: string, input: FindingInput, http: HttpClient): Finding {
  const evidence = (input.evidence ?? []).slice(0, MAX_EVIDENCE);
  const reproduce = evidence[0]?.curl;
  return {
    checkId: check.meta.id,
    item: check.meta.item,
    severity: input.severity ?? check.meta.severity,
    endpoint: input.endpoint ?? endpoint,
    status: input.status,
    message: http.redact(input.message.replace(/\s*[\r\n]+\s*/g, ' ')),
    evidence,
    remediation: http.redact(input.remediation ?? check.meta.remediation),
    ...(reproduce ? { reproduce } : {}),
    // Checks put request bodies and ids in data; the redactor sees every string in it too.
    ...(input.data ? { data: JSON.parse(JSON.stringify(input.data, (_key, value: unknown) => (typeof value === 'string' ? http.redact(value) : value))) as Record<string, unknown> } : {}),
  };
}

function skipFinding(check: Check, endpoint: string, reason: string): Finding {
  return {
    checkId: check.meta.id,
    item: check.meta.item,
    severity: check.meta.severity,
    endpoint,
    status: 'skip',
    message: reason,
    evidence: [],
  };
}

/** Stable order whatever finished first: by check (registry order), then endpoint. */
function orderFindings(findings: Finding[], checks: readonly Check[]): Finding[] {
  const rank = new Map(checks.map((check, index) => [check.meta.id, index]));
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => (rank.get(a.finding.checkId) ?? 0) - (rank.get(b.finding.checkId) ?? 0) || a.finding.endpoint.localeCompare(b.finding.endpoint) || a.index - b.index)
    .map(({ finding }) => finding);
}
