import type { Finding } from '../types.js';
import { makeColors, type Colors } from './color.js';
import type { ItemReport, Report } from './types.js';

export interface TerminalOptions {
  color: boolean;
  verbose: boolean;
  /** Terminal width in columns. */
  width?: number;
}

const STATUS_RANK: Record<Finding['status'], number> = { fail: 0, error: 1, warn: 2, waived: 3, pass: 4, skip: 5 };
const MAX_LISTED = 25;

/** The checklist table, then what failed with a fix and a curl line for each, then the verdict. */
export async function renderTerminal(report: Report, options: TerminalOptions): Promise<string> {
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
    table.push([String(index + 1), item.title, c.status(item.status), item.score === null ? '–' : String(item.score), summarise(item, evidenceWidth * 3)]);
  });
  lines.push(table.toString());

  const listed = report.items
    .flatMap((item) => item.findings)
    .filter((f) => options.verbose || f.status === 'fail' || f.status === 'warn' || f.status === 'error')
    .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status]);
  if (listed.length) {
    lines.push('', c.bold(options.verbose ? 'Findings' : 'What to fix'));
    for (const finding of listed.slice(0, MAX_LISTED)) lines.push(...findingLines(finding, c, options.verbose));
    if (listed.length > MAX_LISTED) lines.push(c.dim(`  … and ${listed.length - MAX_LISTED} more (--format json or --verbose shows every finding)`));
  }
  if (report.notes.length) {
    lines.push('', c.bold('Notes'));
    for (const note of report.notes) lines.push(`  • ${note}`);
  }
  lines.push('', verdict(report, c));
  return `${lines.join('\n')}\n`;
}

/** The most telling finding of an item: the worst one, with how many more there are. */
function summarise(item: ItemReport, max: number): string {
  const worst = [...item.findings].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status])[0];
  if (!worst) return 'no check ran for this item';
  const same = item.findings.filter((f) => f.status === worst.status).length;
  const more = same > 1 ? ` (+${same - 1} more ${worst.status})` : '';
  const text = `${worst.endpoint === '*' ? '' : `${worst.endpoint}: `}${worst.message}`;
  return `${text.length > max ? `${text.slice(0, max - 1)}…` : text}${more}`;
}

const MARK: Record<Finding['status'], string> = { fail: '✗', error: '!', warn: '▲', waived: '~', pass: '✓', skip: '-' };

function findingLines(finding: Finding, c: Colors, verbose: boolean): string[] {
  const head = `  ${c.status(finding.status, MARK[finding.status])} ${c.dim(`[${finding.severity}]`)} ${finding.checkId} · ${finding.endpoint}`;
  const out = [head, `    ${finding.message}`];
  if (finding.waiver) out.push(c.cyan(`    waived until ${finding.waiver.expires}: ${finding.waiver.reason}`));
  if (finding.status === 'fail' || finding.status === 'warn') {
    if (finding.remediation) out.push(`    ${c.bold('fix:')} ${finding.remediation}`);
  }
  if (finding.reproduce && finding.status !== 'pass' && finding.status !== 'skip') out.push(`    ${c.dim('reproduce:')} ${finding.reproduce}`);
  if (verbose) {
    for (const exchange of finding.evidence) {
      const outcome = exchange.error ? `error: ${exchange.error.message}` : `${exchange.status ?? '?'} in ${exchange.durationMs} ms, ${exchange.responseBytes ?? 0} bytes`;
      out.push(c.dim(`    → ${exchange.method} ${exchange.url} ⇒ ${outcome}${exchange.note ? ` (${exchange.note})` : ''}`));
    }
  }
  return out;
}

function verdict(report: Report, c: Colors): string {
  const score = report.score === null ? 'no score' : `Score ${report.score}/100`;
  const gate = report.gate.passed ? c.green('gate PASSED') : c.red(`gate FAILED: ${report.gate.reasons.join('; ')}`);
  const seconds = (report.durationMs / 1000).toFixed(1);
  return `${c.bold(`${score} · grade ${report.grade}`)} · ${gate} · ${report.requests} requests in ${seconds} s`;
}
