import { UsageError } from '../config/errors.js';
import { closest } from '../config/load.js';
import { CHECKLIST } from '../types.js';
import type { Check } from '../check-api/contract.js';

/** Applies --only and --skip, which take checklist item ids and check ids alike. */
export function selectChecks(checks: Check[], only: readonly string[], skip: readonly string[]): Check[] {
  const known = new Set([...CHECKLIST.map((item) => item.id), ...checks.map((check) => check.meta.id)]);
  for (const name of [...only, ...skip]) {
    if (!known.has(name)) {
      const guess = closest(name, [...known]);
      const flag = only.includes(name) ? '--only' : '--skip';
      throw new UsageError(
        guess
          ? `${flag}: unknown check or item "${name}" (did you mean "${guess}"? \`preflight checks\` lists them)`
          : `${flag}: unknown check or item "${name}" (known: ${[...known].join(', ')}; \`preflight checks\` lists them)`,
      );
    }
  }
  const matches = (check: Check, names: readonly string[]): boolean => names.includes(check.meta.id) || names.includes(check.meta.item);
  return checks.filter((check) => (only.length === 0 || matches(check, only)) && !matches(check, skip));
}
