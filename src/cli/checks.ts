import { ENGINE_VERDICTS } from '../check-api/engine-verdicts.js';
import { loadChecks } from '../runner/registry.js';
import { CHECKLIST } from '../types.js';
import type { Check, VerdictSpec } from '../check-api/contract.js';
import { EXIT, type Io } from './io.js';

/** Every verdict of a check, its own first, then the ones the engine can give any check. */
function verdictsOf(check: Check): Array<[string, VerdictSpec]> {
  return [...Object.entries(check.meta.verdicts ?? {}), ...Object.entries(ENGINE_VERDICTS)];
}

/** `preflight checks`: every check, grouped by checklist item; --verdicts adds the catalogue, --json prints it as data. */
export async function checksCommand(io: Io, options: { verdicts?: boolean; json?: boolean } = {}): Promise<number> {
  const checks = await loadChecks();
  if (options.json) {
    const items = CHECKLIST.map((item) => ({
      id: item.id,
      title: item.title,
      checks: checks
        .filter((check) => check.meta.item === item.id)
        .map(({ meta }) => ({
          ...meta,
          writes: meta.writes === true,
          verdicts: Object.fromEntries(
            verdictsOf({ meta } as Check).map(([id, spec]) => [`${meta.id}/${id}`, { severity: meta.severity, ...spec }]),
          ),
        })),
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
      if (!options.verdicts) continue;
      for (const [id, spec] of verdictsOf(check)) {
        const severity = spec.severity && spec.severity !== check.meta.severity ? ` [${spec.severity}]` : '';
        lines.push(`      ${`${check.meta.id}/${id}`.padEnd(42)} ${spec.status.padEnd(5)}${severity} ${spec.message}`);
      }
    }
  }
  if (options.verdicts) {
    const total = checks.reduce((sum, check) => sum + verdictsOf(check).length, 0);
    lines.push('', `${total} verdicts in ${checks.length} checks. Waivers, baselines and SARIF rules name them by id.`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
