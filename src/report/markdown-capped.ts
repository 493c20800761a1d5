// Markdown that fits where it goes: a GitHub job summary or a pull-request comment stops at 65,536
// characters, and the broken demo's full report is twice that. Under a cap the report keeps what a
// reader needs first — the verdict and the checklist — then the failures heaviest first, as many as
// fit, and says how many more are in the HTML/JSON artifact.
import { SEVERITY_WEIGHT, type Finding } from '../types.js';
import { checkOf, needsAttention, STATUS_RANK } from './common.js';
import { code, findingBlock, markdownHead, renderMarkdown, text, type MarkdownOptions } from './markdown.js';
import type { Report } from './types.js';

/** GitHub's limit for a job summary section or a comment body, in characters. */
export const GITHUB_MARKDOWN_LIMIT = 65_536;

/** The full report when it fits in maxChars; otherwise verdict, checklist, then failures by weight until the cap. */
export function renderMarkdownCapped(report: Report, maxChars: number, options: MarkdownOptions = {}): string {
  const full = renderMarkdown(report, options);
  if (full.length <= maxChars) return full;

  const head = markdownHead(report, options);
  const attention = byWeight(report.items.flatMap((item) => item.findings).filter(needsAttention));
  const lines = [...head, `## What to fix, heaviest first`, ''];
  let used = joined(lines).length;
  let shown = 0;
  for (const finding of attention) {
    const remediation = checkOf(report, finding.checkId)?.remediation;
    // Evidence excerpts first go; a block that still does not fit ends the list.
    const block = [findingBlock(finding, undefined, true), findingBlock(finding, undefined, false)]
      .map((candidate) => labelled(finding, candidate, remediation))
      .find((candidate) => used + joined(candidate).length + 1 + footer(attention.length - shown - 1).length <= maxChars);
    if (!block) break;
    lines.push(...block);
    used += joined(block).length + 1;
    shown++;
  }
  // Not one failure fit: no heading over an empty list, just where they all are.
  const body = shown ? lines : head;
  const capped = `${joined([...body, footer(attention.length - shown, shown === 0)])}\n`;
  // The head alone can outgrow a tiny cap: cut it rather than break the promise.
  return capped.length <= maxChars ? capped : `${capped.slice(0, Math.max(0, maxChars - 2))}…\n`;
}

/** Heaviest first: severity weight, then fail before error before warn; ties keep report order. */
function byWeight(findings: Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        SEVERITY_WEIGHT[b.finding.severity] - SEVERITY_WEIGHT[a.finding.severity] ||
        STATUS_RANK[a.finding.status] - STATUS_RANK[b.finding.status] ||
        a.index - b.index,
    )
    .map(({ finding }) => finding);
}

/** A finding block that names its check (the flat list has no per-check headings) and how to fix it. */
function labelled(finding: Finding, block: string[], remediation: string | undefined): string[] {
  const [first = '', ...rest] = block;
  const fix = finding.remediation ?? remediation;
  return [
    first.replace(/^- (\S+) /, `- $1 ${code(finding.checkId)} `),
    ...(fix && !finding.remediation ? [`  - **Fix:** ${text(fix)}`] : []),
    ...rest,
  ];
}

function footer(more: number, none = false): string {
  if (more <= 0) return '';
  const findings = `${more}${none ? '' : ' more'} finding${more === 1 ? '' : 's'}`;
  return `\n---\n${findings}${none ? ' to fix, too long for this page,' : ''} in the HTML/JSON artifact.`;
}

function joined(lines: string[]): string {
  return lines.join('\n');
}
