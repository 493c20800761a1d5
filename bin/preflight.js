#!/usr/bin/env node
// Thin entry: everything lives in the compiled engine (npm run build). `npm run build` also bundles it into
// dist/bundle (scripts/bundle.js), which starts faster than the ~90 modules it holds. A bare `tsc` rebuild
// leaves that bundle older than dist/src; then the modules themselves run, so the command never runs stale code
// (tsc rewrites every output file on each build: tsconfig.json asks for no incremental build).
import { statSync } from 'node:fs';

const modifiedMs = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = modifiedMs('../dist/bundle/preflight.js') >= modifiedMs('../dist/src/cli/main.js');
const { main } = await import(bundled ? '../dist/bundle/preflight.js' : '../dist/src/cli/main.js');

process.exitCode = await main(process.argv);
