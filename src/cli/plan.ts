import { loadConfigFile } from '../config/load.js';
import { writeScopeOf } from '../http/write-scope.js';
import { loadChecks } from '../runner/registry.js';
import { fmt, planAudit, tasksOf, type AuditPlan } from '../runner/budget-plan.js';
import { selectChecks } from '../runner/select.js';
import { applyFlags } from './audit.js';
import { EXIT, type Io } from './io.js';

export interface PlanFlags {
  config: string;
  openapi?: string;
  only?: string[];
  skip?: string[];
  rps?: number;
  maxRequests?: number;
  allowWrites?: boolean;
  allowSpecWrites?: boolean;
  json?: boolean;
}

/**
 * `preflight plan`: what `audit` would send with these limits (checks × endpoints, estimated
 * requests and wall time, what is sampled), without sending anything: not even the spec is fetched
 * unless --openapi names a URL on the target.
 */
export async function planCommand(flags: PlanFlags, io: Io): Promise<number> {
  // A plan sends nothing: credentials the config reads from the environment need not be set.
  const unset: string[] = [];
  let target = applyFlags(await loadConfigFile(flags.config, { env: io.env, cwd: io.cwd, onUnsetEnv: (name) => unset.push(name) }), flags);
  if (unset.length)
    io.stderr.write(`preflight: note: ${[...new Set(unset)].join(', ')} not set; fine for a plan (it sends nothing), audit needs them\n`);
  if (flags.openapi) {
    const { mergeSpecSource } = await import('../openapi/merge-spec.js');
    target = (
      await mergeSpecSource(target, flags.openapi, { cwd: io.cwd, warn: (message) => io.stderr.write(`preflight: warning: ${message}\n`) })
    ).target;
  }
  const checks = selectChecks(await loadChecks(), flags.only ?? [], flags.skip ?? []);
  const plan = planAudit(target, tasksOf(checks, target));
  const { line: writes, ...writeScope } = writeScopeOf(target);
  if (flags.json) {
    const { tasks: _tasks, ...rest } = plan;
    io.stdout.write(`${JSON.stringify({ target: target.name, endpoints: target.endpoints.length, ...rest, writeScope }, null, 2)}\n`);
  } else {
    io.stdout.write(renderPlan(plan, { name: target.name, endpoints: target.endpoints.length, rps: target.limits.requestsPerSecond }));
    io.stdout.write(`${writes}\n`);
  }
  return EXIT.ok;
}

export function renderPlan(plan: Omit<AuditPlan, 'tasks'>, target: { name: string; endpoints: number; rps: number }): string {
  const rows = plan.checks.map((c) => [
    c.checkId,
    c.item,
    c.scope === 'target'
      ? 'whole target'
      : c.planned === c.applicable
        ? `all ${fmt(c.applicable)}`
        : `${fmt(c.planned)} of ${fmt(c.applicable)}`,
    c.skipped ? '–' : c.scope === 'target' ? '' : String(c.requestsPerEndpoint),
    c.skipped ? `skipped (${c.skipped})` : fmt(c.requests),
    c.scope === 'endpoints' && c.planned < c.applicable ? `${c.groups.covered} of ${c.groups.total} ${c.groups.by}` : '',
  ]);
  const header = ['check', 'item', 'endpoints', 'req/endpoint', 'requests', 'sample spans'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [
    `plan for ${target.name}: ${fmt(target.endpoints)} endpoint(s), ${plan.checks.length} check(s); nothing is sent`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `estimated: ${fmt(plan.requests)} requests, about ${duration(plan.estimatedMs)} at ${fmt(target.rps)} requests/s (plus the target's own response times)`,
    plan.sampled
      ? `sampled: every check on every endpoint would take about ${fmt(plan.fullRequests)} requests; ${plan.capacityFrom} allows ${fmt(plan.capacity)} (90 %), so checks run on a sample, configured endpoints first, spread across ${plan.checks[0]?.groups.by ?? 'path prefixes'}`
      : `not sampled: every check runs on every endpoint it applies to (within ${plan.capacityFrom})`,
  ];
  return `${out.join('\n')}\n`;
}

function duration(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  const minutes = Math.floor(ms / 60_000);
  return minutes < 60 ? `${minutes} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
