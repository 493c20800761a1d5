// npm run build, after tsc: bundles the compiled CLI (dist/src/cli/main.js and everything it imports) into
// dist/bundle, so a command loads a few files instead of ~90 modules one by one (issue 27: `preflight checks`
// spent most of its start resolving and linking them). npm packages stay outside the bundle.
// The checks and stack packs are compiled in: src/built-in.ts is replaced by a module generated from the
// files the registries' own checkFiles/packFiles find in dist/checks and dist/stacks now, so adding a check
// is still adding a file. bin/preflight.js runs the bundle only while it is at least as new as the tsc output.
// Usage: node scripts/bundle.js [output folder, default dist/bundle]
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const outDir = resolve(process.argv[2] ?? join(dist, 'bundle'));
const { checkFiles } = await import(pathToFileURL(join(dist, 'src', 'runner', 'registry.js')).href);
const { packFiles } = await import(pathToFileURL(join(dist, 'src', 'stack', 'registry.js')).href);

const builtInModule = join(dist, 'src', 'built-in.js');
const folders = {
  checks: { dir: join(dist, 'checks'), files: checkFiles(join(dist, 'checks')) },
  stacks: { dir: join(dist, 'stacks'), files: packFiles(join(dist, 'stacks')) },
};
const VIRTUAL = '\0preflight-built-in:';
/** npm packages compiled into the bundle: commander (every command), and what listing the checks loads. */
const INLINED = ['commander', 'dot-prop', 'http-link-header', 'p-limit', 'yocto-queue'];
const packageName = (id) =>
  id
    .split('/')
    .slice(0, id.startsWith('@') ? 2 : 1)
    .join('/');

/** The generated src/built-in.js: the file names, and a loader of one chunk holding every module of the folder. */
function builtInSource() {
  const entry = (name) =>
    `{ files: ${JSON.stringify(folders[name].files)}, load: () => import(${JSON.stringify(`preflight-built-in:${name}`)}).then((chunk) => chunk.modules) }`;
  return `export const builtInChecks = ${entry('checks')};\nexport const builtInStacks = ${entry('stacks')};\n`;
}

/** One folder's modules, in file order, imported statically so the bundler puts them in one chunk. */
function folderSource(name) {
  const { dir, files } = folders[name];
  const imports = files.map((file, index) => `import * as m${index} from ${JSON.stringify(join(dir, file))};`);
  return `${imports.join('\n')}\nexport const modules = [${files.map((_, index) => `m${index}`).join(', ')}];\n`;
}

const builtIn = {
  name: 'preflight-built-in',
  resolveId(source) {
    if (source.startsWith('preflight-built-in:')) return `\0${source}`;
    return null;
  },
  load(id) {
    if (id === builtInModule) return builtInSource();
    if (id.startsWith(VIRTUAL)) return folderSource(id.slice(VIRTUAL.length));
    return null;
  },
};

rmSync(outDir, { recursive: true, force: true });
const bundle = await rolldown({
  input: { preflight: join(dist, 'src', 'cli', 'main.js') },
  platform: 'node',
  // node: built-ins and npm packages (bare specifiers) are imported from node_modules as before, except the
  // small ones every start loads (CommonJS ones cost a parse of their own in the ESM loader).
  external: (id) => !/^[./\0]/.test(id) && !id.startsWith(VIRTUAL.slice(1)) && !INLINED.includes(packageName(id)),
  plugins: [builtIn],
});
await bundle.write({
  dir: outDir,
  format: 'esm',
  sourcemap: true,
  // The chunk of every check is built-in-checks-<hash>.js (the virtual module's name would start with "_").
  chunkFileNames: (chunk) => `${chunk.name.replace(/^_preflight-built-in_/, 'built-in-')}-[hash].js`,
});
await bundle.close();
