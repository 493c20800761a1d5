import { ProbeError } from '../http/types.js';

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
