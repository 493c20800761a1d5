// Outcomes every check can have that the engine, not the check, decides: a probe got no answer, the
// check is not opted in, the config gives it nothing to look at, or the check itself threw.
// They are part of every check's catalogue (request-id/undecided, auth-anonymous/notOptedIn, ...).

export const ENGINE_VERDICTS = {
  undecided: { status: 'error', message: 'could not decide: {reason}' },
  notOptedIn: { status: 'skip', message: '{reason}' },
  nothingToCheck: { status: 'skip', message: 'nothing in this config for it to look at; it probes: {probes}' },
  crashed: { status: 'error', message: 'the check itself failed ({reason}); please report this' },
} as const;

export type EngineVerdictId = keyof typeof ENGINE_VERDICTS;

export function isEngineVerdict(id: string): id is EngineVerdictId {
  return Object.hasOwn(ENGINE_VERDICTS, id);
}
