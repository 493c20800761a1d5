// What the audit's own probes did to the target: a probe that took the server down, and write
// probes that left an endpoint broken for every later reader. Both are the most important
// findings of a run, and both are named after the request that did it, with its curl line.
import { makeFinding } from '../check-api/finding.js';
import { requestLine } from '../http/attempt.js';
import { endpointRequest } from '../http/endpoint-request.js';
import { ProbeError, type HttpClient } from '../http/types.js';
import type { Endpoint, Exchange, Finding } from '../types.js';
import type { Check } from '../check-api/contract.js';
import type { EndpointAnswer } from './coverage.js';
import type { LivenessWatch, Replay } from './liveness.js';

/** A crash becomes a critical finding of the check that sent the request (or of each, when several were in flight). */
export function crashFindings(
  watch: LivenessWatch,
  checks: readonly Check[],
  recoveryMs: number,
  redact: (text: string) => string,
): Finding[] {
  const findings: Finding[] = [];
  for (const crash of watch.crashes) {
    const outcome = crash.recovered
      ? `it was back after ${Math.round(crash.downMs / 1000)} s and the run went on; probes sent while it was down are undecided`
      : `it did not come back within ${Math.round(recoveryMs / 1000)} s, so the run ended there and everything after is undecided`;
    // Replayed alone once the target was back: the confirmed suspects are the ones named.
    const confirmed = crash.suspects.filter((exchange) => crash.replays.get(exchange.id)?.confirmed);
    const named = confirmed.length ? confirmed : crash.suspects;
    const bySender = new Map<string, { check: Check; endpoint: string; exchanges: Exchange[] }>();
    for (const exchange of named) {
      const sender = watch.senderOf(exchange);
      const check = checks.find((c) => c.meta.id === sender?.checkId) ?? checks[0];
      if (!check) continue;
      const key = `${check.meta.id}\u0000${sender?.endpoint ?? '*'}`;
      const entry = bySender.get(key) ?? { check, endpoint: sender?.endpoint ?? '*', exchanges: [] };
      entry.exchanges.push(exchange);
      bySender.set(key, entry);
    }
    const several = !confirmed.length && named.length > 1 ? ' (one of the requests in flight when it died)' : '';
    for (const { check, endpoint, exchanges } of bySender.values()) {
      const replayed = exchanges.map((exchange) => replayNote(exchange, crash.replays.get(exchange.id))).filter(Boolean);
      findings.push(
        makeFinding(
          check.meta,
          endpoint,
          'tookTargetDown',
          { requests: exchanges.map(requestLine), outcome: `${outcome}${several}${replayed.map((note) => `; ${note}`).join('')}` },
          exchanges,
          {},
          redact,
        ),
      );
    }
  }
  return findings;
}

/** What replaying a suspect alone showed, for the finding's message ('' when it was not replayed). */
function replayNote(exchange: Exchange, replay: Replay | undefined): string {
  if (!replay) return '';
  return replay.confirmed
    ? `confirmed: ${requestLine(exchange)} takes the server down (it died again when replayed)`
    : `not confirmed: ${requestLine(exchange)} answered ${replay.answer} when replayed alone and the server stayed up`;
}

/** Same collection: the write went to the read's path, or one path is below the other. */
function sameCollection(readPath: string, writeUrl: string): boolean {
  const strip = (path: string): string => path.replace(/\/\{[^}]+\}.*$/, '').replace(/\/+$/, '');
  const read = strip(readPath);
  const written = strip(new URL(writeUrl).pathname);
  return read === written || written.startsWith(`${read}/`) || read.startsWith(`${written}/`);
}

/**
 * After the heavy write probes, re-read every GET endpoint that answered 2xx before them. Two 5xx
 * (or two failures while the target is up) in a row mean the writes broke it for every reader.
 */
export async function brokenByWrites(
  before: readonly EndpointAnswer[],
  writes: ReadonlyArray<{ check: Check; exchange: Exchange }>,
  http: HttpClient,
  redact: (text: string) => string,
): Promise<{ findings: Finding[]; broken: Set<Endpoint> }> {
  const findings: Finding[] = [];
  const broken = new Set<Endpoint>();
  for (const answer of before) {
    const { endpoint } = answer;
    if (endpoint.method !== 'GET' || answer.status === undefined || answer.status >= 300) continue;
    const related = writes.filter((w) => sameCollection(endpoint.path, w.exchange.url));
    if (!related.length) continue;
    const reads = [await reread(endpoint, http), await reread(endpoint, http)];
    if (!reads.every((r) => r.failed)) continue;
    broken.add(endpoint);
    const culprit = related.at(-1)!;
    findings.push(
      makeFinding(
        culprit.check.meta,
        endpoint.label,
        'brokeEndpoint',
        {
          requests: related.slice(-2).map((w) => requestLine(w.exchange)),
          endpoint: endpoint.label,
          status: reads.map((r) => r.answer).join(', '),
          before: answer.status,
        },
        [...related.slice(-2).map((w) => w.exchange), ...reads.flatMap((r) => (r.exchange ? [r.exchange] : []))],
        {},
        redact,
      ),
    );
  }
  return { findings, broken };
}

async function reread(endpoint: Endpoint, http: HttpClient): Promise<{ failed: boolean; answer: string; exchange?: Exchange }> {
  try {
    const response = await http.send({
      ...endpointRequest(endpoint),
      maxResponseBytes: 16 * 1024,
      purpose: 'still answering after the write probes?',
    });
    return { failed: response.status >= 500, answer: String(response.status), exchange: response.exchange };
  } catch (error) {
    if (!(error instanceof ProbeError) || ['budget', 'deadline', 'aborted', 'target-down'].includes(error.code))
      return { failed: false, answer: 'not read' };
    return { failed: true, answer: `no answer (${error.code})`, ...(error.exchange ? { exchange: error.exchange } : {}) };
  }
}
