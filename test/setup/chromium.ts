import { accessSync, constants } from 'node:fs';

/**
 * Where the browser tests look for Chromium, in order: $PLAYWRIGHT_CHROMIUM, $CHROME_PATH, then the
 * paths Debian, Ubuntu and Google's packages use. Tests never install anything (they run without
 * root or network); `.ci/run` installs Debian's chromium when none of these exists.
 */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

type Env = Record<string, string | undefined>;

export function chromiumCandidates(env: Env = process.env, paths: readonly string[] = CHROMIUM_PATHS): string[] {
  return [env.PLAYWRIGHT_CHROMIUM, env.CHROME_PATH, ...paths].filter((path): path is string => Boolean(path));
}

/** The first candidate that is an executable file, or undefined. */
export function findChromium(env: Env = process.env, paths: readonly string[] = CHROMIUM_PATHS): string | undefined {
  return chromiumCandidates(env, paths).find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The one line a browser test fails with when there is no browser. */
export function noChromiumReason(env: Env = process.env, paths: readonly string[] = CHROMIUM_PATHS): string {
  return `no Chromium found (looked at ${chromiumCandidates(env, paths).join(', ')}): set PLAYWRIGHT_CHROMIUM or CHROME_PATH, or run .ci/run, which installs Debian's chromium`;
}

/**
 * vitest globalSetup: says once, up front, when the browser tests will fail for want of a browser.
 * It installs nothing: the suite needs neither root nor the network.
 */
export default function setup(): void {
  if (!findChromium()) process.stderr.write(`[chromium] ${noChromiumReason()}\n`);
}
