// Reads a saved JSON report (`preflight report saved.json`, `--baseline previous.json`) and checks it
// against schema/report.schema.json, so a wrong file is a one-line usage error, not a crash mid-render.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { UsageError } from '../config/errors.js';
import { packageRoot } from '../package-info.js';
import { REPORT_SCHEMA_VERSION, type Report } from './types.js';

const compiled: Partial<Record<1 | 2, ValidateFunction>> = {};
/** Deeper than any report this tool writes (about 10 levels): a file nested past it is refused unread. */
export const MAX_REPORT_DEPTH = 64;

/**
 * The shipped schema's validator; for version 1 the same schema with the fields version 2 added to
 * findings (id, key) optional, so a version 1 file is validated before it is upgraded.
 */
async function validator(version: 1 | 2): Promise<ValidateFunction> {
  const cached = compiled[version];
  if (cached) return cached;
  // ajv is loaded only when a saved report is read.
  const { default: Ajv } = await import('ajv');
  const { default: addFormats } = await import('ajv-formats');
  const ajv = new Ajv.default({ allErrors: false, strict: false, allowUnionTypes: true });
  addFormats.default(ajv);
  const schema = JSON.parse(readFileSync(join(packageRoot(), 'schema', 'report.schema.json'), 'utf8')) as {
    properties: { schemaVersion: unknown };
    definitions: { finding: { required: string[] } };
  };
  if (version === 1) {
    schema.properties.schemaVersion = { const: 1 };
    schema.definitions.finding.required = schema.definitions.finding.required.filter((field) => field !== 'id' && field !== 'key');
  }
  compiled[version] = ajv.compile(schema);
  return compiled[version];
}

/** How deeply arrays and objects nest in a JSON text (strings skipped): linear, no recursion. */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) max = Math.max(max, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return max;
}

/** The report in `file` (relative to cwd), validated. Throws UsageError (exit 2) naming the file and the problem. */
export async function loadReportFile(file: string, cwd: string, role = 'report'): Promise<Report> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: cannot read the ${role} (${code === 'ENOENT' ? 'no such file' : (code ?? 'read error')})`);
  }
  if (jsonNestingDepth(text) > MAX_REPORT_DEPTH) {
    throw new UsageError(`${file}: not a valid preflight ${role}: it is nested more than ${MAX_REPORT_DEPTH} levels deep`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${file}: the ${role} is not JSON (${error instanceof Error ? error.message : String(error)}); save one with --format json or --output report.json`,
    );
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== 1 && version !== REPORT_SCHEMA_VERSION) {
    throw new UsageError(
      `${file}: the ${role} has schemaVersion ${JSON.stringify(version)}, this preflight reads ${REPORT_SCHEMA_VERSION}; re-run the audit with this version`,
    );
  }
  const validate = await validator(version);
  if (!validate(data)) {
    const first = validate.errors?.[0];
    const where = first?.instancePath || '(top level)';
    throw new UsageError(
      `${file}: not a valid preflight ${role}: ${where} ${first?.message ?? 'is invalid'} (see schema/report.schema.json)`,
    );
  }
  return version === 1 ? upgradeFromVersion1(data as Report) : (data as Report);
}

/** Reports written before the verdict catalogue (schemaVersion 1): still read, but findings have no identity. */
const fromVersion1 = new WeakSet<Report>();

export function isVersion1(report: Report): boolean {
  return fromVersion1.has(report);
}

/**
 * A version 1 finding has no id or key: it gets check/<status> and a key by position within its
 * check and endpoint (how version 1 baselines paired findings), so it renders and compares as before.
 */
function upgradeFromVersion1(report: Report): Report {
  const seen = new Map<string, number>();
  for (const item of Array.isArray((report as { items?: unknown }).items) ? report.items : []) {
    for (const finding of Array.isArray(item.findings) ? item.findings : []) {
      const base = `${finding.checkId}@${finding.endpoint}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      finding.id = `${finding.checkId}/${finding.status}`;
      finding.key = `${base}#${n}`;
    }
  }
  const upgraded = { ...report, schemaVersion: REPORT_SCHEMA_VERSION } as Report;
  fromVersion1.add(upgraded);
  return upgraded;
}
