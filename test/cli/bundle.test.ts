// Issue 27 (a fast start): `npm run build` bundles the compiled CLI into dist/bundle (scripts/bundle.js)
// with every check and stack pack compiled in, and bin/preflight.js runs it while it is fresh. The bundle
// must say exactly what the modules say, list the files of checks/ and stacks/ as they were when it was
// built, and still load the JWT secret list only when that check runs. Not timed: start-up times are
// figures of npm run bench.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFiles } from '../../src/runner/registry.js';
import { stackIds } from '../../src/stack/registry.js';
import { ensureBuilt } from '../helpers/spawn-cli.js';

const ROOT = process.cwd();
const DIST = join(ROOT, 'dist');
// Inside dist/, like dist/bundle, so the bundle finds the package root (package.json, schema/) as it does there.
const bundleDir = join(DIST, `bundle-test-${process.pid}`);
const tmp = mkdtempSync(join(tmpdir(), 'preflight-bundle-'));

/** Runs `main` of one entry (the bundle or the tsc modules) with a module-loader hook listing what it loads. */
function runEntry(entry: string, args: string[]): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  const hooks = join(tmp, 'hooks.mjs');
  writeFileSync(
    hooks,
    `export async function load(url, context, next) { process.stderr.write('@@load ' + url + '\\n'); return next(url, context); }\n`,
  );
  const script = [
    `import { register } from 'node:module';`,
    `register(${JSON.stringify(pathToFileURL(hooks).href)});`,
    `const { main } = await import(${JSON.stringify(pathToFileURL(entry).href)});`,
    `process.exitCode = await main(['node', 'preflight', ...process.argv.slice(1)]);`,
  ].join('\n');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { encoding: 'utf8', cwd: tmp });
  const lines = run.stderr.split('\n');
  return {
    status: run.status,
    stdout: run.stdout,
    stderr: lines.filter((line) => !line.startsWith('@@load ')).join('\n'),
    loaded: lines.filter((line) => line.startsWith('@@load ')).map((line) => line.slice('@@load '.length)),
  };
}

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const bundled = (...args: string[]) => runEntry(join(bundleDir, 'preflight.js'), args);
const modules = (...args: string[]) => runEntry(join(DIST, 'src', 'cli', 'main.js'), args);

describe('the bundled CLI', () => {
  beforeAll(() => {
    ensureBuilt();
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.js'), bundleDir], { cwd: ROOT, stdio: 'pipe' });
  }, 60_000);
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

  it('lists the same checks, verdicts and JSON catalogue as the modules, one per file in checks/', () => {
    for (const args of [['checks'], ['checks', '--verdicts'], ['checks', '--json']]) {
      const fromBundle = bundled(...args);
      expect(fromBundle.status, fromBundle.stderr).toBe(0);
      expect(fromBundle.stdout, args.join(' ')).toBe(modules(...args).stdout);
    }
    const listed = (JSON.parse(bundled('checks', '--json').stdout) as { items: Array<{ checks: unknown[] }> }).items.flatMap(
      (item) => item.checks,
    );
    expect(listed).toHaveLength(checkFiles(join(DIST, 'checks')).length);
  });

  it('knows every stack pack file in stacks/ by name, as the modules do', () => {
    const config = join(tmp, 'unknown-stack.yaml');
    writeFileSync(
      config,
      'target: { name: t, baseUrl: "http://127.0.0.1:9" }\nstack: nosuchstack\nendpoints: [{ method: GET, path: /a }]\n',
    );
    const fromBundle = bundled('plan', '-c', config);
    expect(fromBundle.status).toBe(2);
    expect(fromBundle.stderr).toBe(modules('plan', '-c', config).stderr);
    const named = /use one of: (.*)\)/.exec(fromBundle.stderr)?.[1]?.split(', ');
    expect(named).toEqual(stackIds(join(DIST, 'stacks')));
  });

  it('loads every check from one chunk at `checks`, and neither the JWT secret list nor jose', () => {
    const { loaded } = bundled('checks');
    const ownFiles = loaded.filter((url) => url.includes(`/bundle-test-${process.pid}/`));
    expect(ownFiles.some((url) => /\/built-in-checks-[\w-]+\.js$/.test(url))).toBe(true);
    expect(ownFiles.length).toBeLessThan(25);
    expect(loaded.filter((url) => /\/dist\/(src|checks)\//.test(url))).toEqual([]);
    expect(loaded.filter((url) => /jwt-weak-secrets|\/node_modules\/jose\//.test(url))).toEqual([]);
  });

  it('--version loads no check and no engine', () => {
    const { loaded, stdout } = bundled('--version');
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(loaded.filter((url) => /built-in-|\/node_modules\/(undici|ajv|yaml)\//.test(url))).toEqual([]);
  });
});

describe('bin/preflight.js', () => {
  /** A package with bin/preflight.js and two stand-in entries that say which one ran. */
  function fakePackage(): { root: string; age: (path: string, seconds: number) => void; ran: () => string } {
    const root = mkdtempSync(join(tmp, 'package-'));
    mkdirSync(join(root, 'bin'));
    cpSync(join(ROOT, 'bin', 'preflight.js'), join(root, 'bin', 'preflight.js'));
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
    for (const [path, says] of [
      ['dist/src/cli/main.js', 'modules'],
      ['dist/bundle/preflight.js', 'bundle'],
    ]) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), `export async function main() { process.stdout.write('${says}'); return 0; }\n`);
    }
    return {
      root,
      age: (path, seconds) => utimesSync(join(root, path), new Date(Date.now() - seconds * 1000), new Date(Date.now() - seconds * 1000)),
      ran: () => execFileSync(process.execPath, [join(root, 'bin', 'preflight.js')], { encoding: 'utf8' }),
    };
  }

  it('runs the bundle when it is at least as new as the tsc output (npm run build, or a packed tarball)', () => {
    const pkg = fakePackage();
    pkg.age('dist/src/cli/main.js', 60);
    expect(pkg.ran()).toBe('bundle');
    pkg.age('dist/bundle/preflight.js', 60);
    expect(pkg.ran()).toBe('bundle');
  });

  it('runs the modules when a bare tsc rebuild made the bundle stale, or there is none', () => {
    const pkg = fakePackage();
    pkg.age('dist/bundle/preflight.js', 60);
    expect(pkg.ran()).toBe('modules');
    rmSync(join(pkg.root, 'dist', 'bundle'), { recursive: true });
    expect(pkg.ran()).toBe('modules');
  });
});
