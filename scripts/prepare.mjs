#!/usr/bin/env node
// npm runs `prepare` on `npm pack` (the tarball ships the built dist/) and when it installs the tool
// from a git URL. For a git install npm is meant to install the devDependencies (TypeScript) in its
// clone first, but `npm install -g <git URL>` does not (npm/cli#8440: the clone's install inherits
// the global flag and installs nothing). So: when TypeScript is missing here, install this clone's
// own dependencies locally, without scripts, then build.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(args, env = process.env) {
  const result = spawnSync(npm, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync('node_modules/typescript/bin/tsc')) {
  // Drop what leaks in from the outer `npm install -g --prefix …`, so this install stays in the clone.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_(global|prefix|location)$/i.test(key)));
  run(['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--include=dev', '--location=project'], env);
}
run(['run', 'build']);

// The same bug makes npm's install in the clone a global one: it links <prefix>/lib/node_modules/api-preflight
// to this clone, which npm deletes after packing it, so the real install then fails (ENOENT on chmod).
// Replace that stray link with an empty folder; npm then unpacks the packed build into it.
const prefix = process.env.npm_config_prefix;
if (process.env.npm_config_global === 'true' && prefix) {
  for (const link of [join(prefix, 'lib', 'node_modules', 'api-preflight'), join(prefix, 'node_modules', 'api-preflight')]) {
    try {
      if (lstatSync(link).isSymbolicLink() && realpathSync(link) === realpathSync(process.cwd())) {
        rmSync(link);
        mkdirSync(link);
      }
    } catch {
      // not there: nothing to undo
    }
  }
}
