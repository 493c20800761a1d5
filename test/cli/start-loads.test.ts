// Issue 27 (a fast start): what `preflight checks` and `--version` load. Large data and libraries a
// check needs only while it runs (the 3,613-entry JWT secret list, jose) are loaded then, not at start.
// Not timed: the start-up times are figures of npm run bench.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/spawn-cli.js';

/** The modules a command of the built CLI loads, as file paths, listed by a module-loader hook. */
function modulesLoadedBy(...args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-loads-'));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `export async function load(url, context, next) { process.stderr.write('@@load ' + url + '\\n'); return next(url, context); }\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, join(process.cwd(), 'bin', 'preflight.js'), ...args], {
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stderr
    .split('\n')
    .filter((line) => line.startsWith('@@load '))
    .map((line) => line.slice('@@load '.length));
}

describe('start-up loads', () => {
  beforeAll(() => ensureBuilt());

  it('preflight checks lists every check without loading the JWT secret list or jose', () => {
    const loaded = modulesLoadedBy('checks');
    // The modules load checks/jwt-weak-secret.js; the bundle (bin's choice after npm run build) has it in one chunk.
    expect(loaded.some((url) => /\/checks\/jwt-weak-secret\.js$|\/built-in-checks-[\w-]+\.js$/.test(url))).toBe(true);
    expect(loaded.filter((url) => /jwt-weak-secrets|\/node_modules\/jose\//.test(url))).toEqual([]);
  });

  it('preflight --version loads no check and no engine', () => {
    const loaded = modulesLoadedBy('--version');
    expect(loaded.filter((url) => /\/checks\/|\/built-in-|\/node_modules\/(undici|ajv|yaml)\//.test(url))).toEqual([]);
  });
});
