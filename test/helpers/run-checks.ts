import type { HttpClient } from '../../src/http/types.js';
import { openTelemetry, runOne } from '../../src/runner/run.js';
import type { Finding, Target } from '../../src/types.js';
import type { Check } from '../../src/check-api/contract.js';
import { clientFor } from './target.js';

const PHASES = ['probe', 'measure', 'analyze'] as const;

/**
 * Runs several checks against a real server on ONE client, in the runner's phase order, so that
 * analysis checks read what the probe checks recorded. `before` may send requests of its own first
 * (as other checks of a run would).
 */
export async function runChecks(
  checks: readonly Check[],
  target: Target,
  before?: (http: HttpClient) => Promise<void>,
): Promise<Finding[]> {
  const http = await clientFor(target);
  const log = { debug: () => undefined, info: () => undefined, warn: () => undefined };
  try {
    // As the runner does: the telemetry's "before" reading comes before the first request.
    const telemetry = await openTelemetry(target);
    if (before) await before(http);
    const findings: Finding[] = [];
    for (const phase of PHASES) {
      for (const check of checks.filter((c) => (c.meta.phase ?? 'probe') === phase)) {
        const scope = check.endpoints(target);
        const tasks = scope === 'not-applicable' ? [] : scope === 'target' ? [{ check }] : scope.map((endpoint) => ({ check, endpoint }));
        for (const task of tasks) findings.push(...(await runOne(task, target, http, log, telemetry)));
      }
    }
    return findings;
  } finally {
    await http.close();
  }
}

/** The findings of one check. */
export function of(findings: readonly Finding[], checkId: string): Finding[] {
  return findings.filter((finding) => finding.checkId === checkId);
}
