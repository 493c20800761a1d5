// What every renderer needs to say the same thing the same way: ordering, counts, one-line
// descriptions of exchanges, cutting long text. Every format is drawn from the one report object.
import { terminalText } from './escape.js';
import { SEVERITY_WEIGHT, type Exchange, type Finding, type FindingStatus } from '../types.js';
import type { CheckMeta } from '../check-api/contract.js';
import type { ItemReport, Report } from './types.js';

/** Worst first: what a reader must act on comes before what went well. */
export const STATUS_RANK: Record<FindingStatus, number> = { fail: 0, error: 1, warn: 2, waived: 3, pass: 4, skip: 5 };
export const STATUS_ORDER = (Object.keys(STATUS_RANK) as FindingStatus[]).sort((a, b) => STATUS_RANK[a] - STATUS_RANK[b]);

/** A one-glyph mark per status, shared by the terminal and Markdown. */
export const MARK: Record<FindingStatus, string> = { fail: '✗', error: '!', warn: '▲', waived: '~', pass: '✓', skip: '-' };

/** Findings a reviewer has to look at (what the terminal calls "What to fix"). */
export function needsAttention(finding: Finding): boolean {
  return finding.status === 'fail' || finding.status === 'warn' || finding.status === 'error';
}

/** Worst status first; within a status, the heaviest severity first (a leaked stack trace before a Server header). */
export function worstFirst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || SEVERITY_WEIGHT[b.severity] - SEVERITY_WEIGHT[a.severity],
  );
}

/** How many findings of each status, over the whole report or one item. */
export function countStatuses(findings: readonly Finding[]): Record<FindingStatus, number> {
  const counts: Record<FindingStatus, number> = { fail: 0, error: 0, warn: 0, waived: 0, pass: 0, skip: 0 };
  for (const finding of findings) counts[finding.status]++;
  return counts;
}

export function allFindings(report: Report): Finding[] {
  return report.items.flatMap((item) => item.findings);
}

/** "3 fail, 1 warn, 12 pass": only the statuses present, worst first. */
export function countsLine(findings: readonly Finding[]): string {
  const counts = countStatuses(findings);
  const parts = STATUS_ORDER.filter((status) => counts[status] > 0).map((status) => `${counts[status]} ${status}`);
  return parts.length ? parts.join(', ') : 'no findings';
}

/** The check behind a finding, for its rationale ("why it matters") and title. */
export function checkOf(report: Report, checkId: string): CheckMeta | undefined {
  return report.checks.find((check) => check.id === checkId);
}

/** The most telling finding of an item: the worst one, with how many more share its status. */
export function summariseItem(item: ItemReport, max: number): string {
  const worst = worstFirst(item.findings)[0];
  if (!worst) return 'no check ran for this item';
  const same = item.findings.filter((f) => f.status === worst.status).length;
  const more = same > 1 ? ` (+${same - 1} more ${worst.status})` : '';
  // Most messages already name their endpoint; say it once.
  const prefix = worst.endpoint === '*' || worst.message.includes(worst.endpoint) ? '' : `${worst.endpoint}: `;
  // A row built on a few answers among many undecided ones must say so, not look like a clean result.
  const undecided = item.findings.filter((f) => f.status === 'error').length;
  const decided = item.findings.filter((f) => f.status !== 'error' && f.status !== 'skip').length;
  const caveat =
    undecided > decided && decided > 0 ? `mostly undecided (${undecided} of ${undecided + decided} findings could not be decided): ` : '';
  return `${cut(`${caveat}${prefix}${worst.message}`, max)}${more}`;
}

/** "200 in 12 ms, 345 bytes" or "error: timed out after 5000 ms", plus the client's note. */
export function exchangeOutcome(exchange: Exchange): string {
  const outcome = exchange.error
    ? `error: ${exchange.error.message}`
    : `${exchange.status ?? '?'} in ${Math.round(exchange.durationMs)} ms, ${exchange.responseBytes ?? 0} bytes${exchange.truncated ? ' (cut at the byte cap)' : ''}`;
  return exchange.note ? `${outcome} (${exchange.note})` : outcome;
}

/** "GET http://… ⇒ 200 in 12 ms, 345 bytes". */
export function exchangeLine(exchange: Exchange): string {
  return `${exchange.method} ${exchange.url} ⇒ ${exchangeOutcome(exchange)}`;
}

/** Cuts text to max characters, saying how much was left out. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Cuts a body excerpt for a report a person reads, saying how much was left out. */
export function cutBody(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… (${text.length - max} more characters not shown)`;
}

export function scoreText(report: Report): string {
  return report.score === null ? 'no score' : `${report.score}/100`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One line on whether the gate passed and why not. */
export function gateText(report: Report): string {
  return report.gate.passed ? `gate passed (failUnder ${report.gate.failUnder})` : `gate FAILED: ${report.gate.reasons.join('; ')}`;
}

/**
 * " · not audited: observability" when checklist items were skipped because the config names nothing
 * for them to read (their findings say "not audited: …"), for the summary line; else "".
 */
/** Items skipped as a whole because nothing was configured to audit them (a check's `notAudited` verdict), with why. */
export function notAuditedItems(report: Report): Array<{ id: string; reason: string }> {
  return report.items.flatMap((item) => {
    const finding = item.status === 'skip' ? item.findings.find((f) => f.status === 'skip' && f.id.endsWith('/notAudited')) : undefined;
    return finding ? [{ id: item.id, reason: finding.message }] : [];
  });
}

export function notAuditedText(report: Report): string {
  const items = notAuditedItems(report);
  return items.length ? ` · not audited: ${items.map((item) => item.id).join(', ')}` : '';
}

/** Characters of a body shown per exchange: enough to recognise a stack trace or an error shape. */
const BODY_CHARS = 800;
const MAX_HEADERS = 25;

/**
 * Control characters from a response body shown as \xNN (C1 and bidi controls as \xNN/\uNNNN too):
 * raw, an ESC would recolour the reader's terminal and a NUL makes CI parsers reject a JUnit file.
 * Line breaks stay: a transcript has lines.
 */
export function visible(text: string): string {
  return terminalText(text, { lines: true });
}

/** An exchange as an HTTP transcript: request line, headers, body; then the response the same way. */
export function exchangeText(exchange: Exchange): string {
  return visible(transcript(exchange));
}

function transcript(exchange: Exchange): string {
  const lines = [`${exchange.method} ${exchange.url}`, ...headerLines(exchange.requestHeaders)];
  if (exchange.requestBodyExcerpt !== undefined) lines.push('', cutBody(exchange.requestBodyExcerpt, BODY_CHARS));
  else if (exchange.requestBodyBytes) lines.push('', `(${exchange.requestBodyBytes} bytes of body)`);
  lines.push('');
  if (exchange.error) lines.push(`(no response: ${exchange.error.message})`);
  else {
    lines.push(`HTTP ${exchangeOutcome(exchange)}`, ...headerLines(exchange.responseHeaders ?? {}));
    if (exchange.responseBodyExcerpt) lines.push('', cutBody(exchange.responseBodyExcerpt, BODY_CHARS));
  }
  return lines.join('\n');
}

function headerLines(headers: Record<string, string>): string[] {
  const entries = Object.entries(headers);
  const lines = entries.slice(0, MAX_HEADERS).map(([name, value]) => `${name}: ${value}`);
  if (entries.length > MAX_HEADERS) lines.push(`(${entries.length - MAX_HEADERS} more headers)`);
  return lines;
}
