import type { IncomingMessage } from 'node:http';
import { expect } from 'vitest';
import check from '../../checks/idempotency.js';
import type { Finding } from '../../src/types.js';
import { checkTester } from '../helpers/check-tester.js';
import { startOrderStore, type OrderStore, type StoreBehaviour } from '../helpers/order-store.js';
import { json, startServer } from '../helpers/servers.js';

const endpoints = `
endpoints:
  - { method: GET, path: /api/orders, kind: list, pagination: { limitParam: limit, cursorParam: cursor, cursorField: next_cursor, dataField: data, maxLimit: 2 } }
  - { method: POST, path: /api/orders, kind: write, body: { sku: A1, qty: 1 } }
limits: { requestsPerSecond: 1000, timeoutMs: 3000 }
`;

function config(idempotency = '{ verify: "GET /api/orders" }', allowWrites = true): string {
  return `${endpoints}allowWrites: ${allowWrites}\nidempotency: ${idempotency}\n`;
}

/** An order store for one case, kept so the case's assertions can look at what it received. */
function store(behaviour: StoreBehaviour = {}): { server: () => Promise<OrderStore>; seen: () => OrderStore } {
  let started: OrderStore | undefined;
  return {
    server: async () => (started = await startOrderStore(behaviour)),
    seen: () => started!,
  };
}

const of = (findings: Finding[], verdict: string): Finding => findings.find((f) => f.id === `idempotency/${verdict}`)!;

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Issue 13.7: a mock that answers every POST with the same static example, whatever is posted. */
const staticMock = (): ReturnType<typeof startServer> =>
  startServer(async (req, res) => {
    if (req.method === 'GET') return json(res, 200, { data: [{ id: 'ord_1', sku: 'A1', qty: 1 }], next_cursor: null });
    await bodyOf(req);
    json(res, 201, { id: 'ord_1', sku: 'A1', qty: 1, status: 'created' });
  });

/** Issue 13.7: an echo server (httpbin style) that reflects the request it got, with no store behind it. */
const echoServer = (): ReturnType<typeof startServer> =>
  startServer(async (req, res) => {
    if (req.method === 'GET') return json(res, 200, { data: [], next_cursor: null });
    json(res, 200, { method: req.method, json: await bodyOf(req) });
  });

const honest = store({ writeMs: 150 });
const ignoresKey = store({ honourKey: false });
const quoted = store();
const noWrites = store();

/** A store that deduplicates (and marks replays) but answers more than limits.maxResponseBytes. */
const bigAnswers = (): ReturnType<typeof startServer> => {
  const byKey = new Map<string, { text: string; answer: unknown }>();
  return startServer(async (req, res) => {
    if (req.method === 'GET') return json(res, 200, { data: [], next_cursor: null });
    const text = JSON.stringify(await bodyOf(req));
    const key = String(req.headers['idempotency-key']);
    const seen = byKey.get(key);
    if (seen && seen.text !== text) return json(res, 422, { error: 'idempotency_key_reused' });
    if (seen) return json(res, 201, seen.answer, { 'idempotent-replayed': 'true' });
    const answer = { id: `ord_${byKey.size + 1}`, padding: 'x'.repeat(4096) };
    byKey.set(key, { text, answer });
    json(res, 201, answer);
  });
};

