import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/list-limit-cap.js';
import { auditListApi, type ListApiOptions } from '../helpers/list-api.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const config = (pagination = 'limitParam: limit, maxLimit: 100', limits = 'timeoutMs: 2000') => `
endpoints:
  - { path: /api/items, kind: list, pagination: { ${pagination} } }
limits: { requestsPerSecond: 1000, ${limits} }
`;

describe('list-limit-cap check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  const audit = (options: ListApiOptions, yaml = config()) => auditListApi(check, options, yaml, closers);

  it('fails an uncapped list, naming what came back and what to change', async () => {
    const findings = await audit({ total: 150 });
    expect(statuses(findings)).toEqual(['fail']);
    const [finding] = findings;
    expect(finding!.message).toMatch(/^GET \/api\/items: no limit, limit=1000000, limit=2147483648 → 200 with 150 items, over the cap of 100; /);
    expect(finding!.message).toMatch(/clamp limit to 100 server-side/);
    expect(finding!.evidence.length).toBeGreaterThan(0);
    expect(finding!.reproduce).toMatch(/^curl .*\/api\/items/);
  });

  it('passes a list that clamps to the cap and rejects bad limits with 400', async () => {
    const findings = await audit({ total: 250, cap: 100, defaultSize: 20 });
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.message).toMatch(/held the cap of 100: no limit → 20 items, 100 → 100 items, 1000000 → 100 items/);
    expect(findings[0]!.message).toMatch(/abc → 400/);
    const data = findings[0]!.data as { largestPage: { items: number; bytes: number; ms: number } };
    expect(data.largestPage.items).toBe(100);
    expect(data.largestPage.bytes).toBeGreaterThan(1000);
    expect(findings[0]!.evidence[0]!.url).toMatch(/limit=100\b/);
  });

  it('passes a list that answers 400 to any limit over the cap', async () => {
    const findings = await audit({ total: 250, cap: 100, defaultSize: 20, overCap: 400 });
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.message).toMatch(/1000000 → 400/);
  });

  it('fails a list that answers limit=abc with a 500', async () => {
    const findings = await audit({ total: 250, cap: 100, defaultSize: 20, badLimit: 500 });
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/limit=-1, limit=0, limit=abc, limit=1e9 → 500;/);
    expect(findings[0]!.message).toMatch(/validate limit and answer 400/);
    expect(findings[0]!.message).not.toMatch(/1000000 →/);
  });

  it('is inconclusive, not a pass, when the server holds fewer items than the cap', async () => {
    const findings = await audit({ total: 5 });
    expect(statuses(findings)).toEqual(['warn']);
    expect(findings[0]!.message).toMatch(/^inconclusive: .*all 5 items/);
    expect(findings[0]!.message).toMatch(/more than 100 items/);
  });

  it('passes a cap shown by Link header pagination on a bare array', async () => {
    const findings = await audit({ total: 250, cap: 100, bare: true, token: 'link', badLimit: 'default' });
    expect(statuses(findings)).toEqual(['pass']);
    expect(findings[0]!.message).toMatch(/abc → 100 items/);
  });

  it('fails a top-level array that returns everything', async () => {
    const findings = await audit({ total: 300, bare: true, token: 'none', badLimit: 'default' });
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/300 items, over the cap of 100/);
  });

  it('finds the page-size parameter among common aliases when none is configured', async () => {
    const capped = await audit({ total: 250, cap: 100, defaultSize: 20, limitParam: 'per_page' }, config('maxLimit: 100'));
    expect(statuses(capped)).toEqual(['pass']);
    expect(capped[0]!.message).toMatch(/per_page=1000000|1000000 → 100 items/);
    expect((capped[0]!.data as { limitParam: string }).limitParam).toBe('per_page');
    const uncapped = await audit({ total: 150, defaultSize: 20, limitParam: 'page_size' }, config('maxLimit: 100'));
    expect(statuses(uncapped)).toEqual(['fail']);
    expect(uncapped[0]!.message).toMatch(/page_size=1000000, page_size=2147483648 → 200 with 150 items/);
  });

  it('fails a page larger than the response byte cap', async () => {
    const findings = await audit({ total: 150, padding: 200 }, config(undefined, 'maxResponseBytes: 16384'));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/over maxResponseBytes/);
  });

  it('decides nothing when the list itself is refused', async () => {
    const server = await startServer((_req, res) => json(res, 401, { error: { code: 'unauthorized' } }));
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config()));
    expect(statuses(findings)).toEqual(['error']);
    expect(findings[0]!.message).toMatch(/without a limit → 401, so page sizes could not be tested/);
    expect(server.requests).toHaveLength(1);
  });

  it('fails a list that hangs on a huge limit', async () => {
    const server = await startServer((req, res) => {
      const limit = new URL(req.url ?? '/', 'http://x').searchParams.get('limit');
      if (limit === '1000000') return; // never answers: the query runs forever
      if (limit === null) return json(res, 200, { data: [{ id: 1 }], next_cursor: null });
      json(res, 400, { error: 'bad limit' });
    });
    closers.push(server.close);
    const { findings } = await runCheck(check, await targetFor(server.url, config(undefined, 'timeoutMs: 300')));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/limit=1000000 → no answer within 300 ms/);
    expect(server.requests.length).toBe(8);
  });
});
