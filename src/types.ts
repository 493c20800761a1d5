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
  /** The request's time on the wire clock (src/http/wire-clock.ts); for a failed exchange, until it failed. */
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
