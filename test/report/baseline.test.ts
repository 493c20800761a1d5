import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baselineSummary, diffReports } from '../../src/report/baseline.js';
import type { Finding } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';
import { exchange, FINDINGS, fixtureReport } from './fixture.js';

const before = fixtureReport();

/** The fixture's findings with some statuses changed, some removed and some added. */
function changed(edit: (f: Finding) => Finding | undefined, extra: Finding[] = []): Finding[] {
  return [...FINDINGS.map(edit).filter((f): f is Finding => f !== undefined), ...extra];
}

const newFailure: Finding = {
  id: 'request-id/notEchoed',
  key: 'request-id/echo@GET /api/new',
  checkId: 'request-id',
  item: 'request-id',
  severity: 'medium',
  endpoint: 'GET /api/new',
  status: 'fail',
  message: 'GET /api/new answered without X-Request-Id',
  evidence: [exchange()],
};
const newPass: Finding = {
  ...newFailure,
  id: 'request-id/echoed',
  key: 'request-id/echo@GET /api/newer',
  endpoint: 'GET /api/newer',
  status: 'pass',
  message: 'GET /api/newer echoed the id',
};

const worseFindings = changed(
  (f) => {
    if (f.checkId === 'list-limit-cap' && f.endpoint === 'GET /api/orders')
      return { ...f, status: 'pass', message: 'GET /api/orders?limit=1000000 → 200 with 100 items: capped' };
    if (f.checkId === 'list-limit-cap' && f.endpoint === 'GET /api/users')
      return { ...f, status: 'fail', message: 'GET /api/users?limit=1000000 → 200 with 9000 items' };
    if (f.checkId === 'error-leaks' && f.status === 'warn') return { ...f, status: 'fail' };
    if (f.checkId === 'latency-percentiles') return undefined;
    return f;
  },
  [newFailure, newPass],
);

