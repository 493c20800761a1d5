import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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

/**
 * Proves before the first probe that `file` can be written: an existing file is opened for writing
 * (not truncated), a new one is created and removed again. A folder that exists but refuses files
 * (/proc, a read-only mount) is a one-line usage error (exit 2), not a failure after the audit.
 */
export function checkWritable(file: string, flag = '--output'): void {
  let created = false;
  try {
    let fd: number;
    try {
      fd = openSync(file, 'r+');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      fd = openSync(file, 'wx');
      created = true;
    }
    closeSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot write ${flag} ${file} (${code}): choose a file in a folder you can write to`);
  } finally {
    if (created) rmSync(file, { force: true });
  }
}

/**
 * Refuses an output path that is a symlink or not a regular file: a report written through a link
 * planted in a shared workspace would overwrite whatever it points at.
 */
export function assertWritableTarget(file: string, flag = '--output'): void {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(file);
  } catch {
    return; // does not exist yet: created below
  }
  if (stats.isSymbolicLink())
    throw new UsageError(
      `cannot write ${flag} ${file}: it is a symbolic link; preflight writes only regular files (remove the link or choose another path)`,
    );
  if (!stats.isFile()) throw new UsageError(`cannot write ${flag} ${file}: it exists and is not a regular file`);
}

/**
 * Writes a file without following a link at its path: the text goes to a new temporary file in the
 * same folder (created exclusively, so never through a link), which is then renamed over the target.
 */
export function writeFileSafely(file: string, text: string | Iterable<string>, flag = '--output'): void {
  assertWritableTarget(file, flag);
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    if (typeof text === 'string') writeFileSync(temp, text, { flag: 'wx', mode: 0o644 });
    else writeChunks(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot write ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Writes text given in pieces (a large report as it is serialised), about 1 MiB at a time. */
function writeChunks(path: string, chunks: Iterable<string>): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    let pending: string[] = [];
    let size = 0;
    for (const chunk of chunks) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= 1024 * 1024) {
        writeSync(fd, pending.join(''));
        pending = [];
        size = 0;
      }
    }
    if (pending.length) writeSync(fd, pending.join(''));
  } finally {
    closeSync(fd);
  }
}
