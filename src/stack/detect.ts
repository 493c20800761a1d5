// Recognises the framework and proxy behind the target from the answers the audit already got:
// headers (Server, X-Powered-By, Via, …), default error bodies, cookie names, documentation paths.
// It sends nothing. The signals are the packs' data; this file only matches them.
import type { RecordedResponse } from '../http/types.js';
import type { StackMatch, StackPack, StackSignal } from './types.js';

/** One answer, as detection looks at it. */
export interface Observation {
  method: string;
  path: string;
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * The run's answers (the ones that came back), plus where a served OpenAPI document was found: made
 * one at a time as they are read, so detection never holds the run's answers at once (issue 27).
 */
export function* observationsOf(recorded: Iterable<RecordedResponse>, discovered?: { url: string }): Generator<Observation> {
  for (const { exchange, bodyText } of recorded) {
    if (exchange.status === undefined) continue;
    yield {
      method: exchange.method,
      path: pathOf(exchange.url),
      status: exchange.status,
      headers: lowerCaseKeys(exchange.responseHeaders ?? {}),
      body: bodyText,
    };
  }
  if (discovered) yield { method: 'GET', path: pathOf(discovered.url), status: 200, headers: {}, body: '' };
}

/** The stacks whose signals add up to 2 or more, with what showed each; frameworks first. */
export function detectStacks(packs: readonly StackPack[], seen: Iterable<Observation>): StackMatch[] {
  // One pass over the answers: each signal keeps the first answer that shows it.
  const firstHit = new Map<StackSignal, Observation>();
  const signals = packs.flatMap((pack) => pack.signals);
  for (const observation of seen) {
    for (const signal of signals) if (!firstHit.has(signal) && matches(signal, observation)) firstHit.set(signal, observation);
    if (firstHit.size === signals.length) break;
  }
  const found: Array<StackMatch & { score: number; supersedes: readonly string[] }> = [];
  for (const pack of packs) {
    let score = 0;
    const evidence: string[] = [];
    for (const signal of pack.signals) {
      const hit = firstHit.get(signal);
      if (!hit) continue;
      score += signal.weight ?? 2;
      evidence.push(`${signal.says} (${hit.method} ${hit.path} → ${hit.status})`);
    }
    if (score >= 2) found.push({ id: pack.id, name: pack.name, kind: pack.kind, evidence, score, supersedes: pack.supersedes ?? [] });
  }
  const hidden = new Set(found.flatMap((match) => match.supersedes));
  return found
    .filter((match) => !hidden.has(match.id))
    .sort((a, b) => (a.kind === b.kind ? b.score - a.score || a.id.localeCompare(b.id) : a.kind === 'framework' ? -1 : 1))
    .map(({ id, name, kind, evidence }) => ({ id, name, kind, evidence }));
}

// Run for every signal of every pack on every recorded answer: no array is built per signal and answer.
function matches(signal: StackSignal, seen: Observation): boolean {
  if (signal.status !== undefined) {
    if (typeof signal.status === 'number' ? signal.status !== seen.status : !signal.status.includes(seen.status)) return false;
  }
  if (signal.path && !signal.path.test(seen.path)) return false;
  if (!headerMatches(signal.header, seen) || !headerMatches(signal.alsoHeader, seen)) return false;
  if (signal.without?.some((name) => seen.headers[name] !== undefined)) return false;
  if (signal.body && !signal.body.test(seen.body)) return false;
  if (signal.cookie) {
    const pattern = signal.cookie;
    if (!cookieNames(seen.headers['set-cookie']).some((name) => pattern.test(name))) return false;
  }
  return true;
}

function headerMatches(rule: StackSignal['header'], seen: Observation): boolean {
  if (rule === undefined) return true;
  const value = seen.headers[rule[0]];
  return value !== undefined && rule[1].test(value);
}

/** The names of the cookies a response sets (repeated Set-Cookie headers are joined with line breaks). */
function cookieNames(setCookie: string | undefined): string[] {
  if (!setCookie) return [];
  return setCookie
    .split('\n')
    .map((line) => line.split('=')[0]?.trim() ?? '')
    .filter(Boolean);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
