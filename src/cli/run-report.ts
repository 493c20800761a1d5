import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatForFile, render, type Format } from '../report/render.js';
import type { Report } from '../report/types.js';
import { shouldColor } from '../report/color.js';
import { runAudit, type AuditOptions } from '../runner/run.js';
import type { Logger, Target } from '../types.js';
import type { Io } from './io.js';

export interface PresentOptions {
  format: Format;
  outputs: string[];
  progress: boolean;
  color: boolean;
  verbose: boolean;
  only?: string[];
  skip?: string[];
  /** Shown on the spinner, e.g. "broken API". */
  label?: string;
}

/** Runs one audit with a spinner when on a terminal, prints it, writes the --output files. */
export async function auditAndPresent(target: Target, options: PresentOptions, io: Io, extra: Partial<AuditOptions> = {}): Promise<Report> {
  const spinner = await startSpinner(options, io);
  const log: Logger = {
    debug: (message) => options.verbose && io.stderr.write(`[debug] ${message}\n`),
    info: (message) => options.verbose && io.stderr.write(`[info] ${message}\n`),
    warn: (message) => io.stderr.write(`[warn] ${message}\n`),
  };
  let report: Report;
  try {
    report = await runAudit(target, {
      ...(options.only ? { only: options.only } : {}),
      ...(options.skip ? { skip: options.skip } : {}),
      log,
      onProgress: spinner
        ? ({ done, total, requests, current }) => {
            spinner.text = `${options.label ?? 'auditing'}: ${done}/${total} checks, ${requests} requests${current ? ` · ${current}` : ''}`;
          }
        : undefined,
      ...extra,
    });
  } finally {
    spinner?.stop();
  }
  const color = shouldColor(io.stdout, io.env, options.color);
  const width = io.stdout.columns;
  io.stdout.write(await render(report, options.format, { color, verbose: options.verbose, ...(width ? { width } : {}) }));
  for (const file of options.outputs) {
    const path = resolve(io.cwd, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await render(report, formatForFile(file), { color: false, verbose: true }));
  }
  return report;
}

/** ora, only on an interactive terminal and never under CI (it would litter logs). */
async function startSpinner(options: PresentOptions, io: Io): Promise<{ text: string; stop(): void } | undefined> {
  if (!options.progress || !io.stderr.isTTY || io.env.CI) return undefined;
  const { default: ora } = await import('ora');
  return ora({ text: options.label ?? 'auditing', stream: process.stderr }).start();
}
