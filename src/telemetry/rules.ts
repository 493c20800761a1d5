import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { ProbeError } from '../http/types.js';
import type { AlertRule } from './types.js';

const MAX_RULE_FILE_BYTES = 4 * 1024 * 1024;
const MAX_RULE_FILES = 200;

/** The files a pattern names: wildcards (* and ?) in the file name only, as in rules/*.yml. */
export function expandRuleFiles(patterns: readonly string[]): string[] {
  const files: string[] = [];
  for (const pattern of patterns) {
    const name = basename(pattern);
    if (!/[*?]/.test(name)) {
      files.push(pattern);
      continue;
    }
    const regex = new RegExp(
      `^${name
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')}$`,
    );
    let entries: string[];
    try {
      entries = readdirSync(dirname(pattern));
    } catch {
      throw new ProbeError('network', `observability.alertRules: folder ${dirname(pattern)} not found`);
    }
    for (const entry of entries.sort()) if (regex.test(entry)) files.push(`${dirname(pattern)}/${entry}`);
  }
  return files.slice(0, MAX_RULE_FILES);
}

/** The alerting rules (groups[].rules[] with alert:) of Prometheus rule files; recording rules are left out. */
export async function fileAlertRules(patterns: readonly string[], configDir: string): Promise<{ rules: AlertRule[]; files: string[] }> {
  const { parse } = await import('yaml');
  const files = expandRuleFiles(patterns);
  const rules: AlertRule[] = [];
  for (const file of files) {
    const near = relative(configDir, file);
    const shown = near && !near.startsWith('..') ? near : file;
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new ProbeError('network', `observability.alertRules: ${shown} not found`);
    }
    if (size > MAX_RULE_FILE_BYTES)
      throw new ProbeError('network', `observability.alertRules: ${shown} is over ${MAX_RULE_FILE_BYTES} bytes`);
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, 'utf8'), { maxAliasCount: 100 });
    } catch (error) {
      throw new ProbeError(
        'network',
        `observability.alertRules: ${shown} is not YAML (${error instanceof Error ? error.message.split('\n')[0] : ''})`,
      );
    }
    const groups = (doc as { groups?: unknown })?.groups;
    if (!Array.isArray(groups)) continue;
    for (const group of groups) {
      for (const rule of Array.isArray(group?.rules) ? group.rules : []) {
        if (typeof rule?.alert === 'string' && (typeof rule.expr === 'string' || typeof rule.expr === 'number'))
          rules.push({ name: rule.alert, expr: String(rule.expr), source: shown });
      }
    }
  }
  return { rules, files };
}
