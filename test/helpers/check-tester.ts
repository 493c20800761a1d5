// A table-driven tester for checks, in the style of ESLint's RuleTester: each case starts a real
// loopback server, runs the check the way the runner does, and asserts verdict ids — never message
// text or positions. Every case also checks the catalogue contract: each finding's id is one the
// check declares, its message has no unfilled {placeholder}, and keys are unique within the run.
import { describe, expect, it } from 'vitest';
import { ENGINE_VERDICTS, isEngineVerdict } from '../../src/check-api/engine-verdicts.js';
import { placeholdersOf } from '../../src/check-api/template.js';
import type { HttpClient } from '../../src/http/types.js';
import type { Finding, Target } from '../../src/types.js';
import type { Check } from '../../src/check-api/contract.js';
import { of, runChecks } from './run-checks.js';
import { runCheck, targetFor } from './target.js';

export interface StartedServer {
  url: string;
  close(): Promise<void>;
}

/** An expected verdict: its id (within the check), optionally with data it must carry and its status. */
export type ExpectedVerdict = string | { verdict: string; data?: Record<string, unknown>; endpoint?: string };

interface CaseBase {
  name: string;
  server: () => Promise<StartedServer>;
  /** Config YAML without target: (defaults to the table's config). */
  config?: string;
  env?: Record<string, string>;
  /** Extra assertions on the findings (evidence, data) after the verdict assertions. */
  assert?: (findings: Finding[], target: Target) => void | Promise<void>;
  /**
   * For checks that read what the run recorded (phase analyze): other checks run first on the same
   * client, in the runner's phase order, and `before` sends requests of its own before them.
   */
  alongside?: Check[];
  before?: (http: HttpClient) => Promise<void>;
  /** Adds what a config file cannot hold (the OpenAPI document of --openapi) to the loaded target. */
  target?: (target: Target) => Target;
  /** Per-case timeout in ms (the runner's own bounds apply inside). */
  timeout?: number;
  only?: boolean;
}

/** Nothing to fix: every finding passes (or is skipped); with verdicts, exactly these were reported. */
export interface ValidCase extends CaseBase {
  verdicts?: ExpectedVerdict[];
}

/** Something to fix: the verdicts that are not a pass, as a multiset (order does not matter). */
export interface InvalidCase extends CaseBase {
  verdicts: ExpectedVerdict[];
}

export interface CheckTable {
  config?: string;
  valid: ValidCase[];
  invalid: InvalidCase[];
}

const verdictName = (finding: Finding): string => finding.id.slice(finding.id.indexOf('/') + 1);

/** The one finding with this verdict id (within the check): what a test picks instead of findings[0] or message text. */
export function byVerdict(findings: readonly Finding[], verdict: string): Finding {
  const found = findings.filter((finding) => verdictName(finding) === verdict);
  expect(found, `exactly one ${verdict} finding among ${findings.map((f) => f.id).join(', ')}`).toHaveLength(1);
  return found[0]!;
}
const expectedName = (expected: ExpectedVerdict): string => (typeof expected === 'string' ? expected : expected.verdict);

/** The contract every finding of every check must keep, whatever the server did. */
export function assertCatalogueContract(check: Check, findings: readonly Finding[]): void {
  const declared = check.meta.verdicts ?? {};
  const keys = new Set<string>();
  for (const finding of findings) {
    const verdict = verdictName(finding);
    expect(finding.id.startsWith(`${check.meta.id}/`), `${finding.id} belongs to ${check.meta.id}`).toBe(true);
    expect(Object.hasOwn(declared, verdict) || isEngineVerdict(verdict), `${finding.id} is declared in meta.verdicts`).toBe(true);
    // Only the verdict's own placeholders: a quoted response may hold braces of its own ("{q}").
    const template = isEngineVerdict(verdict) ? ENGINE_VERDICTS[verdict].message : (declared[verdict]?.message ?? '');
    for (const name of placeholdersOf(template))
      expect(finding.message, `${finding.id} message has no unfilled placeholder`).not.toContain(`{${name}}`);
    expect(keys.has(finding.key), `finding key ${finding.key} is unique`).toBe(false);
    keys.add(finding.key);
  }
}

function matches(finding: Finding, expected: ExpectedVerdict): boolean {
  if (verdictName(finding) !== expectedName(expected)) return false;
  if (typeof expected === 'string') return true;
  if (expected.endpoint && finding.endpoint !== expected.endpoint) return false;
  return Object.entries(expected.data ?? {}).every(([k, v]) => JSON.stringify(finding.data?.[k]) === JSON.stringify(v));
}

/** Asserts that `findings` are exactly `expected` (a multiset, order-free), with readable output. */
function assertVerdicts(findings: readonly Finding[], expected: readonly ExpectedVerdict[]): void {
  const left = [...findings];
  const unmatched: ExpectedVerdict[] = [];
  for (const want of expected) {
    const at = left.findIndex((finding) => matches(finding, want));
    if (at < 0) unmatched.push(want);
    else left.splice(at, 1);
  }
  const describeFinding = (f: Finding): string => `${verdictName(f)} (${f.status}) ${f.endpoint}: ${f.message}`;
  expect({ missing: unmatched, unexpected: left.map(describeFinding) }).toEqual({ missing: [], unexpected: [] });
}

const decidedProblem = (finding: Finding): boolean => finding.status !== 'pass' && finding.status !== 'skip';

/**
 * The default 20 requests per second only spaces requests out; against a loopback server the test
 * owns it costs 50 ms a request and nothing else. A case whose config sets requestsPerSecond keeps it.
 */
function unpaced(target: Target, yaml: string): Target {
  if (/requestsPerSecond/.test(yaml)) return target;
  return { ...target, limits: { ...target.limits, requestsPerSecond: 1000 } };
}

export const checkTester = {
  run(check: Check, table: CheckTable): void {
    describe(`${check.meta.id} (CheckTester)`, () => {
      const runCase = async (testCase: CaseBase): Promise<{ findings: Finding[]; target: Target }> => {
        const server = await testCase.server();
        try {
          const yaml = testCase.config ?? table.config ?? '';
          const loaded = unpaced(await targetFor(server.url, yaml, testCase.env ?? {}), yaml);
          const target = testCase.target ? testCase.target(loaded) : loaded;
          const findings =
            testCase.alongside || testCase.before
              ? of(await runChecks([...(testCase.alongside ?? []), check], target, testCase.before), check.meta.id)
              : (await runCheck(check, target)).findings;
          assertCatalogueContract(check, findings);
          return { findings, target };
        } finally {
          await server.close();
        }
      };
      for (const testCase of table.valid) {
        const test = testCase.only ? it.only : it;
        test(
          `valid: ${testCase.name}`,
          async () => {
            const { findings, target } = await runCase(testCase);
            expect(findings.length, 'the check reported something').toBeGreaterThan(0);
            if (testCase.verdicts) assertVerdicts(findings, testCase.verdicts);
            else assertVerdicts(findings.filter(decidedProblem), []);
            await testCase.assert?.(findings, target);
          },
          testCase.timeout,
        );
      }
      for (const testCase of table.invalid) {
        const test = testCase.only ? it.only : it;
        test(
          `invalid: ${testCase.name}`,
          async () => {
            const { findings, target } = await runCase(testCase);
            assertVerdicts(findings.filter(decidedProblem), testCase.verdicts);
            await testCase.assert?.(findings, target);
          },
          testCase.timeout,
        );
      }
    });
  },
};
