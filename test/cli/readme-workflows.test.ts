// Issue 26 (3): every GitHub workflow snippet in the README installs this tool explicitly (the
// Action, or npm install of its git URL / tarball, then the local bin), never `npx <name>` from the
// registry; passes ${{ matrix.* }} (and every other expression) through env:, not into a script; and
// asks for security-events: write wherever it uploads SARIF.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string> | string;
  steps?: Step[];
}
interface Workflow {
  permissions?: Record<string, string> | string;
  jobs?: Record<string, Job>;
}

/** The fenced yaml blocks of the README that are workflows (they have steps, runs or uses). */
function workflowSnippets(markdown: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  for (const match of markdown.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)) {
    const text = match[1]!;
    if (/^\s*(-\s+)?(uses|run|steps|runs-on):/m.test(text)) out.push({ line: markdown.slice(0, match.index).split('\n').length, text });
  }
  return out;
}

const INSTALLS_THIS_TOOL = /npm (install|i)\b[^\n]*("?git\+https:\/\/[^\s"]*\/api-preflight\.git[^\s"]*"?|\S+\.tgz)/;
const USES_THE_ACTION = /^[\w.-]+\/api-preflight@/;

/** Every rule a snippet breaks, one line each. */
function workflowProblems(text: string): string[] {
  const problems: string[] = [];
  const workflow = parse(text) as Workflow;
  if (!workflow?.jobs) return ['not a whole workflow (no jobs:): a fragment cannot be checked or copied as is'];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    let installed = false;
    for (const step of job.steps ?? []) {
      if (step.uses && USES_THE_ACTION.test(step.uses)) installed = true;
      const script = step.run ?? '';
      if (script.includes('${{')) problems.push(`${name}: an expression inside run: (pass it through env:): ${script.split('\n')[0]}`);
      for (const npx of script.matchAll(/\bnpx\s+(?!--no-install\b|-p\s+\S+(\.tgz|\.git\S*)\s)(\S+)/g))
        problems.push(`${name}: npx ${npx[2]} fetches a package by name from the registry`);
      if (INSTALLS_THIS_TOOL.test(script)) installed = true;
      else if (/\bpreflight\s+(audit|report|init|plan|demo)\b/.test(script) && !installed)
        problems.push(`${name}: runs preflight before any step installs this tool`);
      const sarif = step.uses?.startsWith('github/codeql-action/upload-sarif') || /\.sarif\b/.test(String(step.with?.outputs ?? ''));
      const allowed = (p: Workflow['permissions']) => p === 'write-all' || (typeof p === 'object' && p['security-events'] === 'write');
      if (sarif && !allowed(job.permissions) && !allowed(workflow.permissions))
        problems.push(`${name}: uploads SARIF without permissions: security-events: write`);
    }
  }
  return problems;
}

describe('the README CI snippets', () => {
  const snippets = workflowSnippets(readFileSync('README.md', 'utf8'));

  it('are found: the nightly workflow, the code-scanning one and the fleet', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(3);
  });

  it('each installs this tool explicitly, keeps expressions out of scripts and has the permissions it needs', () => {
    const problems = snippets.flatMap(({ line, text }) => workflowProblems(text).map((p) => `README.md:${line}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('the rules catch what the README used to say', () => {
    const old = `jobs:\n  a:\n    steps:\n      - run: npx api-preflight audit --config preflight/\${{ matrix.service }}.yaml\n      - run: npx preflight audit -o p.sarif\n      - uses: github/codeql-action/upload-sarif@v3\n`;
    expect(workflowProblems(old)).toEqual([
      'a: an expression inside run: (pass it through env:): npx api-preflight audit --config preflight/${{ matrix.service }}.yaml',
      'a: npx api-preflight fetches a package by name from the registry',
      'a: runs preflight before any step installs this tool',
      'a: npx preflight fetches a package by name from the registry',
      'a: runs preflight before any step installs this tool',
      'a: uploads SARIF without permissions: security-events: write',
    ]);
    expect(workflowProblems('      - run: npx preflight audit\n')).toEqual([
      'not a whole workflow (no jobs:): a fragment cannot be checked or copied as is',
    ]);
  });
});
