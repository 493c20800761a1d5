import type { Finding } from '../types.js';
import { baselineSummary, type BaselineDiff, type BaselineSection } from './baseline.js';
import { makeColors, type Colors } from './color.js';
import { createdTerminal } from './created.js';
import { allFindings, exchangeLine, MARK, needsAttention, notAuditedText, seconds, summariseItem, visible, worstFirst } from './common.js';
import type { Report } from './types.js';
import { terminalSafe, terminalText } from './escape.js';
import { stackFixes, stackHeadline } from './stack.js';

export interface TerminalOptions {
  color: boolean;
  verbose: boolean;
  /** Terminal width in columns. */
  width?: number;
}

const MAX_LISTED = 25;

/** The checklist table, then what failed with a fix and a curl line for each, then the verdict. */
export async function renderTerminal(input: Report, options: TerminalOptions): Promise<string> {
  // Target text is in every part of a report (labels from spec paths, messages, curl lines): all of
  // it is escaped once here, so only the tool's own colours reach the terminal.
  const report = terminalSafe(input);
  // Snippets keep their lines: taken from the report as given, each line escaped on its own.
  const rawOf = new Map(allFindings(report).map((finding, index) => [finding, allFindings(input)[index]!]));
  const { default: Table } = await import('cli-table3');
  const c = makeColors(options.color);
  const width = Math.max(80, Math.min(options.width ?? 100, 160));
  const lines: string[] = [];
  lines.push(c.bold(`${report.tool.name} ${report.tool.version} · ${report.target.name} · ${report.target.baseUrl}`));

  const evidenceWidth = width - 46;
  const table = new Table({
    head: ['#', 'Checklist item', 'Status', 'Score', 'What we saw'],
    colWidths: [4, 30, 8, 7, evidenceWidth],
    wordWrap: true,
    style: { head: options.color ? ['bold'] : [], border: options.color ? ['grey'] : [] },
  });
  report.items.forEach((item, index) => {
    table.push([
      String(index + 1),
      item.title,
      c.status(item.status),
      item.score === null ? '–' : String(item.score),
      summariseItem(item, evidenceWidth * 3),
    ]);
  });
  lines.push(table.toString());
  const stack = stackHeadline(report);
  if (stack) lines.push(`${c.bold('Stack:')} ${stack}`);

  const listed = worstFirst(report.items.flatMap((item) => item.findings).filter((f) => options.verbose || needsAttention(f)));
  if (listed.length) {
    lines.push('', c.bold(options.verbose ? 'Findings' : 'What to fix'));
    // --verbose promises every finding; otherwise the worst MAX_LISTED, so the verdict stays on screen.
    const shown = options.verbose ? listed : listed.slice(0, MAX_LISTED);
    const snippets = new Set<string>();
    for (const finding of shown) lines.push(...findingLines(finding, c, options.verbose, rawOf.get(finding), snippets));
    if (listed.length > shown.length)
      lines.push(c.dim(`  … and ${listed.length - shown.length} more (--verbose or --format json/markdown/html shows every finding)`));
  }
  if (report.notes.length) {
    lines.push('', c.bold('Notes'));
    for (const note of report.notes) lines.push(`  • ${note}`);
  }
  lines.push(...createdTerminal(report));
  lines.push('', verdict(report, c));
  return `${lines.join('\n')}\n`;
}

function findingLines(finding: Finding, c: Colors, verbose: boolean, raw?: Finding, snippets = new Set<string>()): string[] {
  const head = `  ${c.status(finding.status, MARK[finding.status])} ${c.dim(`[${finding.severity}]`)} ${finding.checkId} · ${finding.endpoint}`;
  const out = [head, `    ${visible(finding.message)}`];
  if (finding.waiver) out.push(c.cyan(`    waived until ${finding.waiver.expires}: ${finding.waiver.reason}`));
  if (finding.status === 'fail' || finding.status === 'warn') {
    if (finding.remediation) out.push(`    ${c.bold('fix:')} ${finding.remediation}`);
    for (const fix of raw ? stackFixes(raw) : []) {
      // A snippet shared by several findings is printed under the first; the others point up to it.
      const again = fix.snippet !== undefined && snippets.has(fix.snippet);
      out.push(`    ${c.bold(terminalText(`In ${fix.name}:`))} ${again ? '(the snippet above)' : terminalText(fix.fix)}`);
      if (fix.snippet && !again) out.push(...fix.snippet.split('\n').map((line) => c.dim(`      ${terminalText(line)}`)));
      if (fix.snippet) snippets.add(fix.snippet);
    }
  }
  if (finding.reproduce && finding.status !== 'pass' && finding.status !== 'skip')
    out.push(`    ${c.dim('reproduce:')} ${finding.reproduce}`);
  if (verbose) {
    for (const exchange of finding.evidence) {
      out.push(c.dim(`    → ${exchangeLine(exchange)}`));
    }
  }
  return out;
}

function verdict(report: Report, c: Colors): string {
  const score = report.score === null ? 'no score' : `Score ${report.score}/100`;
  const gate = report.gate.passed ? c.green('gate PASSED') : c.red(`gate FAILED: ${report.gate.reasons.join('; ')}`);
  return `${c.bold(`${score} · grade ${report.grade}`)} · ${gate} · ${report.requests} requests in ${seconds(report.durationMs)}${notAuditedText(report)}`;
}

/** The --baseline comparison under the terminal report: the verdict first, then what changed. */
export function renderBaselineTerminal(diff: BaselineDiff, file: string, color: boolean): string {
  const c = makeColors(color);
  const { headline, sections } = terminalSafe(baselineSummary(diff, file));
  const paint: Record<BaselineSection['kind'], (text: string) => string> = {
    worse: c.red,
    better: c.green,
    unchanged: c.dim,
    added: c.dim,
    gone: c.yellow,
    note: c.yellow,
  };
  const lines = ['', c.bold('Compared with the baseline'), `  ${diff.regressions.length ? c.red(headline) : headline}`];
  for (const section of sections) {
    lines.push(`  ${paint[section.kind](section.title)}`);
    for (const line of section.lines) lines.push(`    ${line}`);
  }
  return `${lines.join('\n')}\n`;
}
