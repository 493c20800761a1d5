import type { Finding, ItemId, ItemStatus, SourceLocation } from '../types.js';
import type { CheckMeta } from '../check-api/contract.js';

/** 2: findings carry id, key and data from the verdict catalogue. Version 1 reports are still read (src/report/load.ts). */
export const REPORT_SCHEMA_VERSION = 2;

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

export interface ItemReport {
  id: ItemId;
  title: string;
  status: ItemStatus;
  /** 0–100, or null when nothing in the item could be decided. */
  score: number | null;
  /** The item's weight in the total: the heaviest severity among its decided findings. */
  weight: number;
  findings: Finding[];
}

/** The one report object; every format is rendered from it (design.md, "Report JSON"). */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: string; version: string };
  target: { name: string; baseUrl: string };
  startedAt: string;
  durationMs: number;
  requests: number;
  score: number | null;
  grade: Grade;
  gate: { passed: boolean; failUnder: number; reasons: string[] };
  items: ItemReport[];
  /** The checks that ran, so a reader can look up why a finding matters. */
  checks: CheckMeta[];
  /** Run-level notes: rate limiting met, budget spent, waivers that expired or matched nothing. */
  notes: string[];
  /** Where the OpenAPI document the audit found on the target was served, and whether without credentials. */
  discovered?: { url: string; public: boolean };
  options: { allowWrites: boolean; only: string[]; skip: string[] };
  /** Where write probes went: configured write endpoints, and spec-only write operations (probed read-only unless allowSpecWrites). */
  writeScope?: { configured: number; specOnly: number; specWritable: number; specWrites: boolean | string[] };
  /** How many configured endpoints answered the existence probe before the checks (absent ones are judged by no check). */
  coverage?: { endpoints: number; answered: number; absent: number; notProbed: number };
  /** The run was stopped by this signal before it finished: a partial report, unprobed work marked error. */
  interrupted?: 'SIGINT' | 'SIGTERM';
  /** The framework and proxy the remediation is tailored to (detected from the answers, or `stack:` in the config), with why. */
  stack?: import('../stack/types.js').StackReport;
  /** What the audit's write probes created on the target, and what cleanup did with it (absent: nothing created). */
  created?: CreatedResource[];
  /** Where findings point in the user's files (SARIF locations); absent when the config was not read from a file. */
  sources?: ReportSources;
}

/** The config's target: line, and each endpoint's line in the config or its OpenAPI file, by endpoint label. */
export interface ReportSources {
  config?: SourceLocation;
  endpoints: Record<string, SourceLocation>;
}

/** A record a write probe created on the target (201/202 with a Location, or an id in a 2xx JSON answer to POST). */
export interface CreatedResource {
  /** The request that created it: "POST http://host/api/orders". */
  request: string;
  status: number;
  /** The exchange's id in the run. */
  exchangeId: number;
  /** The creating request as a curl line (secrets as $VAR or masked). */
  curl: string;
  /** The size of the creating request's body (oversized probes are deleted first). */
  requestBodyBytes?: number;
  id?: string;
  /** The Location it was created at, absolute. */
  location?: string;
  /** The DELETE that removes it, where the API has one: its Location, or a DELETE endpoint on the item path. */
  delete?: { url: string; curl: string; from: 'location' | 'endpoint' };
  /** Why it is never deleted: the URL the server named is not provably this record (outside the collection). */
  notDeletable?: string;
  /** With cleanup: whether it was deleted, and why not. */
  cleanup?: {
    deleted: boolean;
    message: string;
    status?: number;
    /** Why a DELETE was refused, in the API's own words (its error message, one line, redacted). */
    reason?: string;
  };
}
