import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where Debian's `chromium` package puts the browser; the HTML report test renders with it. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * vitest globalSetup: make sure headless Chromium is there before the HTML report test runs.
 * Machines are handed over fresh, so the project installs what it needs itself (CI runs as root).
 * If the install fails we only say so here: the HTML test then fails loudly with the reason,
 * instead of the whole suite refusing to start.
 */
export default function setup(): void {
  if (existsSync(CHROMIUM)) return;
  const log = (message: string): void => void process.stderr.write(`[chromium setup] ${message}\n`);
  log(`${CHROMIUM} is missing; installing Debian's chromium package (apt-get update && apt-get install -y chromium)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    // Bounded: apt on a slow mirror must not hold the suite forever.
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 5 * 60_000 });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 10 * 60_000 });
  } catch (error) {
    log(`could not install chromium: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return;
  }
  log(existsSync(CHROMIUM) ? `installed ${CHROMIUM}` : `apt-get finished but ${CHROMIUM} is still missing`);
}
