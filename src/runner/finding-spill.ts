import { PrivateFile } from '../http/private-file.js';
import type { Finding } from '../types.js';

/** What goes to disk: the text and evidence only the report writers read, once each. */
const SPILLED = new Set(['message', 'evidence', 'remediation', 'reproduce', 'data']);
const AT = Symbol('offset in the spill file');
const SIZE = Symbol('bytes in the spill file');
const KEYS = Symbol("the finding's keys, in order");

/**
 * What a spilled finding keeps in memory. A class, so every field (the kept ones assigned first, in the
 * finding's order) sits inside the object itself: ~11,000 of these at 1,000 endpoints.
 */
class Stub {
  [key: string]: unknown;
  [AT]: number;
  [SIZE]: number;
  [KEYS]: readonly string[];
  constructor(kept: ReadonlyArray<readonly [string, unknown]>, where: { offset: number; length: number }, keys: readonly string[]) {
    for (const [key, value] of kept) this[key] = value;
    this[AT] = where.offset;
    this[SIZE] = where.length;
    this[KEYS] = keys;
  }
}

/** The file goes when the last finding that refers to it does (a long-lived process auditing many times). */
const closeWhenUnreachable = new FinalizationRegistry<PrivateFile>((file) => file.close());

/**
 * Findings beyond a bounded in-memory window (issue 27: an audit's memory does not grow with the
 * requests it sends). The first `window` findings stay as they are; each later one keeps its id, key,
 * check, item, severity, endpoint and status in memory, and its message, evidence, remediation,
 * reproduce line and data go to a private temporary file, read back whenever something reads them.
 * The finding stays a Finding to every reader (a Proxy): JSON.stringify, spreads and renderers see the
 * same properties in the same order, and the report is byte for byte the one an all-in-memory run writes.
 * The file has no path (private-file.ts); it is closed when no finding refers to it any more.
 */
export class FindingSpill {
  private readonly file = new PrivateFile('preflight-findings');
  private inMemory = 0;
  private spilled = 0;
  /** One finding read back at a time: a renderer reads several fields of the same finding in a row. */
  private last: { stub: Stub; fields: Record<string, unknown> } | undefined;
  /** Key orders seen, shared: findings of one verdict have the same keys in the same order. */
  private readonly keyOrders = new Map<string, readonly string[]>();
  private readonly handler: ProxyHandler<Stub>;
  private readonly shared = new Map<string, string>();

  constructor(private readonly window = 250) {
    const spilled = (stub: Stub, key: string | symbol): boolean =>
      typeof key === 'string' && SPILLED.has(key) && !Object.hasOwn(stub, key) && stub[KEYS].includes(key);
    this.handler = {
      get: (stub, key, receiver) => (spilled(stub, key) ? this.fields(stub)[key as string] : Reflect.get(stub, key, receiver)),
      // A field set later (the stack's fix, a changed message) is an ordinary property of the finding from then on.
      set: (stub, key, value) => {
        Reflect.defineProperty(stub, key, { value, writable: true, enumerable: true, configurable: true });
        return true;
      },
      has: (stub, key) => spilled(stub, key) || Reflect.has(stub, key),
      ownKeys: (stub) => [...stub[KEYS], ...Object.keys(stub).filter((key) => !stub[KEYS].includes(key))],
      getOwnPropertyDescriptor: (stub, key) =>
        spilled(stub, key)
          ? { value: this.fields(stub)[key as string], writable: true, enumerable: true, configurable: true }
          : Reflect.getOwnPropertyDescriptor(stub, key),
    };
  }

  /** The finding itself while the window has room; else the same finding with its bulk on disk. */
  keep(finding: Finding): Finding {
    if (this.inMemory < this.window) {
      this.inMemory++;
      return finding;
    }
    const keys = Object.keys(finding);
    const order = keys.join(',');
    const shared = this.keyOrders.get(order) ?? keys;
    this.keyOrders.set(order, shared);
    const bulk: Record<string, unknown> = {};
    const kept: Array<readonly [string, unknown]> = [];
    for (const key of keys) {
      const value = (finding as unknown as Record<string, unknown>)[key];
      if (SPILLED.has(key)) bulk[key] = value;
      else kept.push([key, typeof value === 'string' ? this.compact(key, value) : value]);
    }
    const stub = new Stub(kept, this.file.append(JSON.stringify(bulk)), shared);
    if (this.spilled++ === 0) closeWhenUnreachable.register(this, this.file);
    return new Proxy(stub, this.handler) as unknown as Finding;
  }

  /** How many findings have their bulk on disk (tests read it). */
  get spilledCount(): number {
    return this.spilled;
  }

  /**
   * What stays in memory, as small as it can be: the texts many findings share (ids, endpoints) once,
   * and the one unique per finding (its key, built by concatenation) as one flat string.
   */
  private compact(field: string, value: string): string {
    if (field === 'key') return Buffer.from(value, 'utf8').toString('utf8');
    const known = this.shared.get(value);
    if (known !== undefined) return known;
    this.shared.set(value, value);
    return value;
  }

  private fields(stub: Stub): Record<string, unknown> {
    if (this.last?.stub !== stub) {
      this.last = { stub, fields: JSON.parse(this.file.read(stub[AT], stub[SIZE])) as Record<string, unknown> };
    }
    return this.last.fields;
  }
}
