import type { Report } from '../report/types.js';
import { runAudit, type AuditOptions } from '../runner/run.js';
import type { Target } from '../types.js';
import type { Logger } from '../check-api/contract.js';
import type { Io } from './io.js';
import { terminalText } from '../report/escape.js';
import { showReport, type ShowOptions } from './present.js';
import { startSpinner } from './spinner.js';
import { type InterruptWatch, markInterrupted, reportBeforeAnyCheck, watchInterrupts } from './interrupt.js';

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
  let report: Report;
  // Ctrl-C or SIGTERM stops the probing; the partial report is still printed and written below.
  const { interrupts = watchInterrupts(), ...auditOptions } = extra;
  const startedAt = new Date();
  try {
    report = await runAudit(target, {
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
    const signal = interrupts.stoppedBy();
    if (!signal) throw error;
    report = reportBeforeAnyCheck(target, signal, startedAt, options);
  } finally {
    spinner?.stop();
    interrupts.dispose();
  }
  const stoppedBy = interrupts.stoppedBy();
  if (stoppedBy) {
    if (!report.interrupted) report = markInterrupted(report, stoppedBy);
    io.stderr.write(`preflight: interrupted (${stoppedBy}): writing the partial report\n`);
  }
  if (target.spec?.convertedFrom)
    report.notes.push(
      `the OpenAPI document ${target.spec.source} was converted from ${target.spec.convertedFrom} (swagger2openapi) before use`,
    );
  if (target.discovered) {
    const { url, public: open } = target.discovered;
    report.discovered = { url, public: open };
    report.notes.push(
      `used the OpenAPI document the target serves at ${url} (found without --openapi; ${open ? 'public: it answered without credentials' : 'it needed the configured credentials'}); its operations the config does not list were probed too (--no-discover turns this off)`,
    );
  }
  return showReport(report, options, io);
}
