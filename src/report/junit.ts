// JUnit XML for CI test tabs (GitHub, GitLab, Jenkins, Azure): one testsuite per checklist item,
// one testcase per finding. fail → <failure>, error (could not decide) → <error>, skip and waived →
// <skipped> with the reason, pass and warn → a passing case with its message in system-out (a
// warning is not a failed test). A last "gate" suite fails when the gate failed, so the CI tab shows
// why the job went red even when no single finding did it.
import type { Finding } from '../types.js';
import { checkOf, exchangeText, gateText } from './common.js';
import { createdText } from './created.js';
import { escapeMarkup as esc } from './escape.js';
import type { ItemReport, Report } from './types.js';

interface Case {
  name: string;
  classname: string;
  seconds: number;
  /** The child element, already XML. */
  body: string;
  kind: 'pass' | 'failure' | 'error' | 'skipped';
}

const secs = (ms: number): string => (ms / 1000).toFixed(3);

export function renderJunit(report: Report): string {
  const suites = report.items.map((item) =>
    suite(item.id, item.title, casesOf(report, item), report, [
      ['status', item.status],
      ['score', item.score === null ? 'none' : String(item.score)],
    ]),
  );
  suites.push(
    suite(
      'gate',
      'The gate',
      [gateCase(report)],
      report,
      [
        ['failUnder', String(report.gate.failUnder)],
        ['score', report.score === null ? 'none' : String(report.score)],
      ],
      createdText(report),
    ),
  );
  const all = suites.map((s) => s.totals);
  const sum = (key: keyof Totals): number => all.reduce((n, t) => n + t[key], 0);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${esc(`api-preflight: ${report.target.name}`)}" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}" time="${secs(report.durationMs)}" timestamp="${esc(report.startedAt)}">
${suites.map((s) => s.xml).join('\n')}
</testsuites>
`;
}

interface Totals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  seconds: number;
}

function suite(
  id: string,
  title: string,
  cases: Case[],
  report: Report,
  properties: Array<[string, string]>,
  systemOut = '',
): { xml: string; totals: Totals } {
  const totals: Totals = {
    tests: cases.length,
    failures: cases.filter((c) => c.kind === 'failure').length,
    errors: cases.filter((c) => c.kind === 'error').length,
    skipped: cases.filter((c) => c.kind === 'skipped').length,
    seconds: cases.reduce((n, c) => n + c.seconds, 0),
  };
  const props = properties.map(([name, value]) => `      <property name="${esc(name)}" value="${esc(value)}"/>`).join('\n');
  const body = cases
    .map(
      (c) =>
        `    <testcase name="${esc(c.name)}" classname="${esc(c.classname)}" time="${c.seconds.toFixed(3)}"${c.body ? `>\n      ${c.body}\n    </testcase>` : '/>'}`,
    )
    .join('\n');
  const xml = `  <testsuite name="${esc(`${id}: ${title}`)}" id="${esc(id)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${totals.seconds.toFixed(3)}" timestamp="${esc(report.startedAt)}">
    <properties>
${props}
    </properties>
${body}${systemOut ? `\n    <system-out>${esc(systemOut)}</system-out>` : ''}
  </testsuite>`;
  return { xml, totals };
}

function casesOf(report: Report, item: ItemReport): Case[] {
  if (!item.findings.length) {
    return [
      {
        name: `${item.id}: no check ran`,
        classname: `api-preflight.${item.id}`,
        seconds: 0,
        kind: 'skipped',
        body: '<skipped message="no check ran for this item (none selected, or none applies to the configured endpoints)"/>',
      },
    ];
  }
  const seen = new Map<string, number>();
  return item.findings.map((finding) => {
    const base = `${finding.checkId} · ${finding.endpoint}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return findingCase(report, finding, n > 1 ? `${base} #${n}` : base);
  });
}

function findingCase(report: Report, finding: Finding, name: string): Case {
  const seconds = finding.evidence.reduce((n, e) => n + e.durationMs, 0) / 1000;
  const base = { name, classname: `api-preflight.${finding.item}.${finding.checkId}`, seconds };
  const message = esc(finding.message);
  switch (finding.status) {
    case 'fail':
      return {
        ...base,
        kind: 'failure',
        body: `<failure message="${message}" type="${esc(finding.severity)}">${esc(details(report, finding))}</failure>`,
      };
    case 'error':
      return {
        ...base,
        kind: 'error',
        body: `<error message="${message}" type="could-not-decide">${esc(details(report, finding))}</error>`,
      };
    case 'skip':
      return { ...base, kind: 'skipped', body: `<skipped message="${message}"/>` };
    case 'waived':
      return {
        ...base,
        kind: 'skipped',
        body: `<skipped message="${esc(`waived until ${finding.waiver?.expires ?? '?'}: ${finding.waiver?.reason ?? ''} — ${finding.message}`)}"/>`,
      };
    case 'warn':
      return { ...base, kind: 'pass', body: `<system-out>${esc(`WARNING: ${details(report, finding)}`)}</system-out>` };
    case 'pass':
      return { ...base, kind: 'pass', body: `<system-out>${message}</system-out>` };
  }
}

/** The failure text: what is wrong, why it matters, how to fix, how to reproduce, then the exchanges. */
function details(report: Report, finding: Finding): string {
  const meta = checkOf(report, finding.checkId);
  const lines = [`${finding.message}`, `severity: ${finding.severity} · check: ${finding.checkId} · endpoint: ${finding.endpoint}`];
  if (meta) lines.push(`why it matters: ${meta.rationale}`);
  const fix = finding.remediation ?? meta?.remediation;
  if (fix) lines.push(`how to fix: ${fix}`);
  if (finding.reproduce) lines.push(`reproduce: ${finding.reproduce}`);
  for (const exchange of finding.evidence) lines.push('', exchangeText(exchange));
  return lines.join('\n');
}

function gateCase(report: Report): Case {
  const base = {
    name: `score at or above failUnder ${report.gate.failUnder} and no unwaived critical failure`,
    classname: 'api-preflight.gate',
    seconds: 0,
  };
  if (report.gate.passed) return { ...base, kind: 'pass', body: `<system-out>${esc(gateText(report))}</system-out>` };
  const reasons = report.gate.reasons.join('; ');
  return {
    ...base,
    kind: 'failure',
    body: `<failure message="${esc(`gate failed: ${reasons}`)}" type="gate">${esc(report.gate.reasons.join('\n'))}</failure>`,
  };
}
