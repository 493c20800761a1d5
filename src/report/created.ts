// "Created by this audit": the records the write probes left on the target (or that cleanup deleted),
// one section per format, so whoever reads any report knows what to remove and how.
import { visible } from './common.js';
import { escapeMarkup as esc } from './escape.js';
import type { CreatedResource, Report } from './types.js';

export const CREATED_TITLE = 'Created by this audit';

/** "POST http://host/api/items → 201 · id 42 · at http://host/api/items/42 · deleted (204)". */
export function createdLine(resource: CreatedResource): string {
  const parts = [`${resource.request} → ${resource.status}`];
  if (resource.id !== undefined) parts.push(`id ${resource.id}`);
  if (resource.location) parts.push(`at ${resource.location}`);
  parts.push(
    resource.cleanup
      ? resource.cleanup.message
      : resource.notDeletable
        ? `left on the target; ${resource.notDeletable}`
        : resource.delete
          ? 'left on the target'
          : 'left on the target; no DELETE known for it',
  );
  return visible(parts.join(' · ')).replace(/[\r\n]+/g, ' ');
}

/** The DELETE curl lines of what is still there. */
function leftDeletes(report: Report): string[] {
  return (report.created ?? []).filter((r) => !r.cleanup?.deleted && r.delete).map((r) => visible(r.delete!.curl));
}

function headline(report: Report): string {
  const created = report.created ?? [];
  const deleted = created.filter((r) => r.cleanup?.deleted).length;
  const cleaned = created.some((r) => r.cleanup);
  return cleaned
    ? `${created.length} created; cleanup deleted ${deleted}${deleted < created.length ? `, ${created.length - deleted} could not be deleted` : ''}.`
    : `${created.length} created and left on the target (cleanup: true or --cleanup deletes them at the end of a run).`;
}

/** The terminal lists this many, what is left first, so the verdict stays on screen; files list all. */
const TERMINAL_LISTED = 10;

export function createdTerminal(report: Report): string[] {
  if (!report.created?.length) return [];
  const lines = ['', `${CREATED_TITLE} (${report.created.length})`, `  ${headline(report)}`];
  const leftFirst = [...report.created].sort((a, b) => Number(a.cleanup?.deleted === true) - Number(b.cleanup?.deleted === true));
  for (const resource of leftFirst.slice(0, TERMINAL_LISTED)) {
    lines.push(`  • ${createdLine(resource)}`);
    if (!resource.cleanup?.deleted && resource.delete) lines.push(`    delete: ${visible(resource.delete.curl)}`);
  }
  if (report.created.length > TERMINAL_LISTED)
    lines.push(
      `  … and ${report.created.length - TERMINAL_LISTED} more (--format json/markdown/html lists every one with its DELETE line)`,
    );
  return lines;
}

export function createdMarkdown(report: Report): string[] {
  if (!report.created?.length) return [];
  const out = [
    `## ${CREATED_TITLE} (${report.created.length})`,
    '',
    headline(report),
    '',
    fenced(report.created.map(createdLine).join('\n'), 'text'),
    '',
  ];
  const deletes = leftDeletes(report);
  if (deletes.length) out.push('To delete what is left:', '', fenced(deletes.join('\n'), 'sh'), '');
  return out;
}

export function createdHtml(report: Report): string {
  if (!report.created?.length) return '';
  const items = report.created.map((r) => {
    const curl = !r.cleanup?.deleted && r.delete ? `<pre>${esc(visible(r.delete.curl))}</pre>` : '';
    return `<li>${esc(createdLine(r))}${curl}</li>`;
  });
  return `<h2 id="created">${esc(CREATED_TITLE)} (${report.created.length})</h2>\n<div class="panel"><p>${esc(headline(report))}</p><ul class="compact">${items.join('\n')}</ul></div>\n`;
}

/** Plain text for JUnit: the gate suite's system-out (records are not tests, so they add none). */
export function createdText(report: Report): string {
  if (!report.created?.length) return '';
  const lines = [`${CREATED_TITLE} (${report.created.length}): ${headline(report)}`];
  for (const r of report.created) {
    lines.push(`- ${createdLine(r)}`);
    if (!r.cleanup?.deleted && r.delete) lines.push(`  delete: ${visible(r.delete.curl)}`);
  }
  return lines.join('\n');
}

/** A fenced block whose fence is longer than any backtick run inside it. */
function fenced(value: string, lang: string): string {
  const ticks = '`'.repeat(Math.max(2, ...(value.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  return `${ticks}${lang}\n${value}\n${ticks}`;
}
