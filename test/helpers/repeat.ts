import { expect } from 'vitest';
import type { Finding } from '../../src/types.js';
import type { Check } from '../../src/check-api/contract.js';
import type { StartedServer } from './check-tester.js';
import { runCheck, targetFor } from './target.js';

/** Each finding's status by its key: what two runs of an unchanged server must agree on. */
export function statusByKey(findings: readonly Finding[]): Record<string, string> {
  return Object.fromEntries(findings.map((finding) => [finding.key, finding.status]).sort(([a], [b]) => a!.localeCompare(b!)));
}

/**
 * Runs `check` `times` times against the server (the same one, or a fresh one per run when the server
 * keeps state the audit changes), asserts every run gives the same statuses by key, and returns the
 * findings of the first run.
 */
export async function sameEveryRun(
  check: Check,
  server: StartedServer | (() => Promise<StartedServer>),
  config: string,
  times = 3,
): Promise<Finding[]> {
  return sameStatusesEveryRun(async () => {
    const started = typeof server === 'function' ? await server() : server;
    try {
      return (await runCheck(check, await targetFor(started.url, config))).findings;
    } finally {
      if (typeof server === 'function') await started.close();
    }
  }, times);
}

/** The verdict ids (without the check id) of some findings, sorted. */
export function verdictIds(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.id.slice(finding.id.indexOf('/') + 1)).sort();
}

/** Runs an audit (any set of checks) `times` times, asserts the same statuses by key each time, and returns the first run's findings. */
export async function sameStatusesEveryRun(audit: () => Promise<Finding[]>, times = 3): Promise<Finding[]> {
  const runs: Finding[][] = [];
  for (let run = 0; run < times; run++) runs.push(await audit());
  for (const findings of runs.slice(1)) expect(statusByKey(findings)).toEqual(statusByKey(runs[0]!));
  return runs[0]!;
}
