import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtInChecks } from '../built-in.js';
import { catalogueProblems } from '../check-api/validate.js';
import { pluginFiles, pluginModules } from '../plugins.js';
import { CHECKLIST, SEVERITIES } from '../types.js';
import type { Check } from '../check-api/contract.js';

/** checks/ beside src/, in the source tree (tests) or in dist/ (the built tool). */
export function checksDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'checks');
}

let cache: Promise<Check[]> | undefined;

/**
 * Every check in checks/, one module each, in file-name order. The engine knows no check by name:
 * adding a check is adding a file. Sub-folders (data beside the checks) and api.ts (the check API
 * the checks import) are not checks. The bundled CLI (npm run build) has the same files compiled in
 * (src/built-in.ts), listed when it was built; a `dir` given here is always read at run time.
 */
export function loadChecks(dir?: string): Promise<Check[]> {
  if (dir === undefined && cache) return cache;
  const loading = (async () => {
    const checks: Check[] = [];
    for (const [name, check] of await pluginModules(builtInChecks, dir, checksDir, checkFiles)) {
      // The catalogue is checked at every load (cheap); reading each check's source for report() calls is
      // not done at start-up (it cost a tenth of `preflight checks`): test/runner/catalogue.test.ts runs
      // sourceProblems over every check instead.
      assertCheck(check, name);
      checks.push(check);
    }
    const ids = new Set<string>();
    for (const check of checks) {
      if (ids.has(check.meta.id)) throw new Error(`two checks share the id ${check.meta.id}`);
      ids.add(check.meta.id);
    }
    return checks;
  })();
  if (dir === undefined) cache = loading;
  return loading;
}

/** The check modules' file names in `dir`, sorted, one per id (src/plugins.ts: which files are plugins). */
export function checkFiles(dir = checksDir()): string[] {
  return pluginFiles(dir);
}

/**
 * What can be checked without reading the check's source: the shape, the meta and the catalogue. What
 * only the source shows (a declared verdict nothing reports, a placeholder no call supplies) is checked
 * by test/runner/catalogue.test.ts with sourceProblems(), so start-up reads no source file.
 */
export function assertCheck(check: Check | undefined, file: string): asserts check is Check {
  const meta = check?.meta;
  const problems: string[] = [];
  if (!check || typeof check.run !== 'function' || typeof check.endpoints !== 'function')
    problems.push('default export must have meta, endpoints() and run()');
  else if (!meta) problems.push('missing meta');
  else {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(meta.id)) problems.push(`id "${meta.id}" is not kebab-case`);
    if (!CHECKLIST.some((item) => item.id === meta.item)) problems.push(`item "${meta.item}" is not a checklist item`);
    if (!SEVERITIES.includes(meta.severity)) problems.push(`severity "${meta.severity}" is unknown`);
    for (const key of ['title', 'rationale', 'remediation', 'probes'] as const) if (!meta[key]) problems.push(`meta.${key} is empty`);
    problems.push(...catalogueProblems(meta));
  }
  if (problems.length) throw new Error(`checks/${file}: ${problems.join('; ')}`);
}
