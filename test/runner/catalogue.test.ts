import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogueProblems, sourceProblems } from '../../src/check-api/validate.js';
import { checkFiles, checksDir, loadChecks } from '../../src/runner/registry.js';
import type { Check, CheckMeta } from '../../src/check-api/contract.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const meta = (verdicts: CheckMeta['verdicts']): CheckMeta => ({
  id: 'x',
  title: 't',
  item: 'latency',
  severity: 'low',
  rationale: 'r',
  remediation: 'r',
  probes: 'p',
  writes: false,
  ...(verdicts ? { verdicts } : {}),
});

/** sourceProblems over every check in `dir`, each named by its file: what the tool no longer reads at every start. */
async function sourceProblemsIn(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const name of checkFiles(dir)) {
    const check = ((await import(pathToFileURL(join(dir, name)).href)) as { default: Check }).default;
    problems.push(...sourceProblems(check.meta, readFileSync(join(dir, name), 'utf8')).map((problem) => `${name}: ${problem}`));
  }
  return problems;
}

describe('verdict catalogue validation', () => {
  it('every check of the tool reports each verdict it declares, with the data its messages use', async () => {
    expect(await sourceProblemsIn(checksDir())).toEqual([]);
  });

  it('finds a check that declares a verdict it never reports', async () => {
    expect(await sourceProblemsIn(join(fixtures, 'unused-verdict'))).toEqual([
      'declares-more.ts: verdict forgotten is declared but never reported',
    ]);
  });

  it('finds a check whose message uses a placeholder no report() supplies', async () => {
    expect(await sourceProblemsIn(join(fixtures, 'missing-placeholder'))).toEqual([
      "says-too-much.ts: verdict answered uses {status}, which no report('answered', …) call supplies",
    ]);
  });

  it('loads every check of the tool with a valid catalogue', async () => {
    const checks = await loadChecks();
    expect(checks.length).toBeGreaterThan(15);
    for (const check of checks) expect(check.meta.verdicts, `${check.meta.id} declares verdicts`).toBeDefined();
  });

  it('refuses, at load, a check folder given at run time whose catalogue is wrong', async () => {
    await expect(loadChecks(join(fixtures, 'bad-catalogue'))).rejects.toThrow(/^checks\/bad-status\.ts: .*seen.*passed/);
  });

  it('names bad ids, statuses and placeholders in the catalogue', () => {
    const problems = catalogueProblems(
      meta({
        Bad: { status: 'fail', message: 'x' },
        ok: { status: 'nope' as never, message: 'a { b } and {c }, but express.json({ limit: 1 }) is text' },
        undecided: { status: 'error', message: 'x' },
      }),
    );
    expect(problems).toEqual([
      'verdict id "Bad" is not camelCase',
      'verdict ok: status "nope" is unknown',
      'verdict ok: placeholder { b } is not an identifier',
      'verdict ok: placeholder {c } is not an identifier',
      'verdict id "undecided" is reserved for the engine',
    ]);
  });

  it('reads report() calls: undeclared verdicts, spreads given the benefit of the doubt', () => {
    const verdicts = { a: { status: 'pass', message: '{x} {y}' } } as const;
    expect(sourceProblems(meta(verdicts), `ctx.report('a', { x: 1, ...rest }); ctx.report('zz', {});`)).toEqual([
      "report('zz') names a verdict meta.verdicts does not declare",
    ]);
    expect(sourceProblems(meta(verdicts), `ctx.report('a', { x: f(1, 2), y: { z: 1 } });`)).toEqual([]);
    expect(sourceProblems(meta(verdicts), `ctx.report('a', { x: 'y, z' });`)).toEqual([
      "verdict a uses {y}, which no report('a', …) call supplies",
    ]);
  });
});
