/**
 * A problem with the user's config or command line. Printed as one line,
 * `file:line:col: path: what is wrong (how to fix)`, and the process exits 2. Never a stack trace.
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly col: number | undefined,
    readonly path: string | undefined,
    readonly problem: string,
    readonly hint?: string,
  ) {
    super(formatConfigError(file, line, col, path, problem, hint));
    this.name = 'ConfigError';
  }
}

function formatConfigError(
  file: string,
  line: number | undefined,
  col: number | undefined,
  path: string | undefined,
  problem: string,
  hint?: string,
): string {
  const where = line ? `${file}:${line}:${col ?? 1}` : file;
  const subject = path ? `${path}: ` : '';
  const fix = hint ? ` (${hint})` : '';
  // One line, whatever the input held.
  return `${where}: ${subject}${problem}${fix}`.replace(/[\r\n]+/g, ' ');
}

/** A bad command-line flag: exit 2 like a config error. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message.replace(/[\r\n]+/g, ' '));
    this.name = 'UsageError';
  }
}

/** A spec that cannot be used: printed as one line, exit 2 (it is a usage error, like a bad config). */
export class SpecError extends UsageError {
  constructor(source: string, problem: string, hint?: string) {
    super(`${source}: ${problem}${hint ? ` (${hint})` : ''}`);
    this.name = 'SpecError';
  }
}
