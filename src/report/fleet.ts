// The fleet view: many services' JSON reports (one CI job each) merged into one summary: every
// service's score, grade, gate and top failures, worst first, and the checklist items failing across
// the most services. Nothing is probed; the CI system that ran the jobs is the distributed engine.
import { CHECKLIST, SEVERITY_WEIGHT, type ItemId, type Severity } from '../types.js';
import { allFindings, cut } from './common.js';
import type { Grade, Report } from './types.js';

export const FLEET_SCHEMA_VERSION = 1;
const TOP_FAILURES = 3;

export interface FleetFailure {
  item: ItemId;
  checkId: string;
  endpoint: string;
  severity: Severity;
  message: string;
}

export interface FleetService {
  /** The report file as given on the command line. */
  file: string;
  name: string;
  baseUrl?: string;
  startedAt?: string;
  requests?: number;
  score: number | null;
  grade: Grade | null;
  gate: { passed: boolean; reasons: string[] };
  /** Findings that could not be decided (status error). */
  undecided: number;
  failingItems: ItemId[];
  topFailures: FleetFailure[];
  /** Set when the report could not be read: the job that should have written it failed. */
  problem?: string;
}

export interface Fleet {
  schemaVersion: typeof FLEET_SCHEMA_VERSION;
  kind: 'preflight-fleet';
  generatedAt: string;
  passed: number;
  failed: number;
  /** Worst first: unreadable reports, then failed gates, then by score. */
  services: FleetService[];
  /** Every checklist item with the services where it fails, most services first. */
  items: Array<{ id: ItemId; title: string; failing: string[] }>;
}

export type FleetInput = { file: string; report: Report } | { file: string; problem: string };

export function mergeReports(inputs: readonly FleetInput[], now: Date = new Date()): Fleet {
  const services = inputs.map(serviceOf).sort(worstFirst);
  const items = CHECKLIST.map((item) => ({
    id: item.id,
    title: item.title,
    failing: services.filter((s) => s.failingItems.includes(item.id)).map((s) => s.name),
  }))
    .filter((item) => item.failing.length > 0)
    .sort((a, b) => b.failing.length - a.failing.length);
  const passed = services.filter((s) => s.gate.passed).length;
  return {
    schemaVersion: FLEET_SCHEMA_VERSION,
    kind: 'preflight-fleet',
    generatedAt: now.toISOString(),
    passed,
    failed: services.length - passed,
    services,
    items,
  };
}

function serviceOf(input: FleetInput): FleetService {
  if ('problem' in input) {
    return {
      file: input.file,
      name: input.file,
      score: null,
      grade: null,
      gate: { passed: false, reasons: [input.problem] },
      undecided: 0,
      failingItems: [],
      topFailures: [],
      problem: input.problem,
    };
  }
  const { report } = input;
  const findings = allFindings(report);
  const failures = findings
    .filter((f) => f.status === 'fail')
    .sort((a, b) => SEVERITY_WEIGHT[b.severity] - SEVERITY_WEIGHT[a.severity])
    .slice(0, TOP_FAILURES)
    .map((f) => ({ item: f.item, checkId: f.checkId, endpoint: f.endpoint, severity: f.severity, message: cut(f.message, 240) }));
  return {
    file: input.file,
    name: report.target.name,
    baseUrl: report.target.baseUrl,
    startedAt: report.startedAt,
    requests: report.requests,
    score: report.score,
    grade: report.grade,
    gate: { passed: report.gate.passed, reasons: report.gate.reasons },
    undecided: findings.filter((f) => f.status === 'error').length,
    failingItems: report.items.filter((item) => item.status === 'fail').map((item) => item.id),
    topFailures: failures,
  };
}

function worstFirst(a: FleetService, b: FleetService): number {
  const rank = (s: FleetService): number => (s.problem ? 0 : s.gate.passed ? 2 : 1);
  return rank(a) - rank(b) || (a.score ?? -1) - (b.score ?? -1) || a.name.localeCompare(b.name);
}
