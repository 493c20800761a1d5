import { existsSync, writeFileSync } from 'node:fs';
import { ensureParentDir, writeFileSafely } from './files.js';
import { join, resolve } from 'node:path';
import { UsageError } from '../config/errors.js';
import { assertLoads, nounOf, renderConfig, schemaRef } from '../openapi/init.js';
import { packageRoot } from '../package-info.js';
import { loadSpec, type LoadedSpec } from '../openapi/load.js';
import { terminalText } from '../report/escape.js';
import { planImport, type ImportPlan } from '../openapi/import-plan.js';
import { EXIT, type Io } from './io.js';

export interface InitFlags {
  baseUrl?: string;
  fromOpenapi?: string;
  fromPostman?: string;
  postmanEnvironment?: string;
  fromHar?: string;
  output: string;
  force?: boolean;
}

/** The schema's baseUrl pattern: http(s), a host, an optional path, no query or fragment. */
const BASE_URL = /^https?:\/\/[^\s/?#]+[^\s?#]*$/;

/** `preflight init`: write a commented config, from an OpenAPI document when given one. Never overwrites without --force. */
export async function initCommand(flags: InitFlags, io: Io): Promise<number> {
  if (flags.baseUrl !== undefined && !BASE_URL.test(flags.baseUrl)) {
    throw new UsageError(
      `--base-url ${JSON.stringify(flags.baseUrl)} must be an http:// or https:// URL without query or fragment (e.g. https://staging.example.com/v1)`,
    );
  }
  const toStdout = flags.output === '-';
  const path = resolve(io.cwd, flags.output);
  if (!toStdout && existsSync(path) && !flags.force) {
    throw new UsageError(`${flags.output} already exists; pass --force to overwrite it, or --output another file`);
  }

  const from = sourceOf(flags);
  let plan: ImportPlan | undefined;
  if (from) {
    const spec = await loadInput(flags, io.cwd);
    // Input text is untrusted: warnings carry names from it, so they go out escaped like any report text.
    for (const warning of spec.warnings) io.stderr.write(`preflight: warning: ${terminalText(`${from}: ${warning}`)}\n`);
    plan = planImport(spec);
  }
  const written = renderConfig({
    ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
    ...(plan && from ? { plan, specName: from } : {}),
    outputName: flags.output,
    schema: schemaRef(toStdout ? join(io.cwd, 'preflight.yaml') : path, packageRoot()),
  });
  await assertLoads(written, flags.output);

  const summary = summarise(flags, plan, written);
  if (toStdout) {
    io.stdout.write(written.text);
    io.stderr.write(summary);
    return EXIT.ok;
  }
  ensureParentDir(path);
  // --force replaces a regular file, never writes through a symlink.
  if (flags.force) {
    writeFileSafely(path, written.text);
  } else {
    try {
      // 'wx' fails if the file appeared since the check above: --force is still the only way to overwrite.
      writeFileSync(path, written.text, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new UsageError(`${flags.output} already exists; pass --force to overwrite it, or --output another file`);
      throw new UsageError(`cannot write ${flags.output}: ${(error as Error).message}`);
    }
  }
  io.stdout.write(summary);
  return EXIT.ok;
}

/** The one input file or URL, when there is one; two at once is a usage error. */
function sourceOf(flags: InitFlags): string | undefined {
  const given = [flags.fromOpenapi, flags.fromPostman, flags.fromHar].filter((s): s is string => typeof s === 'string');
  if (given.length > 1) throw new UsageError('give one of --from-openapi, --from-postman and --from-har, not several');
  if (flags.postmanEnvironment !== undefined && flags.fromPostman === undefined)
    throw new UsageError('--postman-environment goes with --from-postman COLLECTION');
  return given[0];
}

/** Every importer yields the document the OpenAPI path reads, so one planner and one writer serve them all. */
async function loadInput(flags: InitFlags, cwd: string): Promise<LoadedSpec> {
  if (flags.fromOpenapi) return loadSpec(flags.fromOpenapi, { cwd });
  const { specOf } = await import('../openapi/observed.js');
  if (flags.fromPostman) {
    const { readPostman } = await import('../openapi/postman.js');
    return specOf(
      await readPostman(flags.fromPostman, { cwd, ...(flags.postmanEnvironment ? { environment: flags.postmanEnvironment } : {}) }),
    );
  }
  const { readHar } = await import('../openapi/har.js');
  return specOf(readHar(flags.fromHar!, { cwd, ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}) }));
}

function summarise(flags: InitFlags, plan: ImportPlan | undefined, written: ReturnType<typeof renderConfig>): string {
  const where = flags.output === '-' ? 'the config' : flags.output;
  const lines: string[] = [];
  if (plan) {
    const kinds = ['list', 'write', 'async', 'read']
      .map((kind) => [kind, plan.endpoints.filter((e) => e.kind === kind).length] as const)
      .filter(([, n]) => n > 0);
    lines.push(
      `wrote ${where}: ${written.endpoints} endpoint(s) from ${sourceOf(flags)}${plan.spec.convertedFrom ? ` (converted from ${plan.spec.convertedFrom})` : ''} (${kinds.map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none'}), ${plan.publicPaths.length} public path(s)${plan.health ? `, health ${plan.health}` : ''}`,
    );
  } else {
    lines.push(`wrote ${where}: a starter config; list your endpoints in it, or run preflight init --from-openapi FILE --force`);
  }
  // Said first: an audit skips every endpoint that still has a TODO, so this decides what is tested.
  if (written.todos)
    lines.push(
      `  ${written.todoEndpoints} endpoint(s) have ${written.todos} TODO value(s) (parameters the ${nounOf(plan)} gives no example for): fill them in, or audit skips those endpoints`,
    );
  for (const variable of written.env) lines.push(`  set ${variable.name}: ${variable.what}`);
  const audit = (config: string): string =>
    `preflight audit --config ${config}${flags.fromOpenapi ? ` --openapi ${flags.fromOpenapi}` : ''}`;
  // On stdout nothing was saved yet: say how to save it before auditing it.
  lines.push(
    flags.output === '-'
      ? `next: save it (add > preflight.yaml to this command, or use -o preflight.yaml), then ${audit('preflight.yaml')}`
      : `next: ${audit(flags.output)}`,
  );
  return `${lines.join('\n')}\n`;
}
