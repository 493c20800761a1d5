// The contracts that hold the project together (see ../shared/design.md).
// Checks, the runner, scoring and every reporter speak only these shapes.

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Weights from design.md: an item's score is the weighted share of its decided findings that pass. */
export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 10, high: 5, medium: 2, low: 1 };

/** The checklist, in report order. Ids are fixed: reports, JUnit, waivers and `--only` use them. */
export const CHECKLIST = [
  { id: 'list-caps', title: 'List endpoints cap size and paginate' },
  { id: 'size-caps', title: 'Request size caps' },
  { id: 'error-hygiene', title: 'Errors have one stable shape and leak nothing' },
  { id: 'default-deny', title: 'Auth is default-deny, no admin surface on the public host' },
  { id: 'background-work', title: 'Slow work is not inside the request' },
  { id: 'idempotency', title: 'Write endpoints honour Idempotency-Key' },
  { id: 'request-id', title: 'Every request has a request id' },
  { id: 'latency', title: 'Latency within thresholds and a fast health endpoint' },
  { id: 'observability', title: 'Metrics, alert rules and logs see the traffic' },
] as const;
export type ItemId = (typeof CHECKLIST)[number]['id'];

export type FindingStatus = 'pass' | 'warn' | 'fail' | 'error' | 'skip' | 'waived';
export type ItemStatus = FindingStatus;

export type EndpointKind = 'list' | 'read' | 'write' | 'async';

export interface Pagination {
  limitParam?: string;
  cursorParam?: string;
  cursorField?: string;
  dataField?: string;
  idField: string;
  maxLimit: number;
  maxPages: number;
}

export interface Endpoint {
  /** "GET /api/orders/{id}": how reports, waivers and `--only` name it. */
  label: string;
  method: string;
  /** The configured path template, e.g. /api/orders/{id}. */
  path: string;
  kind: EndpointKind;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  pagination?: Pagination;
  /** True when the path is in publicPaths: anonymous access is expected. */
  public: boolean;
  /** What the OpenAPI document says about this operation, when the audit was given one (--openapi). */
  spec?: EndpointSpec;
  /** True when only the OpenAPI document lists it (audit --openapi): the budget plan samples configured endpoints first. */
  fromSpec?: boolean;
  /** Its line in the config file (1-based), for SARIF locations. */
  line?: number;
}

/** A file (as a report names it: relative to the working directory) and a 1-based line in it. */
export interface SourceLocation {
  uri: string;
  line: number;
}

/**
 * An operation as its OpenAPI document describes it (src/openapi). Schemas are OpenAPI Schema
 * Objects, dereferenced; a circular reference is left as { $ref: "#/components/schemas/..." }.
 */
export interface EndpointSpec {
  /** Where it came from: "openapi.yaml#/paths/~1orders/get". */
  source: string;
  /** The operation's line in a spec file (not a URL), for SARIF locations. */
  location?: SourceLocation;
  operationId?: string;
  /** The documented response codes, as written: "200", "4XX", "default". */
  responses: string[];
  /** The schema of the first documented 2xx JSON response. */
  successSchema?: unknown;
  /** The schema of the first documented 4xx/5xx/default JSON response. */
  errorSchema?: unknown;
  /**
   * How the documented operation lets a client reach the next page: dot paths of response fields
   * (next_cursor, links.next, has_more, total), response headers (Link, X-Next) and request
   * parameters (cursor, page, offset). All empty: it documents no way past the first page.
   */
  pagination: { fields: string[]; headers: string[]; params: string[] };
  hasPaginationField: boolean;
  /** The operation's tags: the budget plan spreads its samples across them. */
  tags?: string[];
}

/** The OpenAPI document an audit was given (--openapi), for checks that compare against it. */
export interface TargetSpec {
  source: string;
  title: string;
  version: string;
  /** "3.0.3", "3.1.0": 3.0 schemas use nullable, 3.1 schemas are JSON Schema 2020-12. */
  openapi: string;
  /** "Swagger 2.0" when the document was converted to OpenAPI 3 on reading. */
  convertedFrom?: string;
  /** The error body the document describes most often across 4xx/5xx/default responses. */
  errorSchema?: unknown;
  /** The operations (as "GET /path") whose documented errors use errorSchema. */
  errorSchemaUsedBy: string[];
}

export interface Waiver {
  check: string;
  endpoint?: string;
  reason: string;
  expires: string;
}

export interface Limits {
  concurrency: number;
  requestsPerSecond: number;
  maxRequests: number;
  timeoutMs: number;
  maxResponseBytes: number;
  maxDurationMs: number;
  /** How long to wait for a target that stopped answering mid-run to come back. */
  recoveryMs: number;
}

export interface Thresholds {
  p95Ms: number;
  p99Ms: number;
  slowMs: number;
  healthMs: number;
  failUnder: number;
}

export interface IdempotencyConfig {
  header: string;
  required: boolean;
  quoted: boolean;
  ignoreFields: string[];
  idField: string;
  verify?: string;
}

