import { describe, expect, it } from 'vitest';
import { applyWaivers, gateOf, gradeOf, scoreItems, totalScore } from '../../src/scoring/score.js';
import type { Finding } from '../../src/types.js';

const finding = (over: Partial<Finding>): Finding => ({
  checkId: 'request-id',
  item: 'request-id',
  severity: 'medium',
  endpoint: '*',
  status: 'pass',
  message: 'm',
  evidence: [],
  ...over,
});

describe('scoring', () => {
  it('scores an item as the weighted share of decided findings that pass, warn counting half', () => {
    const items = scoreItems([
      finding({ status: 'pass', severity: 'high' }), // 5
      finding({ status: 'warn', severity: 'medium' }), // 2 × 0.5
      finding({ status: 'fail', severity: 'low' }), // 1
      finding({ status: 'error', severity: 'critical' }), // not decided
      finding({ status: 'skip', severity: 'critical' }), // not decided
    ]);
    const item = items.find((i) => i.id === 'request-id')!;
    expect(item.score).toBe(Math.round((100 * 6) / 8));
    expect(item.status).toBe('fail');
    expect(item.weight).toBe(5);
    expect(items.filter((i) => i.id !== 'request-id').every((i) => i.score === null && i.status === 'skip')).toBe(true);
  });

  it('weights the total by the heaviest severity each item decided, and grades it', () => {
    const items = scoreItems([
      finding({ item: 'default-deny', checkId: 'a', severity: 'critical', status: 'pass' }),
      finding({ item: 'request-id', severity: 'medium', status: 'fail' }),
    ]);
    expect(totalScore(items)).toBe(Math.round((100 * 10 + 0 * 2) / 12));
    expect(gradeOf(83)).toBe('B');
    expect(gradeOf(90)).toBe('A');
    expect(gradeOf(59)).toBe('F');
    expect(gradeOf(null)).toBe('F');
    expect(totalScore(scoreItems([finding({ status: 'error' })]))).toBeNull();
  });

  it('fails the gate on a low score or any unwaived critical failure', () => {
    const critical = scoreItems([
      finding({ item: 'default-deny', checkId: 'admin', severity: 'critical', status: 'fail', endpoint: 'GET /admin' }),
      ...Array.from({ length: 30 }, () => finding({ item: 'default-deny', checkId: 'other', severity: 'critical' })),
    ]);
    const gate = gateOf(totalScore(critical), critical, 80);
    expect(totalScore(critical)).toBeGreaterThanOrEqual(80);
    expect(gate.passed).toBe(false);
    expect(gate.reasons.join()).toMatch(/1 critical failure: admin on GET \/admin/);
    expect(gateOf(79, scoreItems([]), 80).reasons).toEqual(['score 79 is below failUnder 80']);
    expect(gateOf(null, scoreItems([]), 80).passed).toBe(false);
    expect(gateOf(80, scoreItems([]), 80).passed).toBe(true);
  });

  it('names each failing check and endpoint once in the gate reason', () => {
    const twice = (endpoint: string) =>
      [1, 2].map(() => finding({ item: 'idempotency', checkId: 'idempotency', severity: 'critical', status: 'fail', endpoint }));
    const items = scoreItems([...twice('POST /api/items'), ...twice('POST /api/orders')]);
    const reason = gateOf(totalScore(items), items, 80).reasons.find((r) => r.includes('critical'));
    expect(reason).toBe('4 critical failures: idempotency on POST /api/items, idempotency on POST /api/orders');
  });

  it('fails the gate when more than a quarter of the findings could not be decided', () => {
    const mostlyErrors = scoreItems([
      finding({ status: 'pass' }),
      finding({ status: 'error' }),
      finding({ status: 'error' }),
      finding({ status: 'skip' }),
    ]);
    const gate = gateOf(totalScore(mostlyErrors), mostlyErrors, 80);
    expect(totalScore(mostlyErrors)).toBe(100);
    expect(gate.passed).toBe(false);
    expect(gate.reasons).toEqual([
      '2 of 3 findings could not be decided (timeouts, resets, budget): too little was seen to call the API ready',
    ]);
    const fewErrors = scoreItems([
      finding({ status: 'pass' }),
      finding({ status: 'pass' }),
      finding({ status: 'pass' }),
      finding({ status: 'error' }),
    ]);
    expect(gateOf(totalScore(fewErrors), fewErrors, 80).passed).toBe(true);
  });

  it('waives matching failures until expiry, by check or item id, and notes expired and unused waivers', () => {
    const findings = [
      finding({ status: 'fail', endpoint: 'GET /metrics', checkId: 'admin-surface', item: 'default-deny' }),
      finding({ status: 'fail', endpoint: 'GET /x' }),
    ];
    const today = new Date('2027-01-31T12:00:00Z');
    const result = applyWaivers(
      findings,
      [
        { check: 'default-deny', endpoint: 'GET /metrics', reason: 'VPC only', expires: '2027-01-31' },
        { check: 'request-id', endpoint: 'GET /x', reason: 'old', expires: '2027-01-30' },
        { check: 'latency', reason: 'unused', expires: '2027-12-31' },
      ],
      today,
    );
    expect(result.findings.map((f) => f.status)).toEqual(['waived', 'fail']);
    expect(result.findings[0]!.waiver).toEqual({ reason: 'VPC only', expires: '2027-01-31' });
    expect(result.notes).toEqual([
      'waiver for request-id on GET /x expired on 2027-01-30; its failures count again (renew it or fix them)',
      'waiver for latency matched no failure; remove it if the problem is fixed',
    ]);
    // A day later the first waiver has expired too.
    expect(
      applyWaivers(
        findings,
        [{ check: 'default-deny', endpoint: 'GET /metrics', reason: 'VPC only', expires: '2027-01-31' }],
        new Date('2027-02-01T00:00:00Z'),
      ).findings[0]!.status,
    ).toBe('fail');
    const items = scoreItems(result.findings);
    expect(items.find((i) => i.id === 'default-deny')!.status).toBe('waived');
  });
});
