import { findItems, isObject, itemId } from '../api.js';
import { listOf } from './auth-probes.js';
import { flatten } from './response-compare.js';

/**
 * Whose data an answer holds: the ids of its items and its owner fields (user, owner, tenant,
 * account ids). Comparing these, not counts or every field, keeps "another check created a record
 * between the reads" (length 2500 → 2501) from reading as "a header changed whose data came back".
 */
export interface Ownership {
  /** Item ids (or the id of a single object). */
  items: Set<string>;
  /** Owner fields as "user=u_alice". */
  owners: Set<string>;
}

const ID_FIELDS = ['id', '_id', 'uuid'];
const OWNER_FIELD =
  /^(user|owner|tenant|account|customer|org|organi[sz]ation|created_?by|author|member)([_-]?(id|name|login|email))?$|^(username|login|email|sub|uid)$/i;
const OWNER_PART = /^(id|_id|uuid|name|login|email|username)$/i;

export function ownershipOf(body: unknown): Ownership {
  const items = new Set<string>();
  const lookup = findItems(body);
  const objects = lookup.found ? lookup.items : isObject(body) ? [body] : [];
  for (const item of objects) {
    const id = ID_FIELDS.map((field) => itemId(item, field)).find((value) => value !== undefined);
    if (id !== undefined && (lookup.found || isObject(item))) items.add(id);
  }
  const owners = new Set<string>();
  for (const [path, value] of flatten(body)) {
    const parts = path.split('.').map((part) => part.replace(/\[\d+\]$/, ''));
    const last = parts[parts.length - 1] ?? '';
    const parent = parts[parts.length - 2] ?? '';
    if (value === 'null' || value.startsWith('{')) continue;
    if (OWNER_FIELD.test(last)) owners.add(`${last}=${plain(value)}`);
    else if (OWNER_FIELD.test(parent) && OWNER_PART.test(last)) owners.add(`${parent}.${last}=${plain(value)}`);
  }
  return { items, owners };
}

/** True when the answer says whose data it is at all (else there is no ownership to compare). */
export function hasOwnership(ownership: Ownership): boolean {
  return ownership.items.size > 0 || ownership.owners.size > 0;
}

export interface OwnershipChange {
  /** Ids and owner values that neither plain answer had. */
  foreign: string[];
  /** Ids and owner values both plain answers had, left out. */
  missing: string[];
}

/**
 * What a spoofed answer changed about whose data came back, judged against two plain answers that
 * bracket it: what only one of them has changed on its own (a record added or removed meanwhile).
 */
export function ownershipChange(spoofed: Ownership, before: Ownership, after: Ownership): OwnershipChange | undefined {
  const foreign: string[] = [];
  const missing: string[] = [];
  for (const kind of ['owners', 'items'] as const) {
    for (const value of spoofed[kind]) if (!before[kind].has(value) && !after[kind].has(value)) foreign.push(value);
    for (const value of before[kind]) if (after[kind].has(value) && !spoofed[kind].has(value)) missing.push(value);
  }
  return foreign.length || missing.length ? { foreign, missing } : undefined;
}

/** "returned ord_b1 and user=u_bob, which neither plain call did, and left out ord_a1 and ord_a2". */
export function describeOwnershipChange(change: OwnershipChange): string {
  const parts: string[] = [];
  if (change.foreign.length) parts.push(`returned ${listOf(change.foreign)}, which neither plain call did`);
  if (change.missing.length) parts.push(`left out ${listOf(change.missing)}`);
  return parts.join(', and ');
}

function plain(value: string): string {
  return value.startsWith('"') ? (JSON.parse(value) as string) : value;
}
