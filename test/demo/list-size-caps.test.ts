import { afterEach, describe, expect, it } from 'vitest';
import { startBrokenApi } from '../../src/demo/broken.js';
import type { RunningServer } from '../../src/demo/common.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import type { Report } from '../../src/report/types.js';
import { runAudit } from '../../src/runner/run.js';
import { demoTarget } from '../helpers/demo.js';
import type { Finding } from '../../src/types.js';

const ITEMS = ['list-caps', 'size-caps'];
const CHECKS = ['list-limit-cap', 'list-pagination', 'url-header-caps', 'body-size-caps'];

async function audit(server: RunningServer): Promise<Report> {
  return runAudit(await demoTarget(server.url), { only: ITEMS });
}

const findingsOf = (report: Report, item: string): Finding[] => report.items.find((i) => i.id === item)?.findings ?? [];

describe('the demo APIs on list-caps and size-caps', () => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  it('the broken API fails both items, with evidence and a curl line', async () => {
    // Its "async" import sleeps inside the request; 100 ms keeps the test quick and is still a 200.
    const server = await startBrokenApi({ slowMs: 100 });
    servers.push(server);
    const report = await audit(server);
    for (const item of ITEMS) expect(report.items.find((i) => i.id === item)?.status, item).toBe('fail');
    const failures = ITEMS.flatMap((item) => findingsOf(report, item)).filter((f) => f.status === 'fail' && CHECKS.includes(f.checkId));
    expect(new Set(failures.map((f) => f.checkId))).toEqual(new Set(['list-limit-cap', 'list-pagination', 'body-size-caps']));
    for (const failure of failures) {
      expect(failure.evidence.length, failure.message).toBeGreaterThan(0);
      expect(failure.reproduce, failure.message).toMatch(/^curl /);
    }

    const listCaps = findingsOf(report, 'list-caps');
    const byId = (id: string): Finding => listCaps.find((f) => f.id === id)!;
    // Other probes create orders meanwhile, so the count may grow past the seeded 2,500.
    expect(byId('list-limit-cap/uncapped').data!.answers).toMatch(
      /^no limit, limit=100, limit=1000000, limit=2147483648, limit=-1, limit=0 → 200 with [\d–]+ items, over the cap of 100$/,
    );
    expect(byId('list-limit-cap/limitCrashes').data!.answers).toBe('limit=abc, limit=1e9 → 500');
    expect(byId('list-pagination/cursorFieldMissing').data).toMatchObject({ cursorField: 'next_cursor' });

    const bodies = findingsOf(report, 'size-caps').filter((f) => f.checkId === 'body-size-caps');
    expect(bodies.map((f) => f.endpoint)).toEqual(expect.arrayContaining(['POST /api/orders', 'POST /api/imports']));
    expect(bodies.find((f) => f.key === 'body-size-caps/cap@POST /api/orders#size')).toMatchObject({
      id: 'body-size-caps/accepted',
      data: { status: 201 },
    });
  });

  it('the fixed API passes both items', async () => {
    const server = await startFixedApi();
    servers.push(server);
    const report = await audit(server);
    for (const item of ITEMS) expect(report.items.find((i) => i.id === item)?.status, item).toBe('pass');
    // Only this checks: other checks may feed these items too.
    const statuses = ITEMS.flatMap((item) => findingsOf(report, item))
      .filter((f) => CHECKS.includes(f.checkId))
      .map((f) => `${f.checkId} ${f.status}`);
    expect(statuses).toEqual(
      expect.arrayContaining(['list-limit-cap pass', 'list-pagination pass', 'url-header-caps pass', 'body-size-caps pass']),
    );
    expect(statuses.filter((s) => !s.endsWith('pass'))).toEqual([]);
    const chain = findingsOf(report, 'list-caps').find((f) => f.id === 'list-pagination/chainEnded')!;
    // The demo config follows up to 30 pages: the 2,500 orders end on page 25 with next_cursor: null.
    expect(chain.data).toMatchObject({ pages: 25, items: 2500, ended: true });
  });
});
