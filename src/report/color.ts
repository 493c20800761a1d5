import type { FindingStatus } from '../types.js';

export interface Colors {
  enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  magenta(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  status(status: FindingStatus, text?: string): string;
}

/** Color only on a terminal, and never when NO_COLOR is set (https://no-color.org) or --no-color is given. */
export function shouldColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>, flag: boolean | undefined): boolean {
  if (flag === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function makeColors(enabled: boolean): Colors {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  const colors = {
    enabled,
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    magenta: wrap(35, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
  const byStatus: Record<FindingStatus, (text: string) => string> = {
    pass: colors.green,
    warn: colors.yellow,
    fail: colors.red,
    error: colors.magenta,
    skip: colors.dim,
    waived: colors.cyan,
  };
  return { ...colors, status: (status, text = status.toUpperCase()) => byStatus[status](text) };
}
