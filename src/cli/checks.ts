import { loadChecks } from '../runner/registry.js';
import { CHECKLIST } from '../types.js';
import { EXIT, type Io } from './io.js';

/** `preflight checks`: every check, grouped by checklist item. */
export async function checksCommand(io: Io, options: { json?: boolean } = {}): Promise<number> {
  const checks = await loadChecks();
  if (options.json) {
    const items = CHECKLIST.map((item) => ({
      id: item.id,
      title: item.title,
      checks: checks
        .filter((check) => check.meta.item === item.id)
        .map(({ meta }) => ({ id: meta.id, title: meta.title, severity: meta.severity, writes: meta.writes === true, probes: meta.probes })),
    }));
    io.stdout.write(`${JSON.stringify({ items }, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines: string[] = [];
  for (const item of CHECKLIST) {
    const own = checks.filter((check) => check.meta.item === item.id);
    lines.push(`${item.id} — ${item.title}`);
    if (!own.length) lines.push('  (no check yet)');
    for (const check of own) {
      lines.push(`  ${check.meta.id}  [${check.meta.severity}]${check.meta.writes ? ' [writes: needs --allow-writes]' : ''}`);
      lines.push(`    ${check.meta.title}. Probes: ${check.meta.probes}.`);
    }
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
