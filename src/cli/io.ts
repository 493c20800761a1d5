import { terminalText } from '../report/escape.js';

/** Where the CLI reads and writes: the process, or a capture in tests. */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  cwd: string;
}

export function processIo(): Io {
  // `preflight ... | head` closes the pipe early: stop quietly, as Unix tools do, not with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** design.md's exit codes. */
export const EXIT = { ok: 0, gateFailed: 1, usage: 2, unreachable: 3 } as const;

/**
 * stderr carries target text (spec warnings, error messages, debug logs): every write passes the
 * terminal escaper, so an escape sequence from a spec or a response is shown, never acted on.
 */
export function withSafeStderr(io: Io): Io {
  const stderr = io.stderr;
  return { ...io, stderr: { write: (text: string) => stderr.write(terminalText(String(text), { lines: true })), isTTY: stderr.isTTY } };
}
