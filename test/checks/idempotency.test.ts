import { afterEach, describe, expect, it } from 'vitest';
import check from '../../checks/idempotency.js';
import type { Finding } from '../../src/types.js';
import { startOrderStore, type OrderStore, type StoreBehaviour } from '../helpers/order-store.js';
import { runCheck, statuses, targetFor } from '../helpers/target.js';

const endpoints = `
endpoints:
  - { method: GET, path: /api/orders, kind: list, pagination: { limitParam: limit, cursorParam: cursor, cursorField: next_cursor, dataField: data, maxLimit: 2 } }
  - { method: POST, path: /api/orders, kind: write, body: { sku: A1, qty: 1 } }
limits: { requestsPerSecond: 1000, timeoutMs: 3000 }
`;

function config(idempotency = '{ verify: "GET /api/orders" }', allowWrites = true): string {
  return `${endpoints}allowWrites: ${allowWrites}\nidempotency: ${idempotency}\n`;
}

describe('idempotency check', () => {
  const stores: OrderStore[] = [];
  afterEach(async () => {
    while (stores.length) await stores.pop()!.close();
  });
  const audit = async (behaviour: StoreBehaviour, yaml = config()): Promise<{ findings: Finding[]; store: OrderStore }> => {
    const store = await startOrderStore(behaviour);
    stores.push(store);
    const { findings } = await runCheck(check, await targetFor(store.url, yaml));
    return { findings, store };
  };

  it('passes a store that replays, refuses another body with 422 and answers 409 in flight', async () => {
    // A write slow enough that the duplicate surely arrives while the first is still running.
    const { findings, store } = await audit({ writeMs: 150 });
    expect(statuses(findings)).toEqual(['pass', 'pass', 'pass']);
    const [replay, pair, other] = findings as [Finding, Finding, Finding];
    expect(replay.message).toMatch(/both answered 201 with the same body \(id ord_6\); GET \/api\/orders grew by 1; the retry was marked idempotent-replayed: true/);
    expect(pair.message).toMatch(/in flight at once: one answered 201, the other got 409 Conflict; GET \/api\/orders grew by 1/);
    expect(other.message).toMatch(/another body \(qty: 1 → 2\) was refused with 422 and not applied/);
    // One order per key, plus the control write with the changed body: every one is listed for clean-up.
    const created = findings.flatMap((f) => (f.data?.createdIds as string[]) ?? []);
    expect(store.orders.slice(5).map((o) => o.id).sort()).toEqual([...new Set(created)].sort());
    // Keys are fresh UUIDs, sent bare (Stripe style).
    expect(store.keysSeen.filter(Boolean).every((k) => /^[0-9a-f-]{36}$/.test(k!))).toBe(true);
  });

  it('fails critically against a store that ignores the key: two ids for one key', async () => {
    const { findings, store } = await audit({ honourKey: false });
    expect(statuses(findings)).toEqual(['fail', 'fail', 'fail']);
    expect(findings[0]!.severity).toBe('critical');
    expect(findings[0]!.message).toMatch(/sent twice created two resources \(ord_6, ord_7\); GET \/api\/orders grew by 2/);
    expect(findings[1]!.severity).toBe('critical');
    expect(findings[1]!.message).toMatch(/created two resources \(ord_8, ord_9\)/);
    expect(findings[2]!.message).toMatch(/was applied/);
    expect(store.orders).toHaveLength(5 + 5);
  });

  it('fails a store whose replay answers a different body', async () => {
    const { findings } = await audit({ tamperReplay: (stored) => ({ status: stored.status, body: { ...stored.body, status: 'duplicate' } }) });
    expect(findings[0]!.status).toBe('fail');
    expect(findings[0]!.severity).toBe('high');
    expect(findings[0]!.message).toMatch(/answered a different body: status was nothing, then "duplicate"/);
  });

  it('fails a replay with another status, and lets idempotency.ignoreFields excuse volatile fields', async () => {
    const otherStatus = await audit({ tamperReplay: (stored) => ({ status: 200, body: stored.body }) });
    expect(otherStatus.findings[0]!.message).toMatch(/answered 200 where the first request answered 201/);

    const freshTimestamp = { tamperReplay: (stored: { status: number; body: { created_at: string } }) => ({ status: stored.status, body: { ...stored.body, created_at: new Date().toISOString() } }) };
    const strict = await audit(freshTimestamp);
    expect(strict.findings[0]!.status).toBe('fail');
    expect(strict.findings[0]!.message).toMatch(/created_at was/);
    const lenient = await audit(freshTimestamp, config('{ verify: "GET /api/orders", ignoreFields: [created_at] }'));
    expect(lenient.findings[0]!.status).toBe('pass');
  });

  it('fails a store that applies another body under a reused key', async () => {
    const { findings } = await audit({ otherBody: 'apply' });
    expect(statuses(findings)).toEqual(['pass', 'pass', 'fail']);
    expect(findings[2]!.message).toMatch(/another body \(qty: 1 → 2\) was applied \(answered 201\)/);
  });

  it('fails a store that replays the first response to another body (the change is silently dropped)', async () => {
    const { findings } = await audit({ otherBody: 'replay' });
    expect(findings[2]!.status).toBe('fail');
    expect(findings[2]!.message).toMatch(/got the first response replayed \(201\): the change was silently dropped/);
  });

  it('passes another 4xx for a reused key, with a note that the draft says 422', async () => {
    const { findings } = await audit({ refuseStatus: 409 });
    expect(findings[2]!.status).toBe('pass');
    expect(findings[2]!.message).toMatch(/refused with 409 .*the IETF draft specifies 422/);
  });

  it('cannot decide when the changed body is invalid on its own (the control with a fresh key is refused too)', async () => {
    const { findings } = await audit({ accepts: (input) => input.qty === 1 && typeof input.sku === 'string' });
    expect(findings[2]!.status).toBe('error');
    expect(findings[2]!.message).toMatch(/refused even with a fresh key \(422\)/);
  });

  it('fails critically when two requests in flight with one key both create (check-then-insert race)', async () => {
    const { findings } = await audit({ lockInFlight: false, writeMs: 150 });
    expect(findings[0]!.status).toBe('pass');
    expect(findings[1]!.status).toBe('fail');
    expect(findings[1]!.severity).toBe('critical');
    expect(findings[1]!.message).toMatch(/two requests with one key in flight at once created two resources/);
  });

  it('catches a second row behind a faithful-looking replay only through idempotency.verify', async () => {
    const counted = await audit({ hiddenDuplicate: true });
    expect(counted.findings[0]!.status).toBe('fail');
    expect(counted.findings[0]!.severity).toBe('critical');
    expect(counted.findings[0]!.message).toMatch(/GET \/api\/orders grew by 2/);
    // Without verify, the same store looks right: the responses alone cannot show the extra row.
    const uncounted = await audit({ hiddenDuplicate: true }, config('{}'));
    expect(uncounted.findings[0]!.status).toBe('pass');
  });

  it('with idempotency.required, passes a 400 for a missing key and fails a store that accepts it', async () => {
    const strict = await audit({ requireKey: true }, config('{ required: true }'));
    expect(strict.findings).toHaveLength(4);
    expect(strict.findings[3]!.status).toBe('pass');
    expect(strict.findings[3]!.message).toMatch(/refused with 400/);
    const lax = await audit({}, config('{ required: true }'));
    expect(lax.findings[3]!.status).toBe('fail');
    expect(lax.findings[3]!.message).toMatch(/without Idempotency-Key was accepted \(201\).*created: ord_\d+/);
  });

  it('sends the draft\'s structured-field form with quoted: true, under the configured header name', async () => {
    const { store } = await audit({}, config('{ quoted: true }'));
    expect(store.keysSeen.length).toBeGreaterThan(0);
    expect(store.keysSeen.every((k) => k !== undefined && /^"[0-9a-f-]{36}"$/.test(k))).toBe(true);
  });

  it('cannot decide when the configured body itself is refused', async () => {
    const { findings } = await audit({ accepts: () => false });
    expect(statuses(findings)).toEqual(['error']);
    expect(findings[0]!.message).toMatch(/answered 422 to the configured body/);
  });

  it('is skipped, sending nothing, without allowWrites', async () => {
    const { findings, store } = await audit({}, config('{}', false));
    expect(statuses(findings)).toEqual(['skip']);
    expect(findings[0]!.message).toMatch(/allowWrites/);
    expect(store.posts).toBe(0);
  });
});
