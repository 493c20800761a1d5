import type { Report } from '../report/types.js';
import { Redactor } from '../http/redact.js';
import { buildReport, type ReportInputs } from '../runner/build-report.js';
import { collectAudit, type AuditOptions } from '../runner/run.js';
import type { Target } from '../types.js';
import type { Logger } from '../check-api/contract.js';
import type { Io } from './io.js';
import { terminalText } from '../report/escape.js';
import { showReport, type ShowOptions } from './present.js';
import { startSpinner } from './spinner.js';
import { type InterruptWatch, watchInterrupts } from './interrupt.js';

export interface PresentOptions extends ShowOptions {
  progress: boolean;
  only?: string[];
  skip?: string[];
  /** Shown on the spinner, e.g. "broken API". */
  label?: string;
}

/** Runs one audit with a spinner when on a terminal, then prints it and writes the files (present.ts). */
export async function auditAndPresent(
  target: Target,
  options: PresentOptions,
  io: Io,
  extra: Partial<AuditOptions> & { interrupts?: InterruptWatch } = {},
): Promise<Report> {
  const spinner = await startSpinner(options.label ?? 'auditing', options, io);
  const log: Logger = {
    debug: (message) => options.verbose && io.stderr.write(`[debug] ${message}\n`),
    info: (message) => options.verbose && io.stderr.write(`[info] ${message}\n`),
    warn: (message) => io.stderr.write(`[warn] ${message}\n`),
  };
  // Ctrl-C or SIGTERM stops the probing; the partial report is still printed and written below.
  const { interrupts = watchInterrupts(), ...auditOptions } = extra;
  const startedAt = new Date();
  let collected: ReportInputs;
  try {
    collected = await collectAudit(target, {
      ...(options.only ? { only: options.only } : {}),
      ...(options.skip ? { skip: options.skip } : {}),
      log,
      onProgress: spinner
        ? ({ done, total, requests, current }) => {
            spinner.text = `${options.label ?? 'auditing'}: ${done}/${total} checks, ${requests} requests${current ? ` · ${terminalText(current)}` : ''}`;
          }
        : undefined,
      signal: interrupts.signal,
      ...auditOptions,
    });
  } catch (error) {
    if (!interrupts.stoppedBy()) throw error;
    // Stopped while the target was still being checked: no run to report, every item undecided.
    const redactor = new Redactor(target.secrets);
    collected = { target, redact: (text) => redactor.text(text), options, startedAt, durationMs: Date.now() - startedAt.getTime() };
  } finally {
    spinner?.stop();
    interrupts.dispose();
  }
  const stoppedBy = interrupts.stoppedBy();
  if (stoppedBy) io.stderr.write(`preflight: interrupted (${stoppedBy}): writing the partial report\n`);
  const report = buildReport({ ...collected, ...(stoppedBy ? { interrupted: stoppedBy } : {}) });
  return showReport(report, options, io);
}
