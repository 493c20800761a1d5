// SARIF 2.1.0 (OASIS), the format code-scanning tools read: one rule per verdict of the catalogue,
// one result per fail/warn finding (and per waived one, as a suppressed result). Rule ids are the
// finding ids (check/verdict), so a result stays the same alert from run to run; the finding key
// is the partial fingerprint that tells two results of one rule apart.
import { createHash } from 'node:crypto';
import type { Log, PhysicalLocation, ReportingDescriptor, Result } from 'sarif';
import { ENGINE_VERDICTS } from '../check-api/engine-verdicts.js';
import type { Finding, Severity } from '../types.js';
import type { CheckMeta, VerdictSpec } from '../check-api/contract.js';
import { allFindings, notAuditedItems } from './common.js';
import { text as markdownText } from './markdown.js';
import { locationOf } from './sources.js';
import type { Report } from './types.js';
import { withStackHelp } from './stack.js';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** GitHub maps security-severity to critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low below. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '7.5', medium: '5.0', low: '2.0' };

type Level = 'error' | 'warning' | 'note' | 'none';

function levelOf(status: VerdictSpec['status'], severity: Severity): Level {
  if (status === 'fail') return severity === 'critical' || severity === 'high' ? 'error' : 'warning';
  if (status === 'warn') return 'warning';
  return status === 'error' ? 'note' : 'none';
}

function rulesOf(check: CheckMeta): ReportingDescriptor[] {
  const verdicts: Array<[string, VerdictSpec]> = [...Object.entries(check.verdicts ?? {}), ...Object.entries(ENGINE_VERDICTS)];
  return verdicts.map(([verdict, spec]) => {
    const severity = spec.severity ?? check.severity;
    const remediation = spec.remediation ?? check.remediation;
    return {
      id: `${check.id}/${verdict}`,
      name: `${check.id}/${verdict}`,
      shortDescription: { text: `${check.title}: ${verdict} (${spec.status})` },
      // The rule, not one result: what the check looks at and why, with no {placeholder} left in it.
      fullDescription: { text: `${check.title}. ${check.rationale}` },
      help: { text: remediation, markdown: `${remediation}\n\nWhy it matters: ${check.rationale}` },
      defaultConfiguration: { level: levelOf(spec.status, severity) },
      properties: {
        'security-severity': SECURITY_SEVERITY[severity],
        precision: 'high',
        tags: ['security', 'api', check.item],
        checklistItem: check.item,
        status: spec.status,
      },
    };
  });
}

/** The config line of the finding's endpoint (or the operation in the OpenAPI file, or the config's target: line). */
function physicalLocationOf(report: Report, endpoint: string): { physicalLocation?: PhysicalLocation } {
  const where = locationOf(report, endpoint);
  return where ? { physicalLocation: { artifactLocation: { uri: where.uri }, region: { startLine: where.line } } } : {};
}

function resultOf(finding: Finding, report: Report, ruleIndex: number | undefined): Result {
  // Code-scanning UIs render message.text as Markdown: the target's text in it (paths, bodies) is made
  // literal, URLs become code spans, so a served path cannot turn into a link or markup.
  const reproduce = finding.reproduce ? `\nReproduce: ${markdownText(finding.reproduce)}` : '';
  return {
    ruleId: finding.id,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: finding.status === 'waived' ? 'warning' : levelOf(finding.status === 'warn' ? 'warn' : 'fail', finding.severity),
    kind: 'fail',
    message: { text: `${markdownText(finding.message)}${reproduce}` },
    locations: [
      {
        ...physicalLocationOf(report, finding.endpoint),
        logicalLocations: [
          { name: finding.endpoint, fullyQualifiedName: `${report.target.baseUrl} ${finding.endpoint}`, kind: 'resource' },
        ],
      },
    ],
    partialFingerprints: {
      'preflightFindingKey/v1': createHash('sha256').update(`${report.target.baseUrl}\u0000${finding.key}`).digest('hex'),
    },
    ...(finding.waiver
      ? {
          suppressions: [
            { kind: 'external', status: 'accepted', justification: `${finding.waiver.reason} (until ${finding.waiver.expires})` },
          ],
        }
      : {}),
    properties: {
      key: finding.key,
      endpoint: finding.endpoint,
      status: finding.status,
      severity: finding.severity,
      ...(finding.remediation ? { remediation: finding.remediation } : {}),
    },
  };
}

export function renderSarif(report: Report): string {
  const rules = withStackHelp(report.checks.flatMap(rulesOf), report);
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const results = allFindings(report)
    .filter((finding) => finding.status === 'fail' || finding.status === 'warn' || finding.status === 'waived')
    .map((finding) => resultOf(finding, report, index.get(finding.id)));
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: report.tool.name, version: report.tool.version, semanticVersion: report.tool.version, rules } },
        automationDetails: { id: `api-preflight/${report.target.name}/` },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: report.startedAt,
            properties: { gatePassed: report.gate.passed, gateReasons: report.gate.reasons },
            // An item nothing was configured for produces no result; this says why (the tool's own text).
            toolExecutionNotifications: notAuditedItems(report).map((item) => ({
              level: 'note' as const,
              message: { text: `${item.id}: ${item.reason}` },
            })),
          },
        ],
        results,
        properties: { target: report.target, score: report.score, grade: report.grade, requests: report.requests },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
