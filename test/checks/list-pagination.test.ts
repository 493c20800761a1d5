import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/list-pagination.js';
import { auditListApi, type ListApiOptions } from '../helpers/list-api.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const config = (pagination = 'limitParam: limit, maxLimit: 10', limits = '') => `
endpoints:
  - { path: /api/items, kind: list, pagination: { ${pagination} } }
limits: { requestsPerSecond: 1000, timeoutMs: 2000 ${limits} }
`;

describe('list-pagination check', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  const audit = (options: ListApiOptions, yaml = config()) => auditListApi(check, options, yaml, closers);

  it('passes a cursor chain that ends, with a 400 for a garbage cursor', async () => {
    const findings = await audit({ total: 45, cap: 10 });
    expect(statuses(findings)).toEqual(['pass', 'pass', 'pass']);
    expect(findings[0]!.message).toMatch(/next-page token \(next_cursor: "/);
    expect(findings[1]!.message).toMatch(/to the end: 5 page\(s\), 45 items, every page ≤ 10 items, no item repeated/);
    expect(findings[1]!.data).toMatchObject({ pages: 5, items: 45, ended: true });
    expect(findings[2]!.message).toMatch(/^GET \/api\/items\?limit=10&cursor=zz%21not-a-cursor-\w+ → 400/);
  });

  it('finds the token and cursor parameter without cursorField or cursorParam configured', async () => {
    const findings = await audit({ total: 25, cap: 10 }, config('maxLimit: 10'));
    expect(statuses(findings)).toEqual(['pass', 'pass', 'pass']);
    expect(findings[1]!.data).toMatchObject({ pages: 3, items: 25, ended: true });
  });

  it('follows Link rel=next on a bare array, and notes the missing envelope', async () => {
    const findings = await audit({ total: 30, cap: 10, bare: true, token: 'link' });
    expect(statuses(findings)).toEqual(['warn', 'pass', 'pass']);
    expect(findings[0]!.severity).toBe('low');
    expect(findings[0]!.message).toMatch(/bare JSON array paged by a Link header/);
    expect(findings[1]!.data).toMatchObject({ pages: 3, items: 30, ended: true });
  });

  it('fails a list with no next-page token', async () => {
    const findings = await audit({ total: 45, cap: 10, token: 'none' }, config('limitParam: limit, maxLimit: 10'));
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/with no next-page token .*add next_cursor to every list response/);
    expect(findings[0]!.reproduce).toMatch(/^curl .*\/api\/items\?limit=10/);
  });

  it('fails a bare array with no Link header', async () => {
    const findings = await audit({ total: 45, cap: 10, bare: true, token: 'none' });
    expect(statuses(findings)).toEqual(['fail']);
    expect(findings[0]!.message).toMatch(/bare JSON array and no Link rel=next header/);
  });

  it('fails when the configured cursorField is missing', async () => {
    const findings = await audit({ total: 45, cap: 10 }, config('limitParam: limit, maxLimit: 10, cursorField: meta.next'));
    expect(findings[0]!.status).toBe('fail');
    expect(findings[0]!.message).toMatch(/no "meta.next" field/);
  });

  it('detects a cursor that loops back', async () => {
    // Page 3 points back to page 2: a client syncing this list never finishes.
    const findings = await audit({ total: 100, cap: 10, nextOffset: (offset, size) => (offset >= 20 ? 10 : offset + size) });
    expect(statuses(findings)).toEqual(['pass', 'fail', 'pass']);
    expect(findings[1]!.message).toMatch(/item id "it_11" came on page 2 and again on page 4|the cursor loops/);
  });

  it('reports the loop itself when items carry no id', async () => {
    const findings = await audit({ total: 100, cap: 10, nextOffset: (offset, size) => (offset >= 20 ? 10 : offset + size) }, config('limitParam: limit, maxLimit: 10, idField: uuid'));
    expect(findings[1]!.status).toBe('fail');
    expect(findings[1]!.message).toMatch(/the cursor loops: page 3 .* pointed back to page 2/);
  });

  it('detects items repeated across pages', async () => {
    const findings = await audit({ total: 50, cap: 10, nextOffset: (offset, size) => offset + size - 1 });
    expect(findings[1]!.status).toBe('fail');
    expect(findings[1]!.message).toMatch(/item id "it_10" came on page 1 and again on page 2 .*keyset cursor/);
  });

  it('fails pages larger than the size asked for', async () => {
    const findings = await audit({ total: 50, cap: 15 }, config('limitParam: limit, maxLimit: 10').replace('limitParam: limit', 'limitParam: size'));
    expect(findings[1]!.status).toBe('fail');
    expect(findings[1]!.message).toMatch(/page 1 .* had 15 items, more than the 10 asked for/);
  });

  it('stops at maxPages without claiming the end', async () => {
    const findings = await audit({ total: 500, cap: 10 }, config('limitParam: limit, maxLimit: 10, maxPages: 4'));
    expect(statuses(findings)).toEqual(['pass', 'pass', 'pass']);
    expect(findings[1]!.message).toMatch(/for 4 pages \(40 items\).*stopped at pagination.maxPages \(4\) before the end/);
    expect(findings[1]!.data).toMatchObject({ ended: false });
  });

  it('keeps what it decided when the request budget runs out mid-chain', async () => {
    const findings = await audit({ total: 100, cap: 10 }, config('limitParam: limit, maxLimit: 10', ', maxRequests: 4'));
    expect(statuses(findings)).toEqual(['pass', 'error']);
    expect(findings[1]!.message).toMatch(/could not finish following GET \/api\/items: the request budget \(maxRequests: 4\) is spent/);
  });

  it('fails a garbage cursor that gets a 500, warns one that is ignored', async () => {
    const crashes = await audit({ total: 45, cap: 10, badCursor: 500 });
    expect(crashes[2]!.status).toBe('fail');
    expect(crashes[2]!.message).toMatch(/→ 500: a corrupt cursor crashes the handler/);
    const ignores = await audit({ total: 45, cap: 10, badCursor: 'ignore' });
    expect(ignores[2]!.status).toBe('warn');
    expect(ignores[2]!.message).toMatch(/→ 200: a cursor the server never issued was accepted/);
  });

  it('fails a chain whose next page is refused', async () => {
    // express: the default router answers an unknown follow-up path with its HTML 404.
    const app = express();
    app.get('/api/items', (_req, res) => {
      res.json({ data: [{ id: 1 }, { id: 2 }], next: '/api/items/page/2' });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { findings } = await runCheck(check, await targetFor(url, config('maxLimit: 10')));
    expect(statuses(findings)).toEqual(['pass', 'fail']);
    expect(findings[1]!.message).toMatch(/page 2 .*→ 404 for the next the server itself returned on page 1/);
  });
});
