import { endpointRequest, findEndpoint, itemId, peakOverlap, type CheckContext, type Endpoint, type ProbeResponse } from '../../api.js';
import { replaced } from '../stable-baseline.js';
import { brief, fieldAt, firstDifference, withoutFields } from './json.js';
import { growth, readList, type Growth, type ListSnapshot } from './list-snapshot.js';

/** Headers servers use to say "this is a replay" (Stripe: Idempotent-Replayed: true). */
const REPLAY_MARKERS = ['idempotent-replayed', 'idempotency-replayed', 'x-idempotent-replayed', 'x-idempotency-replayed'];

export interface Pair {
  responses: ProbeResponse[];
  errors: unknown[];
  /** True when the two requests were on the wire at the same time. */
  overlapped: boolean;
}

/** What idempotency.verify saw between two snapshots: the growth, why it could not count, or nothing configured. */
export type Count = Growth | string | undefined;

/** How two answers compare: equal, where they first differ, or not comparable (a body cut at maxResponseBytes). */
export type Comparison = { same: true } | { same: false; path: string; before: string; after: string } | { same: 'unknown' };

/**
 * The idempotency probes of one write endpoint: how each request is sent (fresh UUID keys, bare or
 * quoted), how side effects are counted (idempotency.verify), and the facts the check's verdicts
 * rest on (created ids, replay markers, how two answers differ). The verdicts themselves are in
 * checks/idempotency.ts.
 */
export class KeyProbe {
  readonly body: unknown;
  readonly header: string;
  /** "GET /api/orders" when idempotency.verify names a list to count side effects in. */
  readonly verifyLabel: string | undefined;
  private readonly config: CheckContext['target']['idempotency'];
  private readonly verify: Endpoint | undefined;
  private readonly listIdField: string;

  constructor(
    private readonly ctx: Pick<CheckContext, 'http' | 'target'>,
    private readonly endpoint: Endpoint,
  ) {
    this.body = endpoint.body ?? {};
    this.config = ctx.target.idempotency;
    this.header = this.config.header;
    this.verify = this.config.verify ? findEndpoint(ctx.target.endpoints, this.config.verify) : undefined;
    this.listIdField = this.verify?.pagination?.idField ?? this.config.idField;
    this.verifyLabel = this.verify?.label;
  }

  send(body: unknown, key: string | undefined, purpose: string): Promise<ProbeResponse> {
    const headers = key ? { [this.header]: this.config.quoted ? `"${key}"` : key } : {};
    return this.ctx.http.send(endpointRequest(this.endpoint, { body, headers, purpose }));
  }

  async sendPair(key: string): Promise<Pair> {
    const intervals: Array<[number, number]> = [];
    const one = async (n: number): Promise<ProbeResponse> => {
      const response = await this.send(this.body, key, `the same key, two requests in flight at once (${n}/2)`);
      const end = performance.now();
      intervals.push([end - response.durationMs, end]);
      return response;
    };
    const settled = await Promise.allSettled([one(1), one(2)]);
    const responses = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (responses.length === 0) throw errors[0];
    return { responses, errors, overlapped: peakOverlap(intervals) >= 2 };
  }

  snapshot(): Promise<ListSnapshot | undefined> {
    return this.verify ? readList(this.ctx.http, this.verify) : Promise.resolve(undefined);
  }

  grown(before: ListSnapshot | undefined, after: ListSnapshot | undefined, body: unknown): Count {
    if (!before || !after || !this.verify) return undefined;
    // A write only adds: ids of the first read missing from the second while new ones appear mean the
    // list renders fresh ids on every read (or changed under us), and no count can say what was added.
    const ids = (snapshot: ListSnapshot): Set<string> =>
      new Set(snapshot.items.map((item) => itemId(item, this.listIdField)).filter((id): id is string => id !== undefined));
    const drift = replaced(ids(before), ids(after));
    if (drift) return `${this.verify.label} could not be counted: the plain answers differ between reads (${drift})`;
    const unreadable = [before, after].find((s) => !s.complete);
    if (unreadable) return `${this.verify.label} could not be counted (${unreadable.reason ?? 'incomplete'})`;
    return growth(before, after, this.listIdField, body);
  }

  /** "; GET /api/orders grew by 2" (or why it could not be counted), for messages; "" without verify. */
  countText(count: Count): string {
    if (typeof count === 'object') return `; ${this.verify!.label} grew by ${count.added.length}`;
    return typeof count === 'string' ? `; ${count}` : '';
  }

  /** Figures for the finding's data: how many items the verify list gained, or why it was not counted. */
  countData(count: Count): Record<string, string | number> {
    if (count === undefined || !this.verify) return {};
    if (typeof count === 'string') return { verify: this.verify.label, notCounted: count };
    return { verify: this.verify.label, added: count.added.length };
  }

  /** The id of what a 2xx response created: the configured id field, else its Location. */
  createdRef(response: ProbeResponse | undefined): string | undefined {
    if (!response || !ok(response)) return undefined;
    const id = fieldAt(response.json(), this.config.idField);
    if (typeof id === 'string' || typeof id === 'number') return String(id);
    return response.headers.location;
  }

  /** "idempotent-replayed: true" when the server marked the answer as a replay. */
  replayMarker(response: ProbeResponse): string | undefined {
    const name = REPLAY_MARKERS.find((marker) => response.headers[marker] !== undefined);
    return name ? `${name}: ${response.headers[name]}` : undefined;
  }

  /** Status and body (without idempotency.ignoreFields); a body cut at maxResponseBytes is not compared as if whole. */
  compare(a: ProbeResponse, b: ProbeResponse): Comparison {
    if (a.truncated || b.truncated) return { same: 'unknown' };
    const difference = firstDifference(this.comparable(a), this.comparable(b));
    return difference ? { same: false, path: difference.path, before: brief(difference.a), after: brief(difference.b) } : { same: true };
  }

  /** The body with the fields a replay may change removed (JSON), or the text. */
  private comparable(response: ProbeResponse): unknown {
    const json = response.json();
    return json === undefined ? response.text() : withoutFields(json, this.config.ignoreFields);
  }
}

export function ok(response: ProbeResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

export function unique(values: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
}

/**
 * What shows that a server deduplicated a repeated key (issue 13: a pass needs it, since a static mock
 * and an echo server also answer a retry identically): a replay marker header, the verify list grown
 * by exactly one, or the same id for the same key while a new key with the same body got another id.
 */
export function dedupEvidence(facts: {
  markers: Array<string | undefined>;
  count: Count;
  verify: string | undefined;
  sameKeyRefs: Array<string | undefined>;
  otherKeyRef: string | undefined;
}): string | undefined {
  const marker = facts.markers.find(Boolean);
  if (marker) return `the duplicate was marked ${marker}`;
  if (typeof facts.count === 'object' && facts.count.added.length === 1) return `${facts.verify ?? 'the verify list'} grew by exactly 1`;
  const [ref, ...rest] = facts.sameKeyRefs;
  if (ref && rest.every((r) => r === ref) && facts.otherKeyRef && facts.otherKeyRef !== ref) {
    return `the same id (${ref}) for the same key, and another id (${facts.otherKeyRef}) for another key with the same body`;
  }
  return undefined;
}
