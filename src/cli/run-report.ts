import type { Report } from '../report/types.js';
import { runAudit, type AuditOptions } from '../runner/run.js';
import type { Logger, Target } from '../types.js';
import type { Io } from './io.js';
import { showReport, type ShowOptions } from './present.js';

export interface PresentOptions extends ShowOptions {
  progress: boolean;
  only?: string[];
  skip?: string[];
  /** Shown on the spinner, e.g. "broken API". */
  label?: string;
}

/** Runs one audit with a spinner when on a terminal, then prints it and writes the files (present.ts). */
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
  if (target.discovered) {
    const { url, public: open } = target.discovered;
    report.discovered = { url, public: open };
    report.notes.push(`used the OpenAPI document the target serves at ${url} (found without --openapi; ${open ? 'public: it answered without credentials' : 'it needed the configured credentials'}); its operations the config does not list were probed too (--no-discover turns this off)`);
  }
  return showReport(report, options, io);
}

/** ora, only on an interactive terminal and never under CI (it would litter logs). */
async function startSpinner(options: PresentOptions, io: Io): Promise<{ text: string; stop(): void } | undefined> {
  if (!options.progress || !io.stderr.isTTY || io.env.CI) return undefined;
  const { default: ora } = await import('ora');
  return ora({ text: options.label ?? 'auditing', stream: process.stderr }).start();
}
