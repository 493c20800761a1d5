import type { ProbeResponse } from '../api.js';
import { flatten } from './response-compare.js';

/**
 * Does an anonymous 2xx hand out data? A permission-filtered search that answers an empty list, or
 * a whoami that answers {}, exposes nothing: it is an unclear refusal, not an open door. Data is an
 * item (a non-empty array), or a string the authenticated answer has too; without an authenticated
 * answer to compare with, any value that is not empty or zero counts.
 */
export function carriesData(anonymous: ProbeResponse, authenticated?: ProbeResponse): boolean {
  // Cut at the byte cap: far too much to be an empty result.
  if (anonymous.truncated) return true;
  if (!anonymous.text().trim()) return false;
  const body = anonymous.json();
  if (body === undefined) return true; // a page, a file, a text: something was served
  const leaves = flatten(body);
  const comparable =
    authenticated && !authenticated.truncated && authenticated.status >= 200 && authenticated.status < 300
      ? authenticated.json()
      : undefined;
  const theirs = comparable === undefined ? undefined : flatten(comparable);
  const theirValues = theirs ? new Set([...theirs.values()].filter((value) => value.startsWith('"'))) : undefined;
  for (const [path, value] of leaves) {
    if (path.endsWith('.length')) {
      if (value !== '0') return true;
      continue;
    }
    if (EMPTY_VALUES.has(value)) continue;
    if (!theirs) return true;
    // Paging and timing fields are no record: a page number, or a timing or timestamp that happens
    // to equal the authenticated answer's, would make the verdict flip between runs.
    if (NOT_DATA_FIELD.test(lastSegment(path))) continue;
    // Shared with the real answer: the same field and value, or the same string anywhere in it.
    if (theirs.get(path) === value || theirValues!.has(value)) return true;
  }
  return false;
}

/** Fields that describe the answer, not a record: paging, timing, timestamps, versions. */
const NOT_DATA_FIELD =
  /^(page|page_?size|per_?page|page_?number|limit|offset|skip|size|took|took_?ms|time|time_?ms|timing|duration|duration_?ms|elapsed|elapsed_?ms|latency|version|api_?version|request_?id|trace_?id|timestamp|now|server_?time)$|(_at|At|_time|Time|_ms|Ms)$/;

function lastSegment(path: string): string {
  return (path.split('.').at(-1) ?? '').replace(/\[\d+\]$/, '');
}

/** Leaf values (as flatten writes them) that carry nothing: null, zero, false, "", {}. */
const EMPTY_VALUES: ReadonlySet<string> = new Set(['null', '0', 'false', '""', '{}']);
