import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtInStacks } from '../built-in.js';
import { pluginFiles, pluginId, pluginModules } from '../plugins.js';
import type { StackPack } from './types.js';

/** stacks/ beside src/, in the source tree (tests) or in dist/ (the built tool). */
export function stacksDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'stacks');
}

/** The pack modules' file names in `dir`, sorted, one per id (src/plugins.ts: which files are plugins). */
export function packFiles(dir = stacksDir()): string[] {
  return pluginFiles(dir);
}

/** The ids `stack:` in the config may name: the pack files' names, read without loading them. */
export function stackIds(dir?: string): string[] {
  const files = (dir === undefined ? builtInStacks?.files : undefined) ?? packFiles(dir);
  return files.map(pluginId);
}

let cache: Promise<StackPack[]> | undefined;

/**
 * Every pack in stacks/, one module each, in file-name order. Loaded only once an audit has run (to
 * detect the stack and tailor its findings), never at start-up. Adding a stack is adding a file. The
 * bundled CLI has the same files compiled in (src/built-in.ts); a `dir` given here is read at run time.
 */
export function loadStacks(dir?: string): Promise<StackPack[]> {
  if (dir === undefined && cache) return cache;
  const loading = (async () => {
    const packs: StackPack[] = [];
    for (const [name, pack] of await pluginModules(builtInStacks, dir, stacksDir, packFiles)) {
      const problems = packProblems(pack, pluginId(name));
      if (problems.length) throw new Error(`stacks/${name}: ${problems.join('; ')}`);
      packs.push(pack as StackPack);
    }
    return packs;
  })();
  if (dir === undefined) cache = loading;
  return loading;
}

/** What is wrong with a pack's shape (its verdict ids are checked against the catalogue by the packs' test). */
export function packProblems(pack: StackPack | undefined, id: string): string[] {
  if (!pack || typeof pack !== 'object') return ['default export must be a pack made with defineStack'];
  const problems: string[] = [];
  if (pack.id !== id) problems.push(`id "${pack.id}" must be the file's name (${id})`);
  if (pack.kind !== 'framework' && pack.kind !== 'proxy') problems.push(`kind "${String(pack.kind)}" must be framework or proxy`);
  if (!pack.name || !pack.version) problems.push('name and version are required');
  if (!Array.isArray(pack.signals) || pack.signals.length === 0) problems.push('signals: at least one is needed to recognise the stack');
  for (const [verdict, fix] of Object.entries(pack.fixes ?? {})) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*\/[a-z][A-Za-z0-9]*$/.test(verdict))
      problems.push(`fixes: "${verdict}" is not a verdict id (check/verdict)`);
    if (!fix.fix) problems.push(`fixes["${verdict}"].fix is empty`);
  }
  return problems;
}
