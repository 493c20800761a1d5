import { shouldColor } from '../report/color.js';
import type { Io } from './io.js';

export interface Spinner {
  text: string;
  stop(): void;
}

/** Narrower than this, a spinner line wraps and ora's redraw (cursor up per wrapped line) runs away. */
export const MIN_SPINNER_COLUMNS = 20;

/**
 * Whether to draw a spinner: asked for, both stdout and stderr are terminals (a spinner in a file or a
 * pipe is litter), not under CI, and the terminal is wide enough. Some CI runners and `script` give a
 * pseudo-terminal of 0 columns, where ora would repeat cursor-up codes forever.
 */
export function spinnerWanted(progress: boolean, io: Io): boolean {
  if (!progress || io.env.CI) return false;
  if (io.stdout.isTTY !== true || io.stderr.isTTY !== true) return false;
  const columns = io.stderr.columns ?? io.stdout.columns ?? 0;
  return columns >= MIN_SPINNER_COLUMNS;
}

/** ora on stderr; colourless under NO_COLOR or --no-color; it leaves stdin alone so Ctrl-C stays a signal. */
export async function startSpinner(text: string, options: { progress: boolean; color: boolean }, io: Io): Promise<Spinner | undefined> {
  if (!spinnerWanted(options.progress, io)) return undefined;
  const { default: ora } = await import('ora');
  const color = shouldColor(io.stderr, io.env, options.color);
  return ora({ text, stream: process.stderr, discardStdin: false, ...(color ? {} : { color: false }) }).start();
}