checkTester.run(check, {
  config: config(),
  valid: [
    {
      // A write slow enough that the duplicate surely arrives while the first is still running.
      name: 'a Stripe-like store: replays (marked), refuses another body with 422, answers 409 in flight',
      server: honest.server,
      verdicts: [
        {
          verdict: 'replayed',
          data: { status: 201, evidence: 'the duplicate was marked idempotent-replayed: true', added: 1, createdIds: ['ord_6'] },
        },
        { verdict: 'pairConflict', data: { status: 201, added: 1 } },
        { verdict: 'reuseRefused', data: { status: 422, change: 'qty: 1 → 2', note: '' } },
      ],
      assert: (findings) => {
        // One order per key, plus the control write with the changed body: every one is listed for clean-up.
        const created = findings.flatMap((f) => (f.data?.createdIds as string[]) ?? []);
        expect(
          honest
            .seen()
            .orders.slice(5)
            .map((o) => o.id)
            .sort(),
        ).toEqual([...new Set(created)].sort());
        // Keys are fresh UUIDs, sent bare (Stripe style).
        expect(
          honest
            .seen()
            .keysSeen.filter(Boolean)
            .every((k) => /^[0-9a-f-]{36}$/.test(k!)),
        ).toBe(true);
      },
    },
    {
      name: 'without verify or a replay header, the same id for one key and another id for a new key is the evidence',
      server: () => startOrderStore({ replayHeader: false }),
      config: config('{}'),
      verdicts: [
        {
          verdict: 'replayed',
          data: { evidence: 'the same id (ord_6) for the same key, and another id (ord_7) for another key with the same body' },
        },
        'pairConflict',
        'reuseRefused',
      ],
    },
    {
      name: 'idempotency.ignoreFields excuses a volatile field in the replay',
      server: () =>
        startOrderStore({
          tamperReplay: (stored) => ({ status: stored.status, body: { ...stored.body, created_at: new Date().toISOString() } }),
        }),
      config: config('{ verify: "GET /api/orders", ignoreFields: [created_at] }'),
      verdicts: ['replayed', 'pairConflict', 'reuseRefused'],
    },
    {
      name: 'another 4xx for a reused key passes, with a note that the draft says 422',
      server: () => startOrderStore({ refuseStatus: 409 }),
      verdicts: [
        'replayed',
        'pairConflict',
        { verdict: 'reuseRefused', data: { status: 409, note: '; the IETF draft specifies 422 for this' } },
      ],
    },
    {
      name: 'with idempotency.required, a 400 for a missing key passes',
      server: () => startOrderStore({ requireKey: true }),
      config: config('{ required: true }'),
      verdicts: ['replayed', 'pairConflict', 'reuseRefused', { verdict: 'missingKeyRefused', data: { status: 400 } }],
    },
    {
      name: "sends the draft's structured-field form with quoted: true",
      server: quoted.server,
      config: config('{ quoted: true }'),
      assert: () => {
        expect(quoted.seen().keysSeen.length).toBeGreaterThan(0);
        expect(quoted.seen().keysSeen.every((k) => k !== undefined && /^"[0-9a-f-]{36}"$/.test(k))).toBe(true);
      },
    },
    {
      name: 'a hidden second row behind a faithful-looking replay passes without idempotency.verify (only a count can see it)',
      server: () => startOrderStore({ hiddenDuplicate: true }),
      config: config('{}'),
      verdicts: ['replayed', 'pairConflict', 'reuseRefused'],
    },
    {
      name: 'is skipped, sending nothing, without allowWrites',
      server: noWrites.server,
      config: config('{}', false),
      verdicts: ['notOptedIn'],
      assert: () => expect(noWrites.seen().posts).toBe(0),
    },
  ],
  invalid: [
    {
      name: 'a store that ignores the key: two ids for one key, critically',
      server: ignoresKey.server,
      verdicts: [
        { verdict: 'createdTwice', data: { created: 'ord_6, ord_7', added: 2 } },
        { verdict: 'pairCreatedTwice', data: { created: 'ord_8, ord_9' } },
        { verdict: 'reuseApplied', data: { change: 'qty: 1 → 2' } },
      ],
      assert: (findings) => {
        expect(of(findings, 'createdTwice').severity).toBe('critical');
        expect(of(findings, 'pairCreatedTwice').severity).toBe('critical');
        // No control write was needed: every answer already decided.
        expect(ignoresKey.seen().orders).toHaveLength(5 + 5);
      },
    },
    {
      name: 'a replay that answers a different body',
      server: () =>
        startOrderStore({ tamperReplay: (stored) => ({ status: stored.status, body: { ...stored.body, status: 'duplicate' } }) }),
      verdicts: [{ verdict: 'replayBodyDiffers', data: { path: 'status', before: 'nothing', after: '"duplicate"' } }],
      assert: (findings) => expect(of(findings, 'replayBodyDiffers').severity).toBe('high'),
    },
    {
      name: 'a replay with another status',
      server: () => startOrderStore({ tamperReplay: (stored) => ({ status: 200, body: stored.body }) }),
      verdicts: [{ verdict: 'replayStatusDiffers', data: { replayStatus: 200, firstStatus: 201 } }],
    },
    {
      name: 'a volatile field not listed in ignoreFields',
      server: () =>
        startOrderStore({
          tamperReplay: (stored) => ({ status: stored.status, body: { ...stored.body, created_at: new Date().toISOString() } }),
        }),
      verdicts: [{ verdict: 'replayBodyDiffers', data: { path: 'created_at' } }],
    },
    {
      name: 'a store that applies another body under a reused key',
      server: () => startOrderStore({ otherBody: 'apply' }),
      verdicts: [{ verdict: 'reuseApplied', data: { status: 201, change: 'qty: 1 → 2' } }],
    },
    {
      name: 'a store that replays the first response to another body (the change is silently dropped)',
      server: () => startOrderStore({ otherBody: 'replay' }),
      verdicts: [{ verdict: 'reuseDropped', data: { status: 201 } }],
    },
    {
      name: 'the changed body is invalid on its own (the control with a fresh key is refused too)',
      server: () => startOrderStore({ accepts: (input) => input.qty === 1 && typeof input.sku === 'string' }),
      verdicts: [{ verdict: 'reuseUnproven', data: { controlStatus: 422 } }],
    },
    {
      name: 'two requests in flight with one key both create (check-then-insert race)',
      server: () => startOrderStore({ lockInFlight: false, writeMs: 150 }),
      verdicts: ['pairCreatedTwice'],
      assert: (findings) => {
        expect(of(findings, 'replayed')).toBeDefined();
        expect(of(findings, 'pairCreatedTwice').severity).toBe('critical');
        expect(of(findings, 'pairCreatedTwice').data?.timing).toBe('two requests with one key in flight at once');
      },
    },
    {
      name: 'idempotency.verify counts the second row behind a faithful-looking replay',
      server: () => startOrderStore({ hiddenDuplicate: true }),
      verdicts: [{ verdict: 'createdTwice', data: { added: 2 } }],
    },
    {
      name: 'with idempotency.required, a store that accepts a write without the key',
      server: () => startOrderStore(),
      config: config('{ required: true }'),
      verdicts: [{ verdict: 'missingKeyAccepted', data: { status: 201 } }],
      assert: (findings) => expect(of(findings, 'missingKeyAccepted').data?.created).toMatch(/^ord_\d+$/),
    },
    {
      name: 'the configured body itself is refused: nothing to replay',
      server: () => startOrderStore({ accepts: () => false }),
      verdicts: [{ verdict: 'nothingToReplay', data: { status: 422 } }],
    },
    // Issue 12: a body cut at maxResponseBytes is not compared as if whole.
    {
      name: 'answers cut at maxResponseBytes are not compared: the replay is undecided',
      server: bigAnswers,
      config: `${config('{}')}`.replace('timeoutMs: 3000 }', 'timeoutMs: 3000, maxResponseBytes: 1024 }'),
      verdicts: ['replayTooLarge', 'pairTooLarge'],
      assert: (findings) => expect(of(findings, 'reuseRefused')).toBeDefined(),
    },
    // Issue 13.7: passes without evidence of deduplication.
    {
      name: 'a static mock (the same example whatever is posted) is undecided, not a pass',
      server: staticMock,
      verdicts: [{ verdict: 'identicalAnswers', data: { status: 201, body: '{"sku":"A1","qty":1}', otherBody: '{"sku":"A1","qty":2}' } }],
    },
    {
      name: 'an echo server is no pass, and the change it echoes back is not called dropped',
      server: echoServer,
      config: config('{}'),
      verdicts: [
        'replayUnproven',
        'pairUnproven',
        { verdict: 'reuseAccepted', data: { unlike: 'unlike the first answer: json.qty was 1, now 2' } },
      ],
    },
  ],
});
