// Checklist item 9 without observability: in the config: one "not audited" row in every format and
// in the summary line; the score and the gate are what they would be without the item.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS, render } from '../../src/report/render.js';
import type { Report } from '../../src/report/types.js';
import { runAudit } from '../../src/runner/run.js';
import { startObservedApp } from '../helpers/observability-apps.js';
import { targetFor } from '../helpers/target.js';

describe('observability not configured', () => {
  let app: { url: string; close(): Promise<void> };
  let withItem: Report;
  let withoutItem: Report;
  beforeAll(async () => {
    app = await startObservedApp({});
    const target = await targetFor(app.url, 'endpoints:\n  - { path: /api/orders }\nlimits: { requestsPerSecond: 500 }\n');
    withItem = await runAudit(target, { only: ['request-id', 'observability'] });
    withoutItem = await runAudit(target, { only: ['request-id'] });
  });
  afterAll(() => app.close());

  it('is one skip row that does not change the score or the gate', () => {
    const item = withItem.items.find((i) => i.id === 'observability')!;
    expect(item.status).toBe('skip');
    expect(item.score).toBeNull();
    expect(item.findings.map((f) => f.id)).toEqual(['request-metrics/notAudited']);
    expect(withItem.score).toBe(withoutItem.score);
    expect(withItem.gate).toEqual(withoutItem.gate);
    expect(withItem.gate.passed).toBe(true);
  });

  it.each(FORMATS)('says "not audited" in %s', async (format) => {
    const text = await render(withItem, format, { color: false, verbose: false, width: 160 });
    expect(text).toContain('not audited: add observability.metrics / alertRules / logs');
  });

  it('says so in the summary line of the terminal and Markdown reports', async () => {
    const terminal = (await render(withItem, 'terminal', { color: false, verbose: false })).trim().split('\n').at(-1);
    expect(terminal).toMatch(/gate PASSED .* · not audited: observability$/);
    const markdown = (await render(withItem, 'markdown', { color: false, verbose: false })).trim().split('\n').at(-1);
    expect(markdown).toMatch(/not audited: observability$/);
  });
});
