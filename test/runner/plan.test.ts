// The budget plan's choices, without a server: which endpoints a sampled check runs on.
import { describe, expect, it } from 'vitest';
import { planAudit, representativeOrder, tasksOf } from '../../src/runner/budget-plan.js';
import type { Endpoint, Target } from '../../src/types.js';
import type { Check } from '../../src/check-api/contract.js';
import { targetFor } from '../helpers/target.js';

function endpoint(path: string, options: Partial<Endpoint> = {}): Endpoint {
  return { label: `GET ${path}`, method: 'GET', path, kind: 'read', params: {}, query: {}, headers: {}, public: false, ...options };
}

function check(id: string, requestsPerEndpoint: number): Check {
  return {
    meta: {
      id,
      title: id,
      item: 'default-deny',
      severity: 'high',
      rationale: 'r',
      remediation: 'r',
      probes: 'p',
      writes: false,
      cost: { requestsPerEndpoint },
    },
    endpoints: (target: Target) => target.endpoints,
    run: async () => [],
  };
}

describe('the budget plan', () => {
  const specOnly = Array.from({ length: 60 }, (_, i) =>
    endpoint(`/s${i}`, {
      fromSpec: true,
      spec: {
        source: 's',
        responses: [],
        pagination: { fields: [], headers: [], params: [] },
        hasPaginationField: false,
        tags: [`tag${i % 6}`],
      },
    }),
  );
  const configured = [endpoint('/orders'), endpoint('/users', { kind: 'list' })];

  it('samples configured endpoints first, then one per tag in turn', () => {
    const order = representativeOrder([...specOnly, ...configured]);
    expect(order.slice(0, 2).map((e) => e.path)).toEqual(['/orders', '/users']);
    expect(new Set(order.slice(2, 8).map((e) => e.spec?.tags?.[0])).size).toBe(6);
  });

  it('keeps every check on at least three endpoints, gives a cheap check all of them, and fits the budget', async () => {
    const target = { ...(await targetFor('http://127.0.0.1:9')), endpoints: [...configured, ...specOnly] };
    target.limits = { ...target.limits, maxRequests: 400 };
    const plan = planAudit(target, tasksOf([check('costly', 40), check('cheap', 1)], target));
    const costly = plan.checks.find((c) => c.checkId === 'costly')!;
    expect(plan.sampled).toBe(true);
    expect(costly.planned).toBeGreaterThanOrEqual(3);
    expect(costly.planned).toBeLessThan(62);
    expect(plan.checks.find((c) => c.checkId === 'cheap')!.planned).toBe(62);
    expect(plan.requests).toBeLessThanOrEqual(400);
    const costlyTasks = plan.tasks.filter((t) => t.check.meta.id === 'costly').map((t) => t.endpoint!.path);
    expect(costlyTasks.slice(0, 2)).toEqual(['/orders', '/users']);
    // Configured endpoints without tags count by path prefix: 6 tags + /orders + /users.
    expect(plan.notes.join('\n')).toMatch(/costly: \d of 62 endpoints, sampled across 7 of 8 tags/);
  });

  it('runs everything and says nothing when the budget covers it', async () => {
    const target = { ...(await targetFor('http://127.0.0.1:9')), endpoints: configured };
    const plan = planAudit(target, tasksOf([check('costly', 40)], target));
    expect(plan.sampled).toBe(false);
    expect(plan.tasks).toHaveLength(2);
    expect(plan.notes).toEqual([]);
  });
});
