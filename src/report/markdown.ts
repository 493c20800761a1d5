// The Markdown report: for a pull request, a review, or the GitHub Actions job summary.
// Score and grade first, the checklist as a table, then every failing item with what was sent,
// what came back (redacted by the HTTP client, cut here), why it matters, how to fix it and a curl line.
import type { Finding, FindingStatus } from '../types.js';
import { baselineSummary, type BaselineDiff } from './baseline.js';
import {
  checkOf,
  countsLine,
  exchangeOutcome,
  exchangeText,
  gateText,
  notAuditedText,
  MARK,
  needsAttention,
  scoreText,
  seconds,
  summariseItem,
  visible,
  worstFirst,
} from './common.js';
import { createdMarkdown } from './created.js';
import type { ItemReport, Report } from './types.js';
import { terminalText } from './escape.js';
import { snippetLanguage, stackFixes, stackHeadline } from './stack.js';

export interface MarkdownOptions {
  /** A comparison with a saved report, shown after the checklist. */
  baseline?: { diff: BaselineDiff; file: string };
  /** Include request/response excerpts (off for the job summary when the report is huge). */
  evidence?: boolean;
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const evidence = options.evidence ?? true;
  const out = markdownHead(report, options);

  const failing = report.items.filter((item) => item.findings.some(needsAttention));
  if (failing.length) {
    out.push(`## What to fix`, '');
    for (const item of failing) out.push(...itemSection(report, item, evidence));
  }

  const waived = report.items.flatMap((item) => item.findings).filter((f) => f.status === 'waived');
  if (waived.length) {
    out.push(`## Waived (${waived.length})`, '');
    for (const f of waived)
      out.push(
        `- ${mark('waived')} ${code(f.checkId)} · ${code(f.endpoint)}: ${text(f.message)} — **waived until ${text(f.waiver?.expires ?? '?')}:** ${text(f.waiver?.reason ?? '')}`,
      );
    out.push('');
  }

  const rest = report.items.flatMap((item) => item.findings).filter((f) => f.status === 'pass' || f.status === 'skip');
  if (rest.length) {
    out.push(`<details><summary>What passed or was skipped (${rest.length})</summary>`, '');
    for (const f of worstFirst(rest))
      out.push(`- ${mark(f.status)} ${f.status} ${code(f.checkId)} · ${code(f.endpoint)}: ${text(f.message)}`);
    out.push('', '</details>', '');
  }

  out.push(...createdMarkdown(report));
  if (report.notes.length) {
    out.push('## Notes', '');
    for (const note of report.notes) out.push(`- ${text(note)}`);
    out.push('');
  }
  out.push(
    `---`,
    `${text(gateText(report))} · ${countsLine(report.items.flatMap((item) => item.findings))}${text(notAuditedText(report))}`,
  );
  return `${out.join('\n')}\n`;
}

/** The part every Markdown report starts with, capped or not: title, verdict, run line, checklist, baseline. */
export function markdownHead(report: Report, options: MarkdownOptions = {}): string[] {
  const out: string[] = [];
  out.push(`# API preflight: ${text(report.target.name)}`, '');
  out.push(
    `**Score ${scoreText(report)} · grade ${text(report.grade)} · ${report.gate.passed ? 'gate passed' : 'gate FAILED'}**${report.gate.passed ? '' : ` — ${text(report.gate.reasons.join('; '))}`}`,
    '',
  );
  out.push(
    `${code(report.target.baseUrl)} · started ${text(report.startedAt)} · ${report.requests} requests in ${seconds(report.durationMs)} · ${text(report.tool.name)} ${text(report.tool.version)}` +
      ` · write probes ${report.options.allowWrites ? 'on' : 'off'}${report.options.only.length ? ` · only ${code(report.options.only.join(','))}` : ''}${report.options.skip.length ? ` · skipped ${code(report.options.skip.join(','))}` : ''}`,
    '',
  );

  const stack = stackHeadline(report);
  if (stack) out.push(`**Stack:** ${text(stack)}`, '');
  out.push('## Checklist', '', '| # | Item | Status | Score | Findings | What we saw |', '|---|---|---|---:|---|---|');
  report.items.forEach((item, index) => {
    out.push(
      `| ${index + 1} | ${text(item.title)} (${code(item.id)}) | ${mark(item.status)} ${item.status.toUpperCase()} | ${item.score ?? '–'} | ${countsLine(item.findings)} | ${text(summariseItem(item, 200))} |`,
    );
  });
  out.push('');

  if (options.baseline) out.push(...baselineMarkdown(options.baseline.diff, options.baseline.file));
  return out;
}

