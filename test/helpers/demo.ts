import { loadConfigText } from '../../src/config/load.js';
import { demoEnv, type RunningServer } from '../../src/demo/common.js';
import { DEMO_CONFIG } from '../../src/demo/config.js';
import type { Report } from '../../src/report/types.js';
import { runAudit, type AuditOptions } from '../../src/runner/run.js';
import type { Target } from '../../src/types.js';

/** The demo's own config, pointed at a running demo server, as `preflight demo` loads it. */
export function demoTarget(url: string): Promise<Target> {
  return loadConfigText(DEMO_CONFIG, 'demo config', { env: demoEnv(url) });
}

/** Audits a running demo server with the demo's own config, as `preflight demo` does. */
export async function auditDemo(server: RunningServer, options: AuditOptions = {}): Promise<Report> {
  return runAudit(await demoTarget(server.url), options);
}

export function item(report: Report, id: string) {
  const found = report.items.find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
}
