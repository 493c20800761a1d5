import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * A validator for the OASIS SARIF 2.1.0 schema (errata01), kept under test/fixtures/sarif (from the
 * OASIS TC's sarif-spec repository, sarif-2.1/schema). It is draft-04, hence ajv-draft-04.
 */
export function sarifValidator(): (data: unknown) => { valid: boolean; errors: string[] } {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json');
  const ajv = new Ajv04({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
  return (data) => {
    const valid = validate(data) as boolean;
    return { valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`) };
  };
}

interface SarifLike {
  version?: string;
  runs?: Array<{
    tool?: { driver?: { name?: string; rules?: Array<Record<string, any>> } };
    results?: Array<Record<string, any>>;
  }>;
}

/**
 * What GitHub code scanning documents it needs from an uploaded SARIF file ("SARIF support for code
 * scanning", docs.github.com), beyond the OASIS schema: version 2.1.0; a tool.driver.name; rules with
 * an id, shortDescription.text and fullDescription.text (shown at the top of an alert) and a numeric
 * security-severity; results with a ruleId, message.text and at least one location whose
 * physicalLocation has an artifactLocation.uri relative to the repository (a non-file scheme fails the
 * upload: "unrecognized SARIF location URI scheme") and a region.startLine; at most 25,000 results and
 * rules per run, 20 tags per rule, 10 locations shown per result. One problem per line.
 */
export function githubUploadProblems(log: SarifLike): string[] {
  const problems: string[] = [];
  if (log.version !== '2.1.0') problems.push(`version ${log.version}: code scanning reads 2.1.0 only`);
  for (const [r, run] of (log.runs ?? []).entries()) {
    const driver = run.tool?.driver;
    if (!driver?.name) problems.push(`runs[${r}]: no tool.driver.name`);
    const rules = driver?.rules ?? [];
    const results = run.results ?? [];
    if (rules.length > 25_000) problems.push(`runs[${r}]: ${rules.length} rules, over 25,000`);
    if (results.length > 25_000) problems.push(`runs[${r}]: ${results.length} results, over 25,000`);
    for (const rule of rules) {
      if (!rule.shortDescription?.text) problems.push(`rule ${rule.id}: no shortDescription.text`);
      if (!rule.fullDescription?.text) problems.push(`rule ${rule.id}: no fullDescription.text`);
      if (/\{[A-Za-z_][\w.]*\}/.test(rule.fullDescription?.text ?? '')) problems.push(`rule ${rule.id}: fullDescription is a template`);
      const severity = rule.properties?.['security-severity'];
      if (severity !== undefined && !/^\d+(\.\d+)?$/.test(String(severity)))
        problems.push(`rule ${rule.id}: security-severity ${severity}`);
      if ((rule.properties?.tags ?? []).length > 20) problems.push(`rule ${rule.id}: more than 20 tags`);
    }
    for (const [i, result] of results.entries()) {
      const where = `runs[${r}].results[${i}] (${result.ruleId})`;
      if (!result.ruleId) problems.push(`${where}: no ruleId`);
      if (!result.message?.text) problems.push(`${where}: no message.text`);
      const physical = result.locations?.[0]?.physicalLocation;
      const uri: unknown = physical?.artifactLocation?.uri;
      if (typeof uri !== 'string' || !uri) problems.push(`${where}: no physicalLocation.artifactLocation.uri`);
      else if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('file:')) problems.push(`${where}: URI scheme of ${uri}`);
      else if (uri.startsWith('/') || uri.startsWith('..')) problems.push(`${where}: ${uri} is not relative to the repository`);
      if (!Number.isInteger(physical?.region?.startLine) || physical.region.startLine < 1) problems.push(`${where}: no region.startLine`);
    }
  }
  return problems;
}
