// The stack the fixes are tailored to (report.stack) and each finding's fix in that stack
// (finding.stackRemediation), said the same way by every format.
import type { ReportingDescriptor } from 'sarif';
import type { Finding } from '../types.js';
import type { StackRemediation } from '../stack/types.js';
import { allFindings } from './common.js';
import type { Report } from './types.js';

/** "FastAPI / Starlette (detected: …; …)", "not recognised …", or undefined when the report predates stack packs. */
export function stackHeadline(report: Report): string | undefined {
  const stack = report.stack;
  if (!stack) return undefined;
  if (!stack.stacks.length)
    return 'not recognised from the answers: fixes are generic (name it with stack: in the config, e.g. stack: [fastapi, nginx])';
  const how = stack.source === 'config' ? 'named in the config' : 'detected';
  return stack.stacks
    .map((match) => `${match.name} (${stack.source === 'config' ? how : `${how}: ${match.evidence.join('; ')}`})`)
    .join(' + ');
}

/** The stacks' fixes for a finding: what to show under it ("In FastAPI / Starlette: …" and the snippet). */
export function stackFixes(finding: Finding): readonly StackRemediation[] {
  return finding.status === 'pass' || finding.status === 'skip' || finding.status === 'error' ? [] : (finding.stackRemediation ?? []);
}

/** "In FastAPI / Starlette: …": the line every text format puts under the finding. */
export function stackFixLine(fix: StackRemediation): string {
  return `In ${fix.name}: ${fix.fix}`;
}

/** A code block's language tag as given, when it is a plain word (a saved report is untrusted). */
export function snippetLanguage(fix: StackRemediation): string {
  return fix.language && /^[A-Za-z0-9+#-]{1,20}$/.test(fix.language) ? fix.language : '';
}

/** SARIF rule help gains each stack's fix for that verdict (from the first finding that has one). */
export function withStackHelp(rules: ReportingDescriptor[], report: Report): ReportingDescriptor[] {
  const byRule = new Map<string, readonly StackRemediation[]>();
  for (const finding of allFindings(report))
    if (finding.stackRemediation?.length && !byRule.has(finding.id)) byRule.set(finding.id, finding.stackRemediation);
  for (const rule of rules) {
    const fixes = byRule.get(rule.id);
    if (!fixes || !rule.help) continue;
    const text = fixes.map((fix) => `${stackFixLine(fix)}${fix.snippet ? `\n${fix.snippet}` : ''}`).join('\n\n');
    const markdown = fixes
      .map((fix) => `**In ${fix.name}:** ${fix.fix}${fix.snippet ? `\n\n\`\`\`\`${snippetLanguage(fix)}\n${fix.snippet}\n\`\`\`\`` : ''}`)
      .join('\n\n');
    rule.help = { text: `${rule.help.text}\n\n${text}`, markdown: `${rule.help.markdown ?? rule.help.text}\n\n${markdown}` };
  }
  return rules;
}
