import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { UsageError } from '../config/errors.js';
import { loadReportFile } from '../report/load.js';
import { mergeReports, type FleetInput } from '../report/fleet.js';
import { renderFleet, type FleetFormat } from '../report/fleet-render.js';
import { ensureParentDir } from './files.js';
import { EXIT, type Io } from './io.js';

export interface MergeFlags {
  format: FleetFormat;
  output: string[];
  quiet?: boolean;
}

const BY_EXTENSION: Record<string, FleetFormat> = {
  '.json': 'json',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.txt': 'terminal',
};

/**
 * `preflight report merge a.json b.json ... -o fleet.html`: one view of many services' reports. A file
 * that cannot be read is a row of its own (its CI job failed), not the end of the merge. Exit 0 when
 * every service passed its gate, 1 when any failed or had no readable report, 2 when none could be read.
 */
export async function mergeCommand(files: string[], flags: MergeFlags, io: Io): Promise<number> {
  const outputs = flags.output.map((file) => {
    const format = BY_EXTENSION[extname(file).toLowerCase()];
    if (!format) throw new UsageError(`cannot tell the format of --output ${file} (use one of: ${Object.keys(BY_EXTENSION).join(', ')})`);
    const path = resolve(io.cwd, file);
    ensureParentDir(path);
    return { file, path, format };
  });
  const inputs: FleetInput[] = [];
  for (const file of files) {
    try {
      inputs.push({ file, report: await loadReportFile(file, io.cwd) });
    } catch (error) {
      // Whatever is wrong with one file (a CI job that failed, a tampered artifact) is its row, not the end of the merge.
      const message = error instanceof Error ? error.message : String(error);
      inputs.push({
        file,
        problem: `could not read ${file}: ${message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message}`,
      });
    }
  }
  if (!inputs.some((input) => 'report' in input)) {
    throw new UsageError(
      `none of the ${files.length} file(s) is a readable preflight JSON report (${inputs.map((i) => ('problem' in i ? i.problem : '')).join('; ')})`,
    );
  }
  const fleet = mergeReports(inputs);
  for (const output of outputs) {
    try {
      writeFileSync(output.path, renderFleet(fleet, output.format));
    } catch (error) {
      throw new UsageError(`cannot write ${output.file}: ${(error as Error).message}`);
    }
  }
  if (!flags.quiet) io.stdout.write(renderFleet(fleet, flags.format));
  return fleet.failed ? EXIT.gateFailed : EXIT.ok;
}
