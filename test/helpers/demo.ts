import { loadConfigText } from '../../src/config/load.js';
import type { RunningServer } from '../../src/demo/common.js';
import { DEMO_CONFIG } from '../../src/demo/config.js';
import type { Report } from '../../src/report/types.js';
import { runAudit, type AuditOptions } from '../../src/runner/run.js';

/** Audits a running demo server with the demo's own config, as `preflight demo` does. */
export async function auditDemo(server: RunningServer, options: AuditOptions = {}): Promise<Report> {
  const target = await loadConfigText(DEMO_CONFIG, 'demo config', { env: { DEMO_BASE_URL: server.url } });
  return runAudit(target, options);
}

export function item(report: Report, id: string) {
  const found = report.items.find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
}
