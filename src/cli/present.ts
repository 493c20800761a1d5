// What happens to a finished report: compare it with a baseline, print it, write the --output files
// and the GitHub Actions job summary. `audit`, `report` and `demo` all end here, so every format of
// a run comes from the same (possibly regression-gated) report object.
import { appendFileSync } from 'node:fs';
import { assertWritableTarget, checkWritable, ensureParentDir, writeFileSafely } from './files.js';
import { extname, resolve } from 'node:path';
import { baselineSummary, diffReports, regressionReason, type BaselineDiff } from '../report/baseline.js';
import { shouldColor } from '../report/color.js';
import { loadReportFile } from '../report/load.js';
import { formatForFile, render, type Format } from '../report/render.js';
import type { Report } from '../report/types.js';
import { UsageError } from '../config/errors.js';
import type { Io } from './io.js';
import { terminalText } from '../report/escape.js';

export interface Baseline {
  file: string;
  report: Report;
}

export interface ShowOptions {
  format: Format;
  outputs: string[];
  color: boolean;
  verbose: boolean;
  /** Nothing on stdout; files, the job summary and the exit code as usual. */
  quiet?: boolean;
  baseline?: Baseline;
  /** A worse result than the baseline fails the gate, whatever the score. */
  failOnRegression?: boolean;
  /** --max-chars: cap the Markdown on stdout (a pull-request comment stops at 65,536). */
  maxChars?: number;
}

/** The output flags `audit` and `report` share. */
export interface OutputFlags {
  format: Format;
  output: string[];
  quiet?: boolean;
  baseline?: string;
  failOnRegression?: boolean;
  maxChars?: number;
  color: boolean;
  verbose?: boolean;
}

/** Checks --output and reads --baseline before anything is probed, so a wrong flag costs no requests. */
export async function outputOptions(flags: OutputFlags, io: Io): Promise<ShowOptions> {
  checkOutputs(flags.output, io.cwd);
  const baseline = await loadBaseline(flags, io);
  return {
    format: flags.format,
    outputs: flags.output,
    color: flags.color,
    verbose: flags.verbose === true,
    quiet: flags.quiet === true,
    failOnRegression: flags.failOnRegression === true,
    ...(flags.maxChars !== undefined ? { maxChars: flags.maxChars } : {}),
    ...(baseline ? { baseline } : {}),
  };
}

/** Reads --baseline (a saved JSON report), failing with a usage error when it is missing or invalid. */
export async function loadBaseline(flags: { baseline?: string; failOnRegression?: boolean }, io: Io): Promise<Baseline | undefined> {
  if (flags.failOnRegression && !flags.baseline)
    throw new UsageError('--fail-on-regression needs --baseline FILE (a JSON report of an earlier run)');
  if (!flags.baseline) return undefined;
  return { file: flags.baseline, report: await loadReportFile(flags.baseline, io.cwd, 'baseline') };
}

/** Before any probe: each --output has a known format and a folder it can go in. */
export function checkOutputs(outputs: readonly string[], cwd = process.cwd()): void {
  for (const file of outputs) {
    formatForFile(file);
    ensureParentDir(resolve(cwd, file));
    assertWritableTarget(resolve(cwd, file));
    checkWritable(resolve(cwd, file));
  }
}

export async function showReport(input: Report, options: ShowOptions, io: Io): Promise<Report> {
  let report = input;
  let baseline: { diff: BaselineDiff; file: string } | undefined;
  if (options.baseline) {
    const diff = diffReports(options.baseline.report, report);
    baseline = { diff, file: options.baseline.file };
    if (options.failOnRegression && diff.regressions.length) {
      report = {
        ...report,
        gate: { ...report.gate, passed: false, reasons: [...report.gate.reasons, regressionReason(diff, options.baseline.file)] },
      };
    }
  }
  const extra = baseline ? { baseline } : {};

  if (!options.quiet) {
    const color = shouldColor(io.stdout, io.env, options.color);
    const width = io.stdout.columns;
    if (options.format === 'markdown' && options.maxChars !== undefined) {
      const { renderMarkdownCapped } = await import('../report/markdown-capped.js');
      io.stdout.write(terminalText(renderMarkdownCapped(report, options.maxChars, extra), { lines: true }));
    } else {
      const text = await render(report, options.format, { color, verbose: options.verbose, ...(width ? { width } : {}), ...extra });
      // The terminal and JSON renderers escape target text themselves; the markup formats keep it for their files.
      io.stdout.write(options.format === 'terminal' || options.format === 'json' ? text : terminalText(text, { lines: true }));
    }
    if (baseline && options.format === 'terminal') {
      const { renderBaselineTerminal } = await import('../report/terminal.js');
      io.stdout.write(renderBaselineTerminal(baseline.diff, baseline.file, color));
    }
  }
  // Where stdout carries a machine format (or nothing), the comparison's verdict goes to stderr.
  if (baseline && (options.quiet || options.format === 'json' || options.format === 'junit')) {
    io.stderr.write(`${baselineSummary(baseline.diff, baseline.file).headline}\n`);
  }

  for (const file of options.outputs) {
    const path = resolve(io.cwd, file);
    ensureParentDir(path);
    const format = formatForFile(file);
    // A JSON report is written as it is serialised (it can run to tens of MB): never one whole string in memory.
    const text =
      format === 'json'
        ? (await import('../report/json-stream.js')).jsonReportChunks(report)
        : await render(report, format, { color: false, verbose: true, ...extra });
    writeFileSafely(path, text);
  }

  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    // GitHub shows at most 65,536 characters of Markdown: verdict and checklist first, then failures by weight.
    const { GITHUB_MARKDOWN_LIMIT, renderMarkdownCapped } = await import('../report/markdown-capped.js');
    const markdown = renderMarkdownCapped(report, GITHUB_MARKDOWN_LIMIT - 2, { ...extra, evidence: true });
    appendFileSync(resolve(io.cwd, summaryFile), `${markdown}\n`);
  }
  return report;
}

/** demo.html → demo-broken.html: one file per demo API. */
export function withSuffix(file: string, suffix: string): string {
  const ext = extname(file);
  return `${file.slice(0, file.length - ext.length)}-${suffix}${ext}`;
}
