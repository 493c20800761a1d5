import { delay, http, HttpResponse } from 'msw';
import { startMswServer } from './msw.js';

/** How a fixture order store treats Idempotency-Key: each option is one way real stores get it wrong. */
export interface StoreBehaviour {
  /** Replay the stored response for a repeated key and body (default true). */
  honourKey?: boolean;
  /** Answer 409 while a request with the same key is still running (default true); false is the check-then-insert race. */
  lockInFlight?: boolean;
  /** A repeated key with another body: refuse it, apply it as a new order, or replay the first response (default refuse). */
  otherBody?: 'refuse' | 'apply' | 'replay';
  /** The status for a refused reuse (default 422, as the IETF draft says). */
  refuseStatus?: number;
  /** Alters what a replay sends back (a store that does not store the response faithfully). */
  tamperReplay?: (stored: { status: number; body: Order }) => { status: number; body: unknown };
  /** Replays the stored response but still writes a second row: only a count can tell. */
  hiddenDuplicate?: boolean;
  /** Mark replays with Idempotent-Replayed: true (default true); false is a store that deduplicates silently. */
  replayHeader?: boolean;
  /** Refuse a write without the key with 400. */
  requireKey?: boolean;
  /** How long a write takes, so concurrent duplicates overlap (default 30 ms). */
  writeMs?: number;
  /** Validation of the body (default: sku a string, qty a positive integer). */
  accepts?: (input: { sku?: unknown; qty?: unknown }) => boolean;
}

export interface Order {
  id: string;
  sku: string;
  qty: number;
  created_at: string;
}

export interface OrderStore {
  url: string;
  orders: Order[];
  /** Every Idempotency-Key header value received (undefined when absent), in order. */
  keysSeen: Array<string | undefined>;
  posts: number;
  close(): Promise<void>;
}

const PAGE_SIZE = 2;

/**
 * An order API (POST /api/orders creates, GET /api/orders lists with limit/cursor, 2 a page) as msw
 * handlers on a real loopback port, seeded with 5 orders.
 */
export async function startOrderStore(behaviour: StoreBehaviour = {}): Promise<OrderStore> {
  const {
    honourKey = true,
    lockInFlight = true,
    otherBody = 'refuse',
    refuseStatus = 422,
    writeMs = 30,
    hiddenDuplicate = false,
    requireKey = false,
    replayHeader = true,
  } = behaviour;
  const accepts =
    behaviour.accepts ?? ((input) => typeof input.sku === 'string' && Number.isInteger(input.qty) && (input.qty as number) > 0);
  const orders: Order[] = [];
  const keys = new Map<string, { text: string; inFlight: boolean; status: number; body?: Order }>();
  const keysSeen: Array<string | undefined> = [];
  let nextId = 1;
  let clock = Date.UTC(2026, 0, 1);
  /** A second later than the last record: creation times are distinct and ordered. */
  const tick = (): number => {
    clock += 1000;
    return clock;
  };
  const create = (input: { sku?: unknown; qty?: unknown }): Order => {
    const order = {
      id: `ord_${nextId++}`,
      sku: String(input.sku),
      qty: Number(input.qty),
      created_at: new Date(tick()).toISOString(),
    };
    orders.push(order);
    return order;
  };
  for (let i = 0; i < 5; i++) create({ sku: 'SEED', qty: 1 });

  const store: OrderStore = {
    url: '',
    orders,
    keysSeen,
    posts: 0,
    close: async () => undefined,
  };

  const server = await startMswServer(
    http.get('/api/orders', ({ request }) => {
      const url = new URL(request.url);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? PAGE_SIZE), PAGE_SIZE);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const end = start + limit;
      return HttpResponse.json({ data: orders.slice(start, end), next_cursor: end < orders.length ? String(end) : null });
    }),
    http.post('/api/orders', async ({ request }) => {
      store.posts++;
      const text = await request.text();
      const input = JSON.parse(text) as { sku?: unknown; qty?: unknown };
      const key = request.headers.get('idempotency-key') ?? undefined;
      keysSeen.push(key);
      if (!accepts(input)) return HttpResponse.json({ error: 'validation_failed' }, { status: 422 });
      if (!key && requireKey) return HttpResponse.json({ error: 'idempotency_key_required' }, { status: 400 });
      let recordKey = key !== undefined && honourKey;
      if (key && honourKey) {
        const seen = keys.get(key);
        if (seen?.inFlight && lockInFlight) return HttpResponse.json({ error: 'in_progress' }, { status: 409 });
        if (seen && !seen.inFlight && seen.body) {
          const replay = (): Response => {
            const out = behaviour.tamperReplay
              ? behaviour.tamperReplay({ status: seen.status, body: seen.body! })
              : { status: seen.status, body: seen.body };
            return HttpResponse.json(out.body as Record<string, unknown>, {
              status: out.status,
              headers: replayHeader ? { 'idempotent-replayed': 'true' } : {},
            });
          };
          if (seen.text === text) {
            if (hiddenDuplicate) create(input);
            return replay();
          }
          if (otherBody === 'refuse') return HttpResponse.json({ error: 'idempotency_key_reused' }, { status: refuseStatus });
          if (otherBody === 'replay') return replay();
          recordKey = false; // 'apply': a new order, the key's record untouched
        }
        if (recordKey && !seen) keys.set(key, { text, inFlight: true, status: 0 });
      }
      await delay(writeMs);
      const order = create(input);
      if (recordKey && key) keys.set(key, { text, inFlight: false, status: 201, body: order });
      return HttpResponse.json(order as unknown as Record<string, unknown>, { status: 201 });
    }),
  );
  store.url = server.url;
  store.close = server.close;
  return store;
}
