// `--baseline previous.json`: what got worse, better or stayed the same since a saved report.
// A scheduled job needs exactly this: "fail when anything regressed", not only "fail below 80".
import type { Finding, FindingStatus } from '../types.js';
import { allFindings, cut } from './common.js';
import { isVersion1 } from './load.js';
import type { Report } from './types.js';

export type Presence = FindingStatus | 'absent';

export interface FindingChange {
  /** The newer finding's id (check/verdict) and key; the key is what paired the two runs. */
  id: string;
  key: string;
  checkId: string;
  endpoint: string;
  before: Presence;
  after: Presence;
  /** The newer message when there is one (it says what is wrong now). */
  message: string;
}

export interface BaselineDiff {
  before: { score: number | null; grade: string; gatePassed: boolean; startedAt: string };
  after: { score: number | null; grade: string; gatePassed: boolean; startedAt: string };
  /** after − before, or null when either has no score. */
  scoreDelta: number | null;
  worse: FindingChange[];
  better: FindingChange[];
  unchanged: FindingChange[];
  /** New findings that are not failures (a new check or endpoint). */
  added: FindingChange[];
  /** Findings the baseline had and this run did not report (a check or endpoint removed or skipped). */
  gone: FindingChange[];
  /** Why the result counts as worse; empty when it does not. */
  regressions: string[];
  /** Set when the two reports are about different targets, so the comparison may mean little. */
  targetChanged?: string;
  /** Set when a report predates finding keys (schemaVersion 1) and findings were paired by position. */
  legacyPairing?: string;
}

/**
 * How bad a status is for the gate: only fail and warn count. error (could not decide), skip and
 * waived are not regressions: the target did not get worse, the audit knew less or was told to wait.
 */
const BADNESS: Record<Presence, number> = { fail: 2, warn: 1, pass: 0, waived: 0, error: 0, skip: 0, absent: 0 };

/**
 * Pairs findings by key (check/probe@endpoint#probe-key), which does not depend on order or on
 * which other probes ran: a sub-probe skipped in one run is "gone", not compared with its neighbour.
 */
function keyed(findings: readonly Finding[]): Map<string, Finding> {
  return new Map(findings.map((finding) => [finding.key, finding]));
}

/** How version 1 paired findings (check, endpoint, position): used only when a report has no keys. */
function byPosition(findings: readonly Finding[]): Map<string, Finding> {
  const seen = new Map<string, number>();
  const out = new Map<string, Finding>();
  for (const finding of findings) {
    const base = `${finding.checkId}@${finding.endpoint}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    out.set(`${base}#${n}`, finding);
  }
  return out;
}

export function diffReports(before: Report, after: Report): BaselineDiff {
  const legacy = isVersion1(before) || isVersion1(after);
  const pair = legacy ? byPosition : keyed;
  const old = pair(allFindings(before));
  const now = pair(allFindings(after));
  const diff: BaselineDiff = {
    before: { score: before.score, grade: before.grade, gatePassed: before.gate.passed, startedAt: before.startedAt },
    after: { score: after.score, grade: after.grade, gatePassed: after.gate.passed, startedAt: after.startedAt },
    scoreDelta: before.score !== null && after.score !== null ? after.score - before.score : null,
    worse: [],
    better: [],
    unchanged: [],
    added: [],
    gone: [],
    regressions: [],
    ...(legacy
      ? {
          legacyPairing:
            'the baseline was written by an older preflight (report schemaVersion 1) whose findings have no keys: they are paired by check, endpoint and position, and a skipped sub-probe can shift the pairs; re-save the baseline with this version',
        }
      : {}),
  };
  for (const [key, finding] of now) {
    const previous = old.get(key);
    const change: FindingChange = {
      id: finding.id,
      key: finding.key,
      checkId: finding.checkId,
      endpoint: finding.endpoint,
      before: previous?.status ?? 'absent',
      after: finding.status,
      message: finding.message,
    };
    const delta = BADNESS[change.after] - BADNESS[change.before];
    if (delta > 0) diff.worse.push(change);
    else if (delta < 0) diff.better.push(change);
    else if (!previous) diff.added.push(change);
    else diff.unchanged.push(change);
  }
  for (const [key, finding] of old) {
    if (now.has(key)) continue;
    diff.gone.push({
      id: finding.id,
      key: finding.key,
      checkId: finding.checkId,
      endpoint: finding.endpoint,
      before: finding.status,
      after: 'absent',
      message: finding.message,
    });
  }

  if (diff.worse.length) {
    const fresh = diff.worse.filter((change) => change.after === 'fail').length;
    diff.regressions.push(
      `${diff.worse.length} finding${diff.worse.length > 1 ? 's' : ''} got worse${fresh ? ` (${fresh} new failure${fresh > 1 ? 's' : ''})` : ''}`,
    );
  }
  if (diff.scoreDelta !== null && diff.scoreDelta < 0) diff.regressions.push(`the score dropped from ${before.score} to ${after.score}`);
  if (before.score !== null && after.score === null)
    diff.regressions.push(`the score went from ${before.score} to none (nothing could be decided)`);
  if (before.gate.passed && !after.gate.passed) diff.regressions.push('the gate passed before and fails now');
  if (before.target.baseUrl !== after.target.baseUrl || before.target.name !== after.target.name) {
    diff.targetChanged = `the baseline is of ${before.target.name} (${before.target.baseUrl}), this run of ${after.target.name} (${after.target.baseUrl})`;
  }
  return diff;
}

