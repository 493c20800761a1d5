// The fleet view in every format (text for the terminal, Markdown, a self-contained HTML page, JSON),
// each drawn from the one Fleet object so they never disagree.
import { createHash } from 'node:crypto';
import { escapeMarkup as esc, terminalSafe } from './escape.js';
import { text as mdText } from './markdown.js';
import type { Fleet, FleetService } from './fleet.js';

export const FLEET_FORMATS = ['terminal', 'markdown', 'html', 'json'] as const;
export type FleetFormat = (typeof FLEET_FORMATS)[number];

export function renderFleet(fleet: Fleet, format: FleetFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(fleet, null, 2)}\n`;
    case 'markdown':
      return fleetMarkdown(fleet);
    case 'html':
      return fleetHtml(fleet);
    default:
      // Every string from the reports passes the audit's own terminal escaper.
      return fleetText(terminalSafe(fleet));
  }
}

const scoreOf = (s: FleetService): string => (s.score === null ? '–' : String(s.score));
const gateOf = (s: FleetService): string => (s.problem ? 'no report' : s.gate.passed ? 'passed' : 'FAILED');
const headline = (fleet: Fleet): string => `${fleet.services.length} service(s): ${fleet.passed} passed the gate, ${fleet.failed} failed`;
const failureLine = (f: Fleet['services'][number]['topFailures'][number]): string =>
  `${f.checkId} ${f.endpoint === '*' ? '' : `${f.endpoint} `}(${f.severity}): ${f.message}`;
const whyLine = (s: FleetService): string => s.problem ?? (s.gate.passed ? '' : s.gate.reasons.join('; '));

function fleetText(fleet: Fleet): string {
  const out = [`preflight fleet: ${headline(fleet)}`, ''];
  const width = Math.max(7, ...fleet.services.map((s) => s.name.length));
  out.push(`${'service'.padEnd(width)}  score  grade  gate       top failure`);
  for (const s of fleet.services) {
    const top = s.topFailures[0] ? failureLine(s.topFailures[0]) : whyLine(s);
    out.push(
      `${s.name.padEnd(width)}  ${scoreOf(s).padStart(5)}  ${(s.grade ?? '–').padEnd(5)}  ${gateOf(s).padEnd(9)}  ${top.slice(0, 120)}`,
    );
  }
  if (fleet.items.length) {
    out.push('', 'items failing across services:');
    for (const item of fleet.items)
      out.push(`  ${item.id}: ${item.failing.length} of ${fleet.services.length} (${item.failing.join(', ')})`);
  }
  return `${out.join('\n')}\n`;
}

function fleetMarkdown(fleet: Fleet): string {
  const out = [
    '# API preflight: fleet',
    '',
    `**${headline(fleet)}** · merged ${fleet.generatedAt}`,
    '',
    '| Service | Score | Grade | Gate | Top failures |',
    '|---|---:|---|---|---|',
  ];
  for (const s of fleet.services) {
    const failures = s.topFailures.length ? s.topFailures.map((f) => mdText(failureLine(f))).join('<br>') : mdText(whyLine(s));
    out.push(`| ${mdText(s.name)} | ${scoreOf(s)} | ${s.grade ?? '–'} | ${gateOf(s)} | ${failures} |`);
  }
  out.push('', '## Items failing across services', '');
  if (!fleet.items.length) out.push('No checklist item fails in any service.');
  else {
    out.push('| Item | Failing in | Services |', '|---|---:|---|');
    for (const item of fleet.items)
      out.push(
        `| ${mdText(item.title)} (\`${item.id}\`) | ${item.failing.length} of ${fleet.services.length} | ${item.failing.map(mdText).join(', ')} |`,
      );
  }
  return `${out.join('\n')}\n`;
}

const CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24;background:#fff}
@media (prefers-color-scheme:dark){body{color:#e6e6e6;background:#15181c}th{background:#22272e!important}td,th{border-color:#3a4049!important}}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.4rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}.num{text-align:right;font-variant-numeric:tabular-nums}.fail{color:#c62828;font-weight:600}.pass{color:#2e7d32;font-weight:600}
ul{margin:0;padding-left:1.1rem}td:first-child{white-space:nowrap}small{color:#6b7280}`;

function fleetHtml(fleet: Fleet): string {
  const sha = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;
  const rows = fleet.services
    .map((s) => {
      const failures = s.topFailures.length
        ? `<ul>${s.topFailures.map((f) => `<li>${esc(failureLine(f))}</li>`).join('')}</ul>`
        : esc(whyLine(s));
      return `<tr><td>${esc(s.name)}<br><small>${esc(s.file)}</small></td><td class="num">${esc(scoreOf(s))}</td><td>${esc(s.grade ?? '–')}</td><td class="${s.gate.passed ? 'pass' : 'fail'}">${esc(gateOf(s))}</td><td>${failures}</td></tr>`;
    })
    .join('\n');
  const items = fleet.items.length
    ? `<table><thead><tr><th>Item</th><th>Failing in</th><th>Services</th></tr></thead><tbody>${fleet.items.map((i) => `<tr><td>${esc(i.title)} <small>${esc(i.id)}</small></td><td class="num">${i.failing.length} of ${fleet.services.length}</td><td>${esc(i.failing.join(', '))}</td></tr>`).join('')}</tbody></table>`
    : '<p>No checklist item fails in any service.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${esc(sha)}; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Preflight fleet: ${esc(headline(fleet))}</title>
<style>${CSS}</style>
</head>
<body>
<h1>API preflight: fleet</h1>
<p><strong>${esc(headline(fleet))}</strong> <small>merged ${esc(fleet.generatedAt)}</small></p>
<table><thead><tr><th>Service</th><th>Score</th><th>Grade</th><th>Gate</th><th>Top failures</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Items failing across services</h2>
${items}
</body>
</html>
`;
}
