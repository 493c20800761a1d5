// Issue 27: the JSON report file is written as it is serialised; it must be the same bytes as the one string.
import { describe, expect, it } from 'vitest';
import { jsonReportChunks } from '../../src/report/json-stream.js';
import { render } from '../../src/report/render.js';
import type { Report } from '../../src/report/types.js';
import { exchange, fixtureReport } from './fixture.js';

const options = { color: false, verbose: true };

describe('the streamed JSON report', () => {
  it('is byte for byte what render() gives, for the fixture report', async () => {
    const report = fixtureReport();
    expect([...jsonReportChunks(report)].join('')).toBe(await render(report, 'json', options));
  });

  it('is the same where JSON.stringify drops or nulls values, and escapes controls the same way', async () => {
    const report = fixtureReport();
    const finding = report.items[0]!.findings[0]!;
    // Deep and shallow oddities: undefined fields, undefined in an array, empty containers, newlines and a bidi control.
    Object.assign(report as unknown as Record<string, unknown>, {
      extra: undefined,
      empty: {},
      none: [],
      list: [1, undefined, 'a\nb\u202e'],
    });
    Object.assign(finding as unknown as Record<string, unknown>, { note: undefined, evidence: [exchange({ note: 'x\u2066y\n"z"' })] });
    const parts = [...jsonReportChunks(report as Report)];
    expect(parts.length).toBeGreaterThan(10);
    expect(parts.join('')).toBe(await render(report, 'json', options));
  });
});
