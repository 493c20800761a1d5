import { UsageError } from '../config/errors.js';
import { CHECKLIST, type Check } from '../types.js';

/** Applies --only and --skip, which take checklist item ids and check ids alike. */
export function selectChecks(checks: Check[], only: readonly string[], skip: readonly string[]): Check[] {
  const known = new Set([...CHECKLIST.map((item) => item.id), ...checks.map((check) => check.meta.id)]);
  for (const name of [...only, ...skip]) {
    if (!known.has(name)) {
      throw new UsageError(`unknown check or item "${name}" (known: ${[...known].join(', ')}; \`preflight checks\` lists them)`);
    }
  }
  const matches = (check: Check, names: readonly string[]): boolean => names.includes(check.meta.id) || names.includes(check.meta.item);
  return checks.filter((check) => (only.length === 0 || matches(check, only)) && !matches(check, skip));
}
