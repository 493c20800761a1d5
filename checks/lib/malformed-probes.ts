import {
  answerOf,
  attempt,
  exchangeOf,
  GLANCE_BYTES,
  type Attempt,
  type EndpointContext,
  type Exchange,
  type ProbeRequest,
} from '../api.js';
import { isRateLimited } from './rate-limit.js';

/** One malformed request and how the report names it ("query limit=abc (not a number)"). */
export interface MalformedProbe {
  describe: string;
  request: ProbeRequest;
  /** A 2xx is wrong too: no correct server accepts this input (not JSON, not UTF-8). */
  mustReject?: boolean;
}

/** A probe and what came back: an answer, or the hang or reset that stood in for one. */
export type ProbeOutcome = Attempt & { probe: MalformedProbe };

/**
 * The verdicts of a set of malformed inputs sent to one endpoint (malformed-input and malformed-body
 * both declare them): fail on any 5xx or hang, warn when an input no server should accept got a 2xx,
 * pass otherwise. 429s decide nothing; when nothing else is left, undecided. (A refused connection
 * never gets here: attempt() lets it through, and the check is undecided.)
 */
export const INPUT_VERDICTS = {
  inputsRateLimited: {
    probe: 'inputs',
    status: 'error',
    message: 'the target answered 429 (rate limited) to all {sent} malformed inputs to {where}, so how it handles them could not be judged',
  },
  inputsFailed: {
    probe: 'inputs',
    status: 'fail',
    message:
      "{failed} of {judged} malformed inputs to {where} got a 5xx or no answer: {list}; malformed input is the client's fault and must get a 4xx{unjudged}",
  },
  inputsAccepted: {
    probe: 'inputs',
    status: 'warn',
    severity: 'medium',
    message:
      '{accepted} of {judged} malformed inputs to {where} were accepted with a 2xx: {list}; reject them with 400 (or 415 for the wrong content type){unjudged}',
    remediation:
      'Parse the body strictly before acting on it: require Content-Type: application/json, reject bodies that are not valid UTF-8 JSON with 400, and validate every field.',
  },
  inputsHandled: {
    probe: 'inputs',
    status: 'pass',
    message: '{where} answered all {judged} malformed inputs without a 5xx or a hang ({answers}){unjudged}',
  },
} as const;

type InputVerdict = keyof typeof INPUT_VERDICTS;

/** Sends every probe (the client bounds concurrency and rate); a hang or reset is an outcome, not a crash. */
export async function sendProbes(ctx: EndpointContext, probes: readonly MalformedProbe[]): Promise<ProbeOutcome[]> {
  return Promise.all(
    probes.map(
      async (probe): Promise<ProbeOutcome> => ({
        ...(await attempt(ctx.http, { ...probe.request, maxResponseBytes: GLANCE_BYTES, purpose: probe.describe })),
        probe,
      }),
    ),
  );
}

export function isServerFailure(outcome: Attempt): boolean {
  return outcome.failure !== undefined || (outcome.response?.status ?? 0) >= 500;
}

function isWrongAcceptance(outcome: ProbeOutcome): boolean {
  const status = outcome.response?.status ?? 0;
  return outcome.probe.mustReject === true && status >= 200 && status < 300;
}

function evidenceOf(outcomes: readonly ProbeOutcome[]): Exchange[] {
  return outcomes.map(exchangeOf);
}

/** "400×9, 404×3, 200×2": what came back, most frequent first. */
export function statusTally(outcomes: readonly ProbeOutcome[]): string {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(answerOf(outcome), (counts.get(answerOf(outcome)) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
}

const LISTED = 4;

function list(outcomes: readonly ProbeOutcome[]): string {
  const shown = outcomes.slice(0, LISTED).map((o) => `${o.probe.describe} → ${answerOf(o)}`);
  return outcomes.length > LISTED ? `${shown.join(', ')}, and ${outcomes.length - LISTED} more` : shown.join(', ');
}

export interface InputJudgement {
  verdict: InputVerdict;
  data: {
    where: string;
    sent: number;
    answers: string;
    judged: number;
    failed: number;
    accepted: number;
    rateLimited: number;
    list: string;
    unjudged: string;
  };
  evidence: Exchange[];
}

/**
 * Judges the malformed inputs sent to one endpoint. Outcomes are in probe order (Promise.all keeps
 * it), so the lists and evidence do not depend on which answer came first.
 */
export function judgeInputs(where: string, all: readonly ProbeOutcome[]): InputJudgement {
  const limited = all.filter((outcome) => isRateLimited(outcome.response?.status));
  const outcomes = all.filter((outcome) => !limited.includes(outcome));
  const failed = outcomes.filter(isServerFailure);
  const accepted = outcomes.filter(isWrongAcceptance);
  const unjudged = limited.length ? `; ${limited.length} rate-limited (429), not judged` : '';
  const base = {
    where,
    sent: all.length,
    answers: statusTally(all),
    judged: outcomes.length,
    failed: failed.length,
    accepted: accepted.length,
    rateLimited: limited.length,
    unjudged,
  };
  if (outcomes.length === 0) return { verdict: 'inputsRateLimited', data: { ...base, list: '' }, evidence: evidenceOf(all.slice(0, 1)) };
  if (failed.length) return { verdict: 'inputsFailed', data: { ...base, list: list(failed) }, evidence: evidenceOf(failed) };
  if (accepted.length) return { verdict: 'inputsAccepted', data: { ...base, list: list(accepted) }, evidence: evidenceOf(accepted) };
  return {
    verdict: 'inputsHandled',
    data: { ...base, answers: statusTally(outcomes), list: '' },
    evidence: evidenceOf(pickVaried(outcomes)),
  };
}

/** One outcome per distinct answer, so the evidence shows each kind of answer once. */
function pickVaried(outcomes: readonly ProbeOutcome[]): ProbeOutcome[] {
  const seen = new Set<string>();
  return outcomes.filter((outcome) => {
    const key = answerOf(outcome);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
