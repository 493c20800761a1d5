import { attempt } from '../../src/http/attempt.js';
import { GLANCE_BYTES, type ProbeError, type ProbeRequest, type ProbeResponse } from '../../src/http/types.js';
import type { CheckContext, Exchange, Finding } from '../../src/types.js';
import { isRateLimited } from './rate-limit.js';

/** One malformed request and how the report names it ("query limit=abc (not a number)"). */
export interface MalformedProbe {
  describe: string;
  request: ProbeRequest;
  /** A 2xx is wrong too: no correct server accepts this input (not JSON, not UTF-8). */
  mustReject?: boolean;
}

export interface ProbeOutcome {
  probe: MalformedProbe;
  response?: ProbeResponse;
  /** The server hung or dropped the connection: as bad as a 5xx. */
  broken?: ProbeError;
}

/** Sends every probe (the client bounds concurrency and rate); a hang or reset is an outcome, not a crash. */
export async function sendProbes(ctx: CheckContext, probes: readonly MalformedProbe[]): Promise<ProbeOutcome[]> {
  return Promise.all(
    probes.map(async (probe): Promise<ProbeOutcome> => {
      const tried = await attempt(ctx.http, { ...probe.request, maxResponseBytes: GLANCE_BYTES, purpose: probe.describe });
      return tried.response ? { probe, response: tried.response } : { probe, broken: tried.failure };
    }),
  );
}

function isServerFailure(outcome: ProbeOutcome): boolean {
  return outcome.broken !== undefined || (outcome.response?.status ?? 0) >= 500;
}

function isWrongAcceptance(outcome: ProbeOutcome): boolean {
  const status = outcome.response?.status ?? 0;
  return outcome.probe.mustReject === true && status >= 200 && status < 300;
}

function answer(outcome: ProbeOutcome): string {
  if (outcome.broken) return outcome.broken.code === 'timeout' ? 'no answer (timeout)' : 'connection dropped';
  return String(outcome.response?.status);
}

function evidenceOf(outcomes: readonly ProbeOutcome[]): Exchange[] {
  return outcomes.map((o) => o.response?.exchange ?? o.broken?.exchange).filter((e): e is Exchange => e !== undefined);
}

/** "400×9, 404×3, 200×2": what came back, most frequent first. */
export function statusTally(outcomes: readonly ProbeOutcome[]): string {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(answer(outcome), (counts.get(answer(outcome)) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
}

const LISTED = 4;

function list(outcomes: readonly ProbeOutcome[]): string {
  const shown = outcomes.slice(0, LISTED).map((o) => `${o.probe.describe} → ${answer(o)}`);
  return outcomes.length > LISTED ? `${shown.join(', ')}, and ${outcomes.length - LISTED} more` : shown.join(', ');
}

/**
 * One finding for a set of malformed inputs sent to one endpoint: fail on any 5xx or hang, warn when
 * an input no server should accept got a 2xx, pass otherwise (4xx, or a 2xx where the input was ignored).
 * Rate-limited answers are left out; when nothing else came back, the finding says it could not decide.
 */
export function summarise(ctx: CheckContext, where: string, all: readonly ProbeOutcome[]): Finding {
  const outcomes = all.filter((outcome) => !isRateLimited(outcome.response?.status));
  const limited = all.length - outcomes.length;
  if (outcomes.length === 0) {
    return ctx.finding({ status: 'error', message: `the target answered 429 (rate limited) to all ${all.length} malformed inputs to ${where}, so how it handles them could not be judged`, evidence: evidenceOf(all.slice(0, 1)) });
  }
  const failed = outcomes.filter(isServerFailure);
  const data = { sent: all.length, answers: statusTally(all), ...(limited ? { rateLimited: limited } : {}) };
  const unjudged = limited ? `; ${limited} rate-limited (429), not judged` : '';
  if (failed.length) {
    return ctx.finding({
      status: 'fail',
      message: `${failed.length} of ${outcomes.length} malformed inputs to ${where} got a 5xx or no answer: ${list(failed)}; malformed input is the client's fault and must get a 4xx${unjudged}`,
      evidence: evidenceOf(failed),
      data,
    });
  }
  const accepted = outcomes.filter(isWrongAcceptance);
  if (accepted.length) {
    return ctx.finding({
      status: 'warn',
      severity: 'medium',
      message: `${accepted.length} of ${outcomes.length} malformed inputs to ${where} were accepted with a 2xx: ${list(accepted)}; reject them with 400 (or 415 for the wrong content type)${unjudged}`,
      remediation: 'Parse the body strictly before acting on it: require Content-Type: application/json, reject bodies that are not valid UTF-8 JSON with 400, and validate every field.',
      evidence: evidenceOf(accepted),
      data,
    });
  }
  return ctx.finding({
    status: 'pass',
    message: `${where} answered all ${outcomes.length} malformed inputs without a 5xx or a hang (${statusTally(outcomes)})${unjudged}`,
    evidence: evidenceOf(pickVaried(outcomes)),
    data,
  });
}

/** One outcome per distinct status, so the evidence shows each kind of answer once. */
function pickVaried(outcomes: readonly ProbeOutcome[]): ProbeOutcome[] {
  const seen = new Set<string>();
  return outcomes.filter((outcome) => {
    const key = answer(outcome);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
