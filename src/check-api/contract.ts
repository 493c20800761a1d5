// The check contract: what a check declares (meta, its verdict catalogue) and what it is given to run
// (the context with the client and ctx.report). Checks see it through checks/api.ts; the engine
// implements it. The report model (Finding, Exchange, Target) stays in src/types.ts.
import type { HttpClient } from '../http/types.js';
import type { Telemetry } from '../telemetry/types.js';
import type { Endpoint, Exchange, Finding, FindingStatus, ItemId, Severity, Target } from '../types.js';
import type { ENGINE_VERDICTS } from './engine-verdicts.js';
import type { Placeholders } from './template.js';

/** What a verdict can say; `waived` is not one: only a waiver turns a fail into it. */
export type VerdictStatus = Exclude<FindingStatus, 'waived'>;

/**
 * One outcome a check can report, declared as data (like ESLint's meta.messages). The message is a
 * template with {placeholders} filled from the data the check reports.
 */
export interface VerdictSpec {
  status: VerdictStatus;
  message: string;
  /** Overrides the check's severity for this outcome. */
  severity?: Severity;
  /** Overrides the check's remediation; may use the same {placeholders}. */
  remediation?: string;
  /**
   * Verdicts that answer the same question (echoed / notEchoed) share a probe name, so a finding's
   * key stays the same when its outcome changes and a baseline pairs the pass with the fail.
   * Without one, the verdict id is the probe name.
   */
  probe?: string;
}

export type VerdictCatalogue = Readonly<Record<string, VerdictSpec>>;

export interface CheckMeta {
  /** kebab-case, stable. */
  id: string;
  title: string;
  item: ItemId;
  severity: Severity;
  /** Why it matters. */
  rationale: string;
  /** How to fix it. */
  remediation: string;
  /** What it sends, one line, for `preflight checks`. */
  probes: string;
  /** True if it sends state-changing requests (runs only with allowWrites). */
  writes: boolean;
  /**
   * probe: runs with the others, concurrently. measure: runs afterwards, one at a time, so timings
   * are not skewed by other probes. disruptive: heavy write probes (oversized, deeply nested
   * bodies), after every read-based check, so what they may break cannot mislead those; the engine
   * re-reads the endpoints afterwards. analyze: runs last and reads what the whole run collected.
   */
  phase?: 'probe' | 'measure' | 'disruptive' | 'analyze';
  /** Every outcome the check can report, by verdict id (camelCase, stable). */
  verdicts: VerdictCatalogue;
  /**
   * The check sends each endpoint's own method: on write endpoints it runs only with allowWrites
   * (the engine reports the skip), while its read endpoints are probed regardless.
   */
  endpointMethodWrites?: boolean;
  /**
   * Requests the check expects to send per endpoint it runs on, or once for a target-wide check: the
   * budget plan (src/runner/budget-plan.ts) sizes its samples with it. Without it the plan uses its own table.
   */
  cost?: { requestsPerEndpoint?: number; requestsPerRun?: number };
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export interface ReportOptions {
  /** The probe's own key when one verdict is reported more than once (e.g. "limit=1000000"). */
  key?: string | number;
  /** Another endpoint than the one the check runs on (a target-wide check naming a path it found). */
  endpoint?: string;
  /** The exchange whose curl line reproduces the problem, when it is not the first piece of evidence (another identity's request). */
  reproduce?: Exchange;
}

export type DataOf<V extends VerdictSpec> = {
  [P in Placeholders<V['message']> | Placeholders<NonNullable<V['remediation']>>]: unknown;
} & Record<string, unknown>;

/**
 * Reports one outcome: the verdict's id, the values for its placeholders, the exchanges that show it.
 * The finding is collected by the engine and also returned (for checks that inspect what they said).
 */
export type ReportFn<V extends VerdictCatalogue> = <K extends keyof V & string>(
  verdict: K,
  data: DataOf<V[K]>,
  evidence?: readonly Exchange[],
  options?: ReportOptions,
) => Finding;

/**
 * What a judge (a pure function from answers to an outcome) returns: one of the verdicts K of the
 * catalogue V with the data its templates need, checked at compile time where it is built. The
 * check reports it with reportJudgement; tests call the judge with made-up answers, no server.
 */
export type Judgement<V extends VerdictCatalogue, K extends keyof V & string = keyof V & string> = {
  [P in K]: { verdict: P; data: DataOf<V[P]> };
}[K];

export interface CheckContext<V extends VerdictCatalogue = VerdictCatalogue> {
  target: Target;
  /** The endpoint this run is for; undefined for target-wide checks. */
  endpoint?: Endpoint;
  http: HttpClient;
  signal: AbortSignal;
  log: Logger;
  report: ReportFn<V & typeof ENGINE_VERDICTS>;
  /** The service's own telemetry (observability: in the config); absent when none is configured. */
  telemetry?: Telemetry;
}

/** What a per-endpoint check sees: the endpoint is always there. */
export interface EndpointContext<V extends VerdictCatalogue = VerdictCatalogue> extends CheckContext<V> {
  endpoint: Endpoint;
}

export interface Check {
  meta: CheckMeta;
  /**
   * The endpoints it runs on, 'target' to run once for the whole target, or 'not-applicable' when
   * this kind of target has nothing for it at all (e.g. a spec-only check without --openapi): no row
   * in the report. An empty list is shown as a skip ("nothing in this config to look at").
   */
  endpoints(target: Target): Endpoint[] | 'target' | 'not-applicable';
  /** Findings are what the check reports through ctx.report; the engine collects them. */
  run(ctx: CheckContext): Promise<void>;
}
