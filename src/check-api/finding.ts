// How the engine turns ctx.report(verdict, data, evidence) into a Finding: the verdict's template
// rendered with the data, severity and remediation from the verdict or the check, a stable key,
// and every string passed through the run's redactor before anything can print it. This is the door
// for what checks report (docs/architecture.md, "Redaction"): checks read raw bodies and never redact.
import { redactStrings } from '../http/redact.js';
import type { Exchange, Finding } from '../types.js';
import type { CheckMeta, ReportOptions, VerdictSpec } from './contract.js';
import { ENGINE_VERDICTS, isEngineVerdict } from './engine-verdicts.js';
import { renderTemplate } from './template.js';

/** Evidence kept per finding: enough to show what happened, bounded so reports stay small. */
export const MAX_EVIDENCE = 5;

export function verdictOf(meta: CheckMeta, verdict: string): VerdictSpec {
  const spec = isEngineVerdict(verdict)
    ? ENGINE_VERDICTS[verdict]
    : Object.hasOwn(meta.verdicts, verdict)
      ? meta.verdicts[verdict]
      : undefined;
  if (!spec) throw new Error(`${meta.id} reported verdict "${verdict}", which its meta.verdicts does not declare`);
  return spec;
}

/** check/probe@endpoint#key: the same probe of the same endpoint has the same key in every run. */
export function findingKey(checkId: string, probe: string, endpoint: string, key?: string | number): string {
  return `${checkId}/${probe}@${endpoint}${key === undefined || key === '' ? '' : `#${key}`}`;
}

export function makeFinding(
  meta: CheckMeta,
  endpoint: string,
  verdict: string,
  data: Record<string, unknown>,
  evidence: readonly Exchange[],
  options: ReportOptions,
  redact: (text: string) => string,
): Finding {
  const spec = verdictOf(meta, verdict);
  const kept = evidence.slice(0, MAX_EVIDENCE);
  const reproduce = (options.reproduce ?? kept[0])?.curl;
  const where = redact(options.endpoint ?? endpoint);
  // A check's own key may name what it read (a path with a listed id): it passes the door like the data.
  const key = typeof options.key === 'string' ? redact(options.key) : options.key;
  // Checks put request bodies, ids and paths in data; the redactor sees every string in it.
  const clean = redactStrings(data, redact);
  const oneLine = (text: string): string => redact(text.replace(/\s*[\r\n]+\s*/g, ' '));
  return {
    id: `${meta.id}/${verdict}`,
    key: findingKey(meta.id, spec.probe ?? verdict, where, key),
    checkId: meta.id,
    item: meta.item,
    severity: spec.severity ?? meta.severity,
    endpoint: where,
    status: spec.status,
    message: oneLine(renderTemplate(spec.message, data, `${meta.id}/${verdict}`)),
    evidence: [...kept],
    // A verdict's remediation may use its placeholders; the check's own is plain text.
    remediation: redact(spec.remediation ? renderTemplate(spec.remediation, data, `${meta.id}/${verdict}`) : meta.remediation),
    ...(reproduce ? { reproduce } : {}),
    ...(Object.keys(clean).length ? { data: clean } : {}),
  };
}

/**
 * One run of a check may report the same key twice (a check that reports per probe without naming
 * it); the later ones get ~2, ~3 in report order, which is the check's own (deterministic) order.
 */
export function uniqueKeys(findings: Finding[]): Finding[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const n = (seen.get(finding.key) ?? 0) + 1;
    seen.set(finding.key, n);
    return n === 1 ? finding : { ...finding, key: `${finding.key}~${n}` };
  });
}
