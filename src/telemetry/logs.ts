import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ProbeError } from '../http/types.js';
import type { LogRead } from './types.js';

/** The size of the log file now (0 when it does not exist yet): where the audit's lines will start. */
export function logFileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The lines written to the file since it had `from` bytes; a file that shrank was rotated and is read whole. */
export function readLogFile(file: string, from: number, maxBytes: number): LogRead {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ProbeError('network', `observability.logs.file ${file} not found after the audit`);
  }
  const rotated = size < from;
  const start = rotated ? 0 : from;
  const length = Math.min(size - start, maxBytes);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, start);
  } finally {
    closeSync(fd);
  }
  return {
    lines: toLines(buffer.toString('utf8')),
    source: file,
    truncated: size - start > maxBytes,
    ...(rotated ? { note: 'the file was smaller after the audit than before (rotated?): read from its start' } : {}),
  };
}

/**
 * Runs the logs command (argv, no shell) and takes what it prints, stdout then stderr, up to maxBytes
 * and timeoutMs; the command is killed at either bound and what it printed so far is used.
 */
export function readLogCommand(argv: readonly string[], timeoutMs: number, maxBytes: number): Promise<LogRead> {
  const [command, ...args] = argv;
  const source = argv.join(' ');
  return new Promise((resolve, reject) => {
    // Its own process group, so a stop also ends what it started (a wrapper's children keep the pipes open).
    const child = spawn(command ?? '', args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stop = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const chunks: Buffer[] = [];
    let bytes = 0;
    let truncated = false;
    const take = (chunk: Buffer): void => {
      if (truncated) return;
      const room = maxBytes - bytes;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        bytes = maxBytes;
        truncated = true;
        stop();
        return;
      }
      chunks.push(chunk);
      bytes += chunk.length;
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => {
      truncated = true;
      stop();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new ProbeError('network', `observability.logs.command ${command} could not run: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && !truncated && bytes === 0) {
        reject(new ProbeError('network', `observability.logs.command ${command} exited with ${code} and printed nothing`));
        return;
      }
      resolve({
        lines: toLines(Buffer.concat(chunks).toString('utf8')),
        source,
        truncated,
        ...(truncated ? { note: `the command was stopped at ${maxBytes} bytes or ${timeoutMs} ms` } : {}),
      });
    });
  });
}

function toLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}