/** One checklist item: per check, why it matters and how to fix it once, then each of its findings. */
function itemSection(report: Report, item: ItemReport, evidence: boolean): string[] {
  const index = report.items.indexOf(item) + 1;
  const out = [
    `### ${mark(item.status)} ${index}. ${text(item.title)} — ${item.status}${item.score === null ? '' : `, ${item.score}/100`}`,
    '',
  ];
  const attention = worstFirst(item.findings.filter(needsAttention));
  const checkIds = [...new Set(attention.map((f) => f.checkId))];
  for (const checkId of checkIds) {
    const meta = checkOf(report, checkId);
    out.push(`#### ${code(checkId)}${meta ? ` — ${text(meta.title)}` : ''}`, '');
    if (meta) out.push(`**Why it matters:** ${text(meta.rationale)}`, '', `**How to fix:** ${text(meta.remediation)}`, '');
    for (const finding of attention.filter((f) => f.checkId === checkId)) out.push(...findingBlock(finding, meta?.remediation, evidence));
  }
  return out;
}

export function findingBlock(finding: Finding, checkRemediation: string | undefined, evidence: boolean): string[] {
  const out = [
    `- ${mark(finding.status)} **${finding.status}** [${text(finding.severity)}] ${code(finding.endpoint)}: ${text(finding.message)}`,
  ];
  if (finding.remediation && finding.remediation !== checkRemediation) out.push(`  - **Fix:** ${text(finding.remediation)}`);
  for (const fix of stackFixes(finding)) {
    out.push(`  - **In ${text(fix.name)}:** ${text(fix.fix)}`);
    if (fix.snippet) out.push('', indent(fence(fix.snippet, snippetLanguage(fix)), 4), '');
  }
  const first = finding.evidence[0];
  if (first) {
    out.push(`  - **Sent:** ${code(`${first.method} ${first.url}`)}`);
    out.push(`  - **Came back:** ${text(exchangeOutcome(first))}`);
  }
  if (finding.reproduce) out.push(`  - **Reproduce:**`, '', indent(fence(finding.reproduce, 'sh'), 4), '');
  if (evidence && finding.evidence.length) {
    out.push(
      indent(`<details><summary>Request and response${finding.evidence.length > 1 ? `s (${finding.evidence.length})` : ''}</summary>`, 4),
      '',
    );
    for (const exchange of finding.evidence) out.push(indent(fence(exchangeText(exchange), 'http'), 4), '');
    out.push(indent('</details>', 4), '');
  }
  return out;
}

function baselineMarkdown(diff: BaselineDiff, file: string): string[] {
  const { headline, sections } = baselineSummary(diff, file);
  const out = ['## Compared with the baseline', '', text(headline), ''];
  for (const section of sections) {
    out.push(`**${text(section.title)}**`, '');
    for (const line of section.lines) out.push(`- ${text(line)}`);
    out.push('');
  }
  return out;
}

/** The terminal's status marks, except skip's "-", which would start a nested list. */
export function mark(status: FindingStatus): string {
  return status === 'skip' ? '–' : MARK[status];
}

// What GitHub turns into a live link or a notification when it stands in plain text: URLs, www.
// hosts, e-mail addresses, @user and @org/team mentions, #123 references. Target text is shown, never linked.
const LINKABLE =
  /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>`]*[^\s<>`.,;:!?)\]'"]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w`@])@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9_.-]+)?|(?<![\w&#])#\d+\b/gi;

/** Inline text from the target or the config, with Markdown and HTML syntax made literal. */
export function text(value: string): string {
  const flat = terminalText(value);
  let out = '';
  let last = 0;
  for (const match of flat.matchAll(LINKABLE)) {
    out += literal(flat.slice(last, match.index)) + code(match[0]);
    last = match.index + match[0].length;
  }
  return out + literal(flat.slice(last));
}

function literal(value: string): string {
  return value.replace(/[\\`*_{}[\]<>|~&]/g, (ch) => `\\${ch}`);
}

/** An inline code span that survives backticks in the value. */
export function code(value: string): string {
  // Control characters (and line breaks) shown as escapes: a code span is one line of plain text.
  const flat = terminalText(value);
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  // Table cells split on | even inside code spans on GitHub.
  const body = flat.replace(/\|/g, '\\|');
  return longest ? `${ticks} ${body} ${ticks}` : `${ticks}${body}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run inside it. */
function fence(raw: string, lang: string): string {
  const value = visible(raw);
  const longest = Math.max(2, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${value}\n${ticks}`;
}

function indent(block: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return block
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}