/** One section of the comparison: a heading and its lines, so each format lays it out its own way. */
export interface BaselineSection {
  kind: 'worse' | 'better' | 'unchanged' | 'added' | 'gone' | 'note';
  title: string;
  lines: string[];
}

const MAX_LINES = 20;

function changeLine(change: FindingChange): string {
  const endpoint = change.endpoint === '*' ? '' : ` · ${change.endpoint}`;
  return `${change.id}${endpoint}: ${change.before} → ${change.after} — ${cut(change.message, 160)}`;
}

function listed(changes: readonly FindingChange[]): string[] {
  const lines = changes.slice(0, MAX_LINES).map(changeLine);
  if (changes.length > MAX_LINES) lines.push(`… and ${changes.length - MAX_LINES} more`);
  return lines;
}

/** The headline ("score 72 → 65 (−7), gate passed → failed") and the sections worth showing. */
export function baselineSummary(diff: BaselineDiff, file: string): { headline: string; sections: BaselineSection[] } {
  const score = (s: number | null): string => (s === null ? 'no score' : String(s));
  const delta =
    diff.scoreDelta === null ? '' : ` (${diff.scoreDelta > 0 ? '+' : diff.scoreDelta < 0 ? '−' : '±'}${Math.abs(diff.scoreDelta)})`;
  const gate =
    diff.before.gatePassed === diff.after.gatePassed
      ? `gate ${diff.after.gatePassed ? 'passed' : 'failed'} both times`
      : `gate ${diff.before.gatePassed ? 'passed' : 'failed'} → ${diff.after.gatePassed ? 'passed' : 'failed'}`;
  const verdict = diff.regressions.length
    ? `WORSE: ${diff.regressions.join('; ')}`
    : diff.better.length || (diff.scoreDelta ?? 0) > 0
      ? 'better, nothing got worse'
      : 'nothing got worse';
  const headline = `Compared with ${file} (${diff.before.startedAt}): score ${score(diff.before.score)} → ${score(diff.after.score)}${delta}, ${gate}. ${verdict}.`;

  const stillFailing = diff.unchanged.filter((change) => BADNESS[change.after] > 0);
  const sections: BaselineSection[] = [];
  if (diff.worse.length) sections.push({ kind: 'worse', title: `Worse (${diff.worse.length})`, lines: listed(diff.worse) });
  if (diff.better.length) sections.push({ kind: 'better', title: `Better (${diff.better.length})`, lines: listed(diff.better) });
  sections.push({
    kind: 'unchanged',
    title: `Unchanged (${diff.unchanged.length})`,
    lines: [
      `${diff.unchanged.length} finding${diff.unchanged.length === 1 ? '' : 's'} kept their status${stillFailing.length ? `, ${stillFailing.length} of them still failing or warning:` : ''}`,
      ...listed(stillFailing),
    ],
  });
  if (diff.added.length) sections.push({ kind: 'added', title: `New, not failing (${diff.added.length})`, lines: listed(diff.added) });
  if (diff.gone.length)
    sections.push({
      kind: 'gone',
      title: `No longer reported (${diff.gone.length}): a check or endpoint was removed or skipped`,
      lines: listed(diff.gone),
    });
  const notes = [diff.targetChanged, diff.legacyPairing].filter((note): note is string => Boolean(note));
  if (notes.length) sections.push({ kind: 'note', title: 'Note', lines: notes });
  return { headline, sections };
}

/** The gate reason added by --fail-on-regression. */
export function regressionReason(diff: BaselineDiff, file: string): string {
  return `worse than the baseline ${file}: ${diff.regressions.join('; ')}`;
}
