import type { ProbeResponse } from '../api.js';
import { listOf } from './auth-probes.js';
import { ownershipOf } from './ownership.js';

/**
 * A comparison ("did the spoofed header, the other identity, the retry change the answer?") means
 * something only when two plain reads of the same request agree. A server that gives every cell a
 * fresh random id on each read, or an anonymous session a random user name per request, answers
 * differently to the same call: any other answer then "differs" too, and the comparison decides
 * nothing. Every check that compares answers asks this first and is undecided when it drifts.
 */

/** "whose data" compares item ids and owner values (counts and timestamps aside); "exact" compares the bytes. */
export type DriftMode = 'whose-data' | 'exact';

const cut = (value: string): string => (value.length > 40 ? `${value.slice(0, 37)}...` : value);

/**
 * How two plain answers to the same request differ in what a comparison would judge, or undefined
 * when they agree. In whose-data mode, a record added or removed between the reads is no drift (one
 * side only gains or only loses); ids or owners replaced (each read has some the other lacks) are.
 */
export function driftBetween(first: ProbeResponse, second: ProbeResponse, mode: DriftMode = 'whose-data'): string | undefined {
  if (first.status !== second.status) return `the same request answered ${first.status}, then ${second.status}`;
  if (mode === 'exact') {
    if (first.body.equals(second.body)) return undefined;
    return `the same request got two different bodies (${first.body.length} and ${second.body.length} bytes)`;
  }
  const [a, b] = [first.json(), second.json()];
  if (a === undefined || b === undefined) return undefined; // not JSON: each check has its own rule for text
  const [ownedA, ownedB] = [ownershipOf(a), ownershipOf(b)];
  const values = (owned: typeof ownedA): Set<string> => new Set([...owned.owners, ...owned.items]);
  return replaced(values(ownedA), values(ownedB));
}

/**
 * The ids (or owner values) of two reads of the same thing, replaced rather than added to or taken
 * from: each read has some the other lacks. A record created or deleted between the reads is not.
 */
export function replaced(first: ReadonlySet<string>, second: ReadonlySet<string>): string | undefined {
  const onlyFirst = [...first].filter((value) => !second.has(value));
  const onlySecond = [...second].filter((value) => !first.has(value));
  if (!onlyFirst.length || !onlySecond.length) return undefined;
  return `the first read had ${listOf(onlyFirst.map(cut), 3)}, the second ${listOf(onlySecond.map(cut), 3)} instead`;
}

export interface Baseline {
  first: ProbeResponse;
  second: ProbeResponse;
  /** Set when the two plain reads disagree: then nothing compared with them can be decided. */
  drift?: string;
}

/** The same plain request sent twice, one after the other, and whether the two answers agree. */
export async function stableBaseline(send: (read: 1 | 2) => Promise<ProbeResponse>, mode: DriftMode = 'whose-data'): Promise<Baseline> {
  const first = await send(1);
  const second = await send(2);
  const drift = driftBetween(first, second, mode);
  return { first, second, ...(drift ? { drift } : {}) };
}