describe('baseline pairing by key', () => {
  /** Three sub-probes of one check on one endpoint, as a check reports them. */
  const probe = (name: string, status: Finding['status'], key = ''): Finding => ({
    id: `list-limit-cap/${name}`,
    key: `list-limit-cap/${name.replace(/Passed|Failed$/, '')}@GET /api/orders${key ? `#${key}` : ''}`,
    checkId: 'list-limit-cap',
    item: 'list-caps',
    severity: 'critical',
    endpoint: 'GET /api/orders',
    status,
    message: `${name} ${key}`,
    evidence: [],
  });

  it('a sub-probe missing from the second run is "gone", not a neighbour compared with the wrong one', () => {
    const first = [
      probe('capPassed', 'pass', 'limit=1000000'),
      probe('negativeFailed', 'fail', 'limit=-1'),
      probe('capPassed', 'pass', 'limit=0'),
    ];
    // The middle probe was skipped this time; by position, limit=0's pass would meet limit=-1's fail.
    const second = [first[0]!, first[2]!];
    const diff = diffReports(fixtureReport({}, first), fixtureReport({}, second));
    expect(diff.worse).toEqual([]);
    expect(diff.gone.map((c) => c.key)).toEqual(['list-limit-cap/negative@GET /api/orders#limit=-1']);
    expect(diff.unchanged).toHaveLength(2);
  });

  it('reports a real pass → fail of the same probe by its key', () => {
    const first = [probe('capPassed', 'pass', 'limit=1000000'), probe('capPassed', 'pass', 'limit=0')];
    const second = [probe('capFailed', 'fail', 'limit=1000000'), probe('capPassed', 'pass', 'limit=0')];
    const diff = diffReports(fixtureReport({}, first), fixtureReport({}, second));
    expect(diff.worse.map((c) => [c.key, c.before, c.after, c.id])).toEqual([
      ['list-limit-cap/cap@GET /api/orders#limit=1000000', 'pass', 'fail', 'list-limit-cap/capFailed'],
    ]);
    expect(diff.regressions[0]).toBe('1 finding got worse (1 new failure)');
  });

  it('still reads a version 1 baseline (no keys): pairs by position and says so once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-baseline-v1-'));
    try {
      const v1 = JSON.parse(JSON.stringify(fixtureReport())) as {
        schemaVersion: number;
        items: Array<{ findings: Array<Partial<Finding>> }>;
      };
      v1.schemaVersion = 1;
      for (const item of v1.items) {
        for (const f of item.findings) {
          delete f.id;
          delete f.key;
        }
      }
      writeFileSync(join(dir, 'old.json'), JSON.stringify(v1));
      writeFileSync(join(dir, 'now.json'), JSON.stringify(fixtureReport()));
      const result = await runCli(['report', 'now.json', '--baseline', 'old.json'], { cwd: dir });
      expect(result.code).toBe(1); // the fixture's own gate fails; the comparison is what is tested
      expect(result.stdout.match(/older preflight \(report schemaVersion 1\)/g)).toHaveLength(1);
      expect(result.stdout).toMatch(/nothing got worse/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('baseline: what got worse, better, or stayed the same', () => {
  const dirs: string[] = [];
  afterEach(() => {
    while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
  });

  it('sorts every finding into worse, better, unchanged, new and gone', () => {
    const after = fixtureReport({ startedAt: '2026-01-16T09:00:00.000Z' }, worseFindings);
    const diff = diffReports(before, after);
    const names = (list: typeof diff.worse) => list.map((c) => `${c.checkId} ${c.endpoint} ${c.before}→${c.after}`);
    expect(names(diff.worse)).toEqual([
      'list-limit-cap GET /api/users pass→fail',
      'error-leaks GET /api/orders/{id} warn→fail',
      'request-id GET /api/new absent→fail',
    ]);
    expect(names(diff.better)).toEqual(['list-limit-cap GET /api/orders fail→pass']);
    expect(names(diff.added)).toEqual(['request-id GET /api/newer absent→pass']);
    expect(names(diff.gone)).toEqual(['latency-percentiles GET /api/orders fail→absent']);
    expect(diff.unchanged).toHaveLength(5);
    expect(diff.scoreDelta).toBe((after.score ?? 0) - (before.score ?? 0));
    expect(diff.regressions[0]).toBe('3 findings got worse (3 new failures)');
    const { headline, sections } = baselineSummary(diff, 'previous.json');
    expect(headline).toMatch(
      /^Compared with previous\.json \(2026-01-15T09:00:00\.000Z\): score 38 → \d+ \([+−±]\d+\), gate failed both times\. WORSE: 3 findings got worse/,
    );
    expect(sections.map((s) => s.kind)).toEqual(['worse', 'better', 'unchanged', 'added', 'gone']);
  });

  it('a score drop alone is a regression; the same report against itself is not', () => {
    expect(diffReports(before, before)).toMatchObject({ worse: [], better: [], regressions: [] });
    const lower = diffReports(before, { ...before, score: 30 });
    expect(lower.regressions).toEqual(['the score dropped from 38 to 30']);
    const broke = diffReports({ ...before, gate: { ...before.gate, passed: true } }, before);
    expect(broke.regressions).toEqual(['the gate passed before and fails now']);
    // error and skip mean the audit knew less, not that the target got worse.
    const errored = changed((f) => (f.status === 'pass' ? { ...f, status: 'error' } : f));
    expect(diffReports(before, fixtureReport({}, errored)).worse).toEqual([]);
  });

  it('--fail-on-regression fails the gate of a worse run; the reason is in every format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-baseline-'));
    dirs.push(dir);
    // A passing baseline and a passing-but-worse current run: only the regression can fail it.
    const passing = (findings: Finding[]) => {
      const report = fixtureReport({}, findings);
      return { ...report, gate: { passed: true, failUnder: 0, reasons: [] } };
    };
    writeFileSync(join(dir, 'previous.json'), JSON.stringify(passing(FINDINGS)));
    writeFileSync(join(dir, 'current.json'), JSON.stringify(passing(worseFindings)));

    const plain = await runCli(['report', 'current.json', '--baseline', 'previous.json'], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/Compared with the baseline/);
    expect(plain.stdout).toMatch(
      /Worse \(3\)\n {4}list-limit-cap\/pass · GET \/api\/users: pass → fail — GET \/api\/users\?limit=1000000 → 200 with 9000 items/,
    );
    expect(plain.stdout).toMatch(/Better \(1\)/);
    expect(plain.stdout).toMatch(/Unchanged \(5\)/);

    const gated = await runCli(
      [
        'report',
        'current.json',
        '--baseline',
        'previous.json',
        '--fail-on-regression',
        '--output',
        'out.xml',
        '--output',
        'out.md',
        '--output',
        'out.html',
      ],
      { cwd: dir },
    );
    expect(gated.code).toBe(1);
    expect(gated.stdout).toMatch(/gate FAILED: worse than the baseline previous\.json: 3 findings got worse/);
    expect(readFileSync(join(dir, 'out.xml'), 'utf8')).toMatch(
      /<failure message="gate failed: worse than the baseline previous\.json: 3 findings got worse/,
    );
    expect(readFileSync(join(dir, 'out.md'), 'utf8')).toMatch(/## Compared with the baseline[\s\S]*\*\*Worse \(3\)\*\*/);
    expect(readFileSync(join(dir, 'out.html'), 'utf8')).toMatch(/<h2>Compared with the baseline<\/h2>[\s\S]*<h4>Worse \(3\)<\/h4>/);

    // Better than the baseline (one failure fixed, nothing else moved): the flag does not fail it.
    const fixed = changed((f) => (f.checkId === 'list-limit-cap' && f.status === 'fail' ? { ...f, status: 'pass' } : f));
    writeFileSync(join(dir, 'fixed.json'), JSON.stringify(passing(fixed)));
    const better = await runCli(['report', 'fixed.json', '--baseline', 'previous.json', '--fail-on-regression', '--quiet'], { cwd: dir });
    expect(better.stdout).toBe('');
    expect(better.stderr).toMatch(
      /^Compared with previous\.json .*: score 38 → \d+ \(\+\d+\), gate passed both times\. better, nothing got worse\.\n$/,
    );
    expect(better.code).toBe(0);
  });
});
