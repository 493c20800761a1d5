import { Redactor } from '../http/redact.js';
import { ProbeError } from '../http/types.js';
import { TOOL_NAME, toolVersion } from '../package-info.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../report/types.js';
import { scoreItems } from '../scoring/score.js';
import type { Target } from '../types.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The shell's convention: 128 + the signal's number. */
export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export interface InterruptWatch {
  signal: AbortSignal;
  /** Which signal stopped the run, if one did. */
  stoppedBy(): StopSignal | undefined;
  dispose(): void;
}

/**
 * While an audit runs, SIGINT (Ctrl-C) and SIGTERM stop the probing instead of killing the process:
 * probes still waiting fail at once as "interrupted", so the run ends with a partial report that is
 * still written to every --output. A second signal exits at once.
 */
export function watchInterrupts(): InterruptWatch {
  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = (): void => {
      if (stoppedBy) process.exit(SIGNAL_EXIT[stoppedBy]);
      stoppedBy = name;
      controller.abort(new ProbeError('aborted', `interrupted (${name}) before this was probed`));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    stoppedBy: () => stoppedBy,
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/** Marks a report as partial: it names the signal and fails the gate with a reason that says so. */
export function markInterrupted(report: Report, signal: StopSignal): Report {
  const reason = `interrupted (${signal}) before the audit finished: this report is partial, and what was not probed is marked error`;
  return { ...report, interrupted: signal, gate: { ...report.gate, passed: false, reasons: [reason, ...report.gate.reasons] } };
}

/** Stopped while the target was still being checked: a report with every item undecided, so the --output files still say what happened. */
export function reportBeforeAnyCheck(
  target: Target,
  signal: StopSignal,
  startedAt: Date,
  options: { only?: string[]; skip?: string[] },
): Report {
  const redact = new Redactor(target.secrets);
  const items = scoreItems([]).map((item) => ({ ...item, status: 'error' as const }));
  return markInterrupted(
    {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: TOOL_NAME, version: toolVersion() },
      target: { name: redact.text(target.name), baseUrl: redact.text(target.baseUrl) },
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      requests: 0,
      score: null,
      grade: 'F',
      gate: { passed: false, failUnder: target.thresholds.failUnder, reasons: [] },
      items,
      checks: [],
      notes: ['no check ran: the run was stopped while the target was being checked'],
      options: { allowWrites: target.allowWrites, only: options.only ?? [], skip: options.skip ?? [] },
    },
    signal,
  );
}
