// The one place a Report is made. The audit, the interrupt path (stopped before any check ran) and
// discovery all hand over what they know; nothing edits a report after it is built. It is also the
// redaction door for run-level text (docs/architecture.md, "Redaction"): whoever wrote a note, a gate
// fact or a created record handed it over raw, and it passes the run's redactor here, once.
import type { CheckMeta } from '../check-api/contract.js';
import { redactStrings } from '../http/redact.js';
import { TOOL_NAME, toolVersion } from '../package-info.js';
import { sourcesOf } from '../report/sources.js';
import { type CreatedResource, REPORT_SCHEMA_VERSION, type Report } from '../report/types.js';
import { gateOf, gradeOf, type RunFacts, scoreItems, totalScore } from '../scoring/score.js';
import type { StackReport } from '../stack/types.js';
import type { Finding, Target } from '../types.js';

/** What an audit collected: its findings (ordered, waived, tailored to the stack) and the facts of the run. */
export interface AuditRun {
  requests: number;
  findings: Finding[];
  /** The checks that ran (and the engine's existence probe when it found absent endpoints). */
  checks: CheckMeta[];
  /** Run-level notes, in the order they were met; raw here, redacted by buildReport. */
  notes: string[];
  /** What the gate needs to know beyond the findings: how many endpoints were judged, whether the target went down. */
  facts: RunFacts;
  coverage: NonNullable<Report['coverage']>;
  writeScope: NonNullable<Report['writeScope']>;
  /** What the run created on the target, raw (cleanup needs the real ids and URLs); redacted by buildReport. */
  created: CreatedResource[];
  stack: StackReport;
}

export interface ReportInputs {
  /** The audited target (name, base URL, thresholds, and the spec it was given or discovered). */
  target: Target;
  /**
   * The run's redactor: the target's name and base URL, every note, gate reason and created record, the
   * sources and the discovered URL pass through it here, once.
   */
  redact: (text: string) => string;
  options: { only?: string[]; skip?: string[] };
  startedAt: Date;
  durationMs: number;
  /** What the audit collected; absent when the run was stopped before any check ran. */
  run?: AuditRun;
  /** The signal that stopped the run: the report is partial and its gate fails saying so. */
  interrupted?: NonNullable<Report['interrupted']>;
}

export function buildReport(inputs: ReportInputs): Report {
  const { target, redact, interrupted } = inputs;
  const report = inputs.run ? auditedReport(inputs, inputs.run) : notCheckedReport(inputs);
  return {
    ...report,
    notes: [...report.notes, ...specNotes(target)].map(redact),
    ...(interrupted
      ? {
          interrupted,
          gate: {
            ...report.gate,
            passed: false,
            reasons: [
              `interrupted (${interrupted}) before the audit finished: this report is partial, and what was not probed is marked error`,
              ...report.gate.reasons,
            ],
          },
        }
      : {}),
    ...(target.discovered ? { discovered: { url: redact(target.discovered.url), public: target.discovered.public } } : {}),
  };
}

function auditedReport(inputs: ReportInputs, run: AuditRun): Report {
  const { target, redact } = inputs;
  const items = scoreItems(run.findings);
  const score = totalScore(items);
  const sources = sourcesOf(target, redact);
  const gate = gateOf(score, items, target.thresholds.failUnder, run.facts);
  return {
    ...head(inputs),
    requests: run.requests,
    score,
    grade: gradeOf(score),
    gate: { ...gate, reasons: gate.reasons.map(redact) },
    items,
    checks: run.checks,
    coverage: run.coverage,
    notes: run.notes,
    options: optionsOf(inputs),
    writeScope: run.writeScope,
    ...(run.created.length ? { created: redactStrings(run.created, redact) } : {}),
    stack: run.stack,
    ...(sources ? { sources } : {}),
  };
}

/** Stopped while the target was still being checked: every item undecided, so the --output files still say what happened. */
function notCheckedReport(inputs: ReportInputs): Report {
  return {
    ...head(inputs),
    requests: 0,
    score: null,
    grade: 'F',
    gate: { passed: false, failUnder: inputs.target.thresholds.failUnder, reasons: [] },
    items: scoreItems([]).map((item) => ({ ...item, status: 'error' as const })),
    checks: [],
    notes: ['no check ran: the run was stopped while the target was being checked'],
    options: optionsOf(inputs),
  };
}

function head(inputs: ReportInputs): Pick<Report, 'schemaVersion' | 'tool' | 'target' | 'startedAt' | 'durationMs'> {
  const { target, redact } = inputs;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: toolVersion() },
    target: { name: redact(target.name), baseUrl: redact(target.baseUrl) },
    startedAt: inputs.startedAt.toISOString(),
    durationMs: inputs.durationMs,
  };
}

const optionsOf = (inputs: ReportInputs): Report['options'] => ({
  allowWrites: inputs.target.allowWrites,
  only: inputs.options.only ?? [],
  skip: inputs.options.skip ?? [],
});

/** Where the endpoints came from when not only from the config: a converted Swagger 2 document, a document the target serves. */
function specNotes(target: Target): string[] {
  const notes: string[] = [];
  if (target.spec?.convertedFrom)
    notes.push(`the OpenAPI document ${target.spec.source} was converted from ${target.spec.convertedFrom} (swagger2openapi) before use`);
  if (target.discovered) {
    const { url, public: open } = target.discovered;
    notes.push(
      `used the OpenAPI document the target serves at ${url} (found without --openapi; ${open ? 'public: it answered without credentials' : 'it needed the configured credentials'}); its operations the config does not list were probed too (--no-discover turns this off)`,
    );
  }
  return notes;
}
