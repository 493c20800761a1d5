// The package as users get it: `npm pack`, then a global install of the tarball into a temp prefix,
// then the installed `preflight` command. Catches a tarball without dist/, a bin that points at a
// missing file, or a runtime import of a devDependency.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toolVersion } from '../../src/package-info.js';
import { checkFiles } from '../../src/runner/registry.js';
import { ensureBuilt } from '../helpers/spawn-cli.js';

const ROOT = process.cwd();
const QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

/**
 * Installs the tarball offline (dependencies from the local npm cache). A fresh CI machine's cache holds
 * the dependency tarballs `npm ci` fetched but not always the registry's package listings a global
 * install asks for; only then it falls back to --prefer-offline (the cache first, the registry for the rest).
 */
function installGlobally(tarball: string, prefix: string): void {
  const attempt = (mode: string) =>
    spawnSync('npm', ['install', '-g', '--prefix', prefix, mode, ...QUIET, tarball], { encoding: 'utf8', timeout: 240_000 });
  let result = attempt('--offline');
  if (result.status !== 0 && /ENOTCACHED/.test(result.stderr)) result = attempt('--prefer-offline');
  if (result.status !== 0) throw new Error(`npm install -g ${tarball} failed: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

describe('installing the packed tarball', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-install-'));
  const prefix = join(dir, 'prefix');
  let preflight: string;

  beforeAll(() => {
    // npm test has just built dist/; --ignore-scripts packs that build instead of compiling again.
    ensureBuilt();
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, ...QUIET], {
      cwd: ROOT,
      stdio: 'ignore',
      timeout: 120_000,
    });
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack wrote no tarball in ${dir}`);
    installGlobally(join(dir, tarball), prefix);
    preflight = join(prefix, 'bin', 'preflight');
  }, 300_000);

  it('ships what the command runs: preflight --version', () => {
    expect(execFileSync(preflight, ['--version'], { encoding: 'utf8', cwd: dir }).trim()).toBe(toolVersion());
  });

  it('lists every check from the installed package (the bundle, when npm run build made one)', () => {
    const listed = JSON.parse(execFileSync(preflight, ['checks', '--json'], { encoding: 'utf8', cwd: dir })) as {
      items: Array<{ checks: unknown[] }>;
    };
    expect(listed.items.flatMap((item) => item.checks).length).toBe(checkFiles(join(ROOT, 'dist', 'checks')).length);
  });

  it('preflight demo --help runs from the installed package', () => {
    const help = execFileSync(preflight, ['demo', '--help'], { encoding: 'utf8', cwd: dir });
    expect(help).toMatch(/^Usage: preflight demo/);
    expect(help).toMatch(/demo APIs on 127\.0\.0\.1/);
  });

  it('the tarball carries the build, the schemas and no tests', () => {
    const files = execFileSync('tar', ['-tzf', join(dir, readdirSync(dir).find((name) => name.endsWith('.tgz'))!)], {
      encoding: 'utf8',
    }).split('\n');
    expect(files).toContain('package/dist/src/cli/main.js');
    expect(files).toContain('package/dist/bundle/preflight.js');
    expect(files).toContain('package/schema/report.schema.json');
    expect(files.filter((file) => file.startsWith('package/test/') || file.startsWith('package/dist/test/'))).toEqual([]);
  });
});
