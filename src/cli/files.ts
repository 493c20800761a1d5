import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../config/errors.js';

/**
 * Creates the folder an output file goes in, one level at a time. (mkdirSync's recursive mode spins
 * forever under /proc on Node 20, and a bad --output path must be a one-line error, never a hang.)
 */
export function ensureParentDir(file: string, flag = '--output'): void {
  const missing: string[] = [];
  let dir = dirname(file);
  for (let depth = 0; depth < 64; depth++) {
    try {
      if (statSync(dir).isDirectory()) break;
      throw new UsageError(`cannot write ${flag} ${file}: ${dir} is not a folder`);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      missing.unshift(dir);
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new UsageError(`cannot write ${flag} ${file}: cannot create ${folder} (${code ?? 'error'})`);
    }
  }
}
