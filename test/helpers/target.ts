import { loadConfigText } from '../../src/config/load.js';
import { createHttpClient } from '../../src/http/client.js';
import type { HttpClient } from '../../src/http/types.js';
import { openTelemetry, runOne } from '../../src/runner/run.js';
import type { Finding, Target } from '../../src/types.js';
import type { Check } from '../../src/check-api/contract.js';

/**
 * A target for `baseUrl` from YAML, through the real loader (so tests exercise defaults and validation).
 * `yaml` holds everything but target:, e.g. "endpoints:\n  - { path: /api/orders, kind: list }".
 */
export async function targetFor(baseUrl: string, yaml = '', env: Record<string, string> = {}): Promise<Target> {
  const text = `target:\n  name: test\n  baseUrl: ${baseUrl}\n${yaml}`;
  return loadConfigText(text, 'test.yaml', { env });
}

/** The run's one HTTP client for a target, as the runner makes it. */
export function clientFor(target: Target): Promise<HttpClient> {
  return createHttpClient({
    baseUrl: target.baseUrl,
    limits: target.limits,
    allowWrites: target.allowWrites,
    auth: target.auth,
    secrets: target.secrets,
    tls: target.tls,
  });
}

/** Runs one check the way the runner does (every endpoint it applies to), against a real server. */
export async function runCheck(check: Check, target: Target): Promise<{ findings: Finding[]; http: HttpClient }> {
  const http = await clientFor(target);
  try {
    const scope = check.endpoints(target);
    const tasks = scope === 'not-applicable' ? [] : scope === 'target' ? [{ check }] : scope.map((endpoint) => ({ check, endpoint }));
    const log = { debug: () => undefined, info: () => undefined, warn: () => undefined };
    const telemetry = await openTelemetry(target);
    const findings: Finding[] = [];
    for (const task of tasks) findings.push(...(await runOne(task, target, http, log, telemetry)));
    return { findings, http };
  } finally {
    await http.close();
  }
}

/** The statuses of a check's findings, for compact assertions. */
export function statuses(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.status);
}
