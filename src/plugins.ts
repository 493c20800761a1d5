import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Plugin modules compiled into the bundled CLI (src/built-in.ts): their file names, and a loader of the modules in that order. */
export interface BuiltIn<T> {
  files: readonly string[];
  load(): Promise<ReadonlyArray<{ default?: T }>>;
}

/**
 * The [file name, default export] of every plugin in a folder (checks/, stacks/), in file order: with no
 * folder named, the bundle's built-in ones when the CLI is bundled, else the files `list` finds in the
 * default folder; a folder named is always read at run time, one module after another.
 */
export async function pluginModules<T>(
  builtIn: BuiltIn<T> | undefined,
  dir: string | undefined,
  defaultDir: () => string,
  list: (dir: string) => string[],
): Promise<Array<[file: string, plugin: T | undefined]>> {
  if (dir === undefined && builtIn) {
    const modules = await builtIn.load();
    return builtIn.files.map((file, index) => [file, modules[index]?.default]);
  }
  const folder = dir ?? defaultDir();
  const plugins: Array<[string, T | undefined]> = [];
  for (const file of list(folder))
    plugins.push([file, ((await import(pathToFileURL(join(folder, file)).href)) as { default?: T }).default]);
  return plugins;
}

/**
 * The plugin modules in a folder (checks/, stacks/), by file name, sorted: sub-folders (data beside
 * them), declarations, tests and api.ts (the API they import) are not plugins. x.js and x.ts side by side
 * are one plugin: the first in order stands.
 */
export function pluginFiles(dir: string): string[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isFile() && /\.(js|ts)$/.test(entry.name) && !/\.(d|test)\.ts$/.test(entry.name) && !/^api\.(js|ts)$/.test(entry.name),
    )
    .map((entry) => entry.name)
    .sort();
  return names.filter((name, index) => index === 0 || pluginId(name) !== pluginId(names[index - 1]!));
}

/** A plugin's id: its file name without the extension. */
export function pluginId(file: string): string {
  return file.replace(/\.(js|ts)$/, '');
}