/** The validated, defaulted config: what the runner and checks read. */
export interface Target {
  name: string;
  baseUrl: string;
  /** Where the config came from, for messages. */
  configFile?: string;
  /** The config file's URI and the line of its target: key, when it was read from a file (for SARIF locations). */
  configLocation?: SourceLocation;
  auth: {
    headers: Record<string, string>;
    query: Record<string, string>;
    /** More credential sets by name (auth.identities), e.g. a second user for the cross-user check. */
    identities?: Record<string, Credentials>;
  };
  /** Look for an OpenAPI document the target serves when no --openapi is given (default true). */
  discover?: boolean;
  /** Where a served OpenAPI document was found by discovery, and whether it answered without credentials. */
  discovered?: { url: string; public: boolean };
  publicPaths: string[];
  endpoints: Endpoint[];
  health?: string;
  allowWrites: boolean;
  /** allowSpecWrites: spec-only operations that may get write probes (true: all of them). Default none. */
  allowSpecWrites?: boolean | string[];
  requestId: { header: string };
  limits: Limits;
  thresholds: Thresholds;
  latency: { samples: number; concurrency: number; maxSeconds: number };
  idempotency: IdempotencyConfig;
  waivers: Waiver[];
  tls: { insecure: boolean; ca?: string };
  /** Values that must never be printed (credentials, env values used by the config). */
  secrets: Secret[];
  /** The OpenAPI document merged in with --openapi. */
  spec?: TargetSpec;
  /** Delete what the write probes created at the end of the run (cleanup: true or --cleanup). */
  cleanup?: boolean;
  /** Stack packs named by `stack:` in the config: the report's remediation is tailored to them instead of the detected stack. */
  stack?: string[];
  /** Config problems that did not stop the load (headers ignored), one line each, for stderr. */
  warnings?: string[];
  /** Where the service's metrics, alert rules and logs are read (checklist item 9); absent: not audited. */
  observability?: import('./telemetry/types.js').ObservabilityConfig;
}

/** One credential set: headers and query parameters that make a request come from that identity. */
export interface Credentials {
  headers: Record<string, string>;
  query: Record<string, string>;
}

export interface Secret {
  value: string;
  /** The env var it came from, so a curl line can say "$VAR" instead of the value. */
  envVar?: string;
}

/** One request/response pair, redacted, as stored in findings and reports. */
export interface Exchange {
  id: number;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBodyExcerpt?: string;
  requestBodyBytes?: number;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBodyExcerpt?: string;
  /** Bytes of (decoded) body read. */
  responseBytes?: number;
  /** True when the body was cut at maxResponseBytes (the rest was discarded unread). */
  truncated?: boolean;
  durationMs: number;
  startedAt: string;
  /** Why no (complete) response came back: timeout, reset, budget, ... */
  error?: { code: string; message: string };
  /** A note from the client, e.g. "redirect to another origin not followed". */
  note?: string;
  /** Set when this is the second try of an idempotent probe: how the first one failed (a reset before any answer). */
  retried?: { code: string; message: string };
  curl: string;
}

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

export interface Finding {
  /** "check/verdict", e.g. request-id/notEchoed: what baselines, waivers, SARIF and tests name. */
  id: string;
  /**
   * Stable across runs and independent of order and timing: check/probe, endpoint and the probe's
   * own key (e.g. limit=1000000). Baselines pair findings by it.
   */
  key: string;
  checkId: string;
  item: ItemId;
  severity: Severity;
  /** "GET /api/orders" or "*" for the whole target. */
  endpoint: string;
  status: FindingStatus;
  message: string;
  evidence: Exchange[];
  remediation?: string;
  reproduce?: string;
  /** The verdict's placeholder values, plus figures a reporter may chart (percentiles, created ids, ...). */
  data?: Record<string, unknown>;
  waiver?: { reason: string; expires: string };
  /** How the report's stacks (report.stack) fix this verdict, one entry per stack whose pack has one (stacks/). */
  stackRemediation?: import('./stack/types.js').StackRemediation[];
}

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
   * budget plan (src/runner/plan.ts) sizes its samples with it. Without it the plan uses its own table.
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

type Placeholders<S extends string> = import('./check-api/template.js').Placeholders<S>;
type DataOf<V extends VerdictSpec> = { [P in Placeholders<V['message']> | Placeholders<NonNullable<V['remediation']>>]: unknown } & Record<
  string,
  unknown
>;

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

export interface CheckContext<V extends VerdictCatalogue = VerdictCatalogue> {
  target: Target;
  /** The endpoint this run is for; undefined for target-wide checks. */
  endpoint?: Endpoint;
  http: import('./http/types.js').HttpClient;
  signal: AbortSignal;
  log: Logger;
  report: ReportFn<V & typeof import('./check-api/engine-verdicts.js').ENGINE_VERDICTS>;
  /** The service's own telemetry (observability: in the config); absent when none is configured. */
  telemetry?: import('./telemetry/types.js').Telemetry;
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
  applies(target: Target): Endpoint[] | 'target' | 'not-applicable';
  /** Findings are what the check reports through ctx.report; the engine collects them. */
  run(ctx: CheckContext): Promise<void>;
}
