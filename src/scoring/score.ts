import { CHECKLIST, SEVERITY_WEIGHT, type Finding, type ItemStatus, type Waiver } from '../types.js';
import type { Grade, ItemReport } from '../report/types.js';

/** How much a decided finding counts towards passing: warn counts half (design.md). */
const CREDIT: Partial<Record<Finding['status'], number>> = { pass: 1, warn: 0.5, fail: 0 };

/** "get  /metrics" and "GET /metrics" name the same endpoint: methods are case-insensitive, spacing is not meaningful. */
function sameEndpoint(a: string, b: string): boolean {
  const norm = (label: string): string =>
    label
      .trim()
      .replace(/\s+/g, ' ')
      .replace(/^\S+/, (method) => method.toUpperCase());
  return norm(a) === norm(b);
}

function waiverMatches(waiver: Waiver, finding: Finding): boolean {
  // An item, a whole check, or one verdict of a check (check/verdict: the finding's id).
  return (
    (waiver.check === finding.checkId || waiver.check === finding.item || waiver.check === finding.id) &&
    (!waiver.endpoint || sameEndpoint(waiver.endpoint, finding.endpoint))
  );
}

/**
 * Active waivers turn a matching fail into `waived`; expired and unused waivers become notes.
 * A waiver is active through its expiry date (UTC) and lapses the day after. When several match,
 * an active one wins over an expired one (a renewed waiver added next to the old).
 */
export function applyWaivers(findings: Finding[], waivers: readonly Waiver[], today: Date): { findings: Finding[]; notes: string[] } {
  const notes: string[] = [];
  const day = today.toISOString().slice(0, 10);
  const used = new Set<Waiver>();
  const out = findings.map((finding) => {
    if (finding.status !== 'fail') return finding;
    const matching = waivers.filter((w) => waiverMatches(w, finding));
    for (const waiver of matching) used.add(waiver);
    const active = matching.find((w) => w.expires >= day);
    if (!active) return finding;
    return { ...finding, status: 'waived' as const, waiver: { reason: active.reason, expires: active.expires } };
  });
  for (const waiver of waivers) {
    const name = `${waiver.check}${waiver.endpoint ? ` on ${waiver.endpoint}` : ''}`;
    if (waiver.expires < day)
      notes.push(`waiver for ${name} expired on ${waiver.expires}; its failures count again (renew it or fix them)`);
    else if (!used.has(waiver)) notes.push(`waiver for ${name} matched no failure; remove it if the problem is fixed`);
  }
  return { findings: out, notes };
}

const STATUS_ORDER: ItemStatus[] = ['fail', 'warn', 'waived', 'pass', 'error', 'skip'];

/** Groups findings into the fixed checklist, scoring each item. */
export function scoreItems(findings: readonly Finding[]): ItemReport[] {
  return CHECKLIST.map(({ id, title }) => {
    const own = findings.filter((finding) => finding.item === id);
    const decided = own.filter((finding) => CREDIT[finding.status] !== undefined);
    const weightSum = decided.reduce((sum, f) => sum + SEVERITY_WEIGHT[f.severity], 0);
    const credit = decided.reduce((sum, f) => sum + SEVERITY_WEIGHT[f.severity] * (CREDIT[f.status] ?? 0), 0);
    const status = STATUS_ORDER.find((candidate) => own.some((f) => f.status === candidate)) ?? 'skip';
    return {
      id,
      title,
      status,
      score: weightSum ? Math.round((100 * credit) / weightSum) : null,
      weight: decided.reduce((max, f) => Math.max(max, SEVERITY_WEIGHT[f.severity]), 0),
      findings: own,
    };
  });
}

/** The weighted mean of the items that decided anything, 0–100; null when none did. */
export function totalScore(items: readonly ItemReport[]): number | null {
  const scored = items.filter((item) => item.score !== null && item.weight > 0);
  const weight = scored.reduce((sum, item) => sum + item.weight, 0);
  if (!weight) return null;
  return Math.round(scored.reduce((sum, item) => sum + (item.score ?? 0) * item.weight, 0) / weight);
}

export function gradeOf(score: number | null): Grade {
  if (score === null) return 'F';
  return score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
}

/** Above this share of `error` findings the gate fails: the audit saw too little to vouch for the API. */
export const MAX_UNDECIDED_SHARE = 0.25;

/** What the run itself saw, beyond the findings: how many endpoints were judged, whether the target went down for good. */
export interface RunFacts {
  /** Configured endpoints that answered and were judged (0: nothing was probed). */
  probed: number;
  /** Set when the target stopped answering mid-run and did not come back. */
  targetDown?: string;
}

/**
 * The gate fails on a score below failUnder, any unwaived critical failure, too much undecided,
 * an item that decided nothing, nothing probed, or a target that went down (design.md, exit 1).
 * Undecided never adds up to green.
 */
export function gateOf(
  score: number | null,
  items: readonly ItemReport[],
  failUnder: number,
  facts: RunFacts = { probed: 1 },
): { passed: boolean; failUnder: number; reasons: string[] } {
  const reasons: string[] = [];
  if (facts.probed === 0)
    reasons.push('nothing was probed: add endpoints to the config (or give --openapi), or fix the ones that answered 404');
  if (facts.targetDown) reasons.push(facts.targetDown);
  if (score === null) reasons.push('no check could decide anything, so readiness is unknown');
  else if (score < failUnder) reasons.push(`score ${score} is below failUnder ${failUnder}`);
  const findings = items.flatMap((item) => item.findings);
  // Errors do not lower the score, but a score built on a few survivors is not a green light:
  // a target that hangs or resets on most probes must not pass on the one probe that got an answer.
  const undecided = findings.filter((f) => f.status === 'error').length;
  const considered = findings.filter((f) => f.status !== 'skip').length;
  if (score !== null && considered > 0 && undecided / considered > MAX_UNDECIDED_SHARE) {
    reasons.push(
      `${undecided} of ${considered} findings could not be decided (timeouts, resets, budget): too little was seen to call the API ready`,
    );
  }
  // An item with findings but none decided (only errors) is unknown, not fine; one that only skipped
  // (not opted in, nothing to look at) says so in its row and does not stop the gate.
  const blind = items.filter(
    (item) =>
      item.findings.some((f) => f.status === 'error') &&
      !item.findings.some((f) => CREDIT[f.status] !== undefined || f.status === 'waived'),
  );
  if (score !== null && blind.length)
    reasons.push(`${blind.length} of ${items.length} items could not be decided (${blind.map((item) => item.id).join(', ')})`);
  const critical = findings.filter((f) => f.status === 'fail' && f.severity === 'critical');
  if (critical.length) {
    // One name per check and endpoint: a check that fails twice on one endpoint is named once.
    const named = [...new Set(critical.map((f) => `${f.checkId} on ${f.endpoint}`))];
    reasons.push(
      `${critical.length} critical failure${critical.length > 1 ? 's' : ''}: ${named.slice(0, 3).join(', ')}${named.length > 3 ? ', …' : ''}`,
    );
  }
  return { passed: reasons.length === 0, failUnder, reasons };
}
