// Outcomes every check can have that the engine, not the check, decides: a probe got no answer, the
// check is not opted in, the config gives it nothing to look at, or the check itself threw.
// They are part of every check's catalogue (request-id/undecided, auth-anonymous/notOptedIn, ...).

export const ENGINE_VERDICTS = {
  undecided: { status: 'error', message: 'could not decide: {reason}' },
  notOptedIn: { status: 'skip', message: '{reason}' },
  nothingToCheck: { status: 'skip', message: 'nothing in this config for it to look at; it probes: {probes}' },
  crashed: { status: 'error', message: 'the check itself failed ({reason}); please report this' },
  tookTargetDown: {
    status: 'fail',
    severity: 'critical',
    message: 'the server stopped answering after {requests} (sent by this check); {outcome}',
    remediation:
      'Make the handler answer such input with a 4xx instead of crashing the process: catch errors per request (an error handler for every route), validate input before decoding it, and run the service under a supervisor that restarts it. Reproduce with the curl line.',
  },
  brokeEndpoint: {
    status: 'fail',
    severity: 'critical',
    message: 'after {requests}, {endpoint} answers {status} to every request (it answered {before} before the write probes)',
    remediation:
      'Reject such bodies before anything is stored (depth, size and type limits), and make reads robust to records that are already stored; then remove the record this audit created.',
  },
} as const;

export type EngineVerdictId = keyof typeof ENGINE_VERDICTS;

export function isEngineVerdict(id: string): id is EngineVerdictId {
  return Object.hasOwn(ENGINE_VERDICTS, id);
}
