import type { RecordedResponse } from '../src/http/types.js';
import { SEVERITY_WEIGHT, type Check, type CheckContext, type Exchange, type Finding, type Severity } from '../src/types.js';
import { BODY_SIGNATURES, HEADER_SIGNATURES } from './data/leak-signatures.js';
import { configuredEndpoint, labelExchange } from './lib/exchange-label.js';
import { scanBody, scanHeaders } from './lib/leak-scan.js';
import { isRateLimited } from './lib/rate-limit.js';

const MAX_EVIDENCE = 5;

interface Group {
  signatureId: string;
  reveals: string;
  severity: Severity;
  /** The endpoint of the first response; others are listed in the message. */
  endpoint: string;
  excerpt: string;
  where: string;
  alsoMatched: string[];
  exchanges: Exchange[];
  endpoints: Set<string>;
  count: number;
}

/**
 * Reads every response the run collected (every check's, not only this item's) for what must never
 * reach a client: stack traces, SQL and ORM errors, debug pages, file paths, internal hosts,
 * environment dumps, and headers that name the server's software and version.
 */
const check: Check = {
  meta: {
    id: 'error-leaks',
    title: 'No response leaks stack traces, SQL, paths, hosts or versions',
    item: 'error-hygiene',
    severity: 'high',
    rationale:
      'A stack trace, the failing SQL or the database host in a response hands an attacker a map of the system, and it lands in customers\' browsers and support tickets. Details belong in logs.',
    remediation:
      'Answer unknown errors with a generic 500 in your error shape ("something went wrong; quote this request id") and log the details server-side; turn off debug mode; remove version headers (Server, X-Powered-By).',
    probes: `nothing: reads every response of the run against ${BODY_SIGNATURES.length} body and ${HEADER_SIGNATURES.length} header signatures`,
    writes: false,
    phase: 'analyze',
  },

  applies: () => 'target',

  async run(ctx: CheckContext): Promise<Finding[]> {
    const recorded = ctx.http.recorded().filter((r) => r.exchange.status !== undefined);
    if (recorded.length === 0) return [ctx.finding({ status: 'skip', message: 'no response was recorded during the run, so there was nothing to scan' })];
    const ownHost = new URL(ctx.target.baseUrl).hostname.toLowerCase();
    const groups = new Map<string, Group>();
    const scanned = new Set<string>();

    const add = (key: string, group: Omit<Group, 'exchanges' | 'count' | 'endpoints'>, exchange: Exchange, endpoint: string): void => {
      const existing = groups.get(key);
      if (existing) {
        existing.count++;
        existing.endpoints.add(endpoint);
        if (existing.exchanges.length < MAX_EVIDENCE) existing.exchanges.push(exchange);
      } else groups.set(key, { ...group, exchanges: [exchange], endpoints: new Set([endpoint]), count: 1 });
    };

    for (const record of recorded) {
      const configured = configuredEndpoint(record.exchange, ctx.target);
      const endpoint = configured?.label ?? labelExchange(record.exchange, ctx.target);
      // The same body on the same endpoint (latency samples, repeated probes) is scanned once.
      const bodyKey = `${endpoint}\n${record.bodyText}`;
      if (!scanned.has(bodyKey)) {
        scanned.add(bodyKey);
        for (const leak of scanBody(record.bodyText, [ownHost])) {
          const { id, reveals } = leak.signature;
          const severity = worstSeverity([leak.signature, ...leak.alsoMatched]);
          const alsoMatched = leak.alsoMatched.map((signature) => signature.id);
          // A configured endpoint is one place to fix, whatever input made it leak; other paths (other
          // checks' probes, a catch-all under /admin) are grouped by what they leak.
          const key = configured ? `body ${id} ${endpoint}` : `body ${id} ${leak.excerpt}`;
          add(key, { signatureId: id, reveals, severity, endpoint, excerpt: leak.excerpt, where: describeResponse(record), alsoMatched }, record.exchange, endpoint);
        }
      }
      // A version header is usually on every response: one finding per header value, for the whole target.
      for (const leak of scanHeaders(record.exchange.responseHeaders)) {
        const { id, reveals, severity } = leak.signature;
        add(`header ${id} ${leak.excerpt}`, { signatureId: id, reveals, severity, endpoint: '*', excerpt: leak.excerpt, where: describeResponse(record), alsoMatched: [] }, record.exchange, '*');
      }
    }

    if (groups.size === 0) {
      // Leaks live in error responses: a clean run with none of them (every probe timed out, or every
      // answer was a 429) has not shown what the API's errors look like, and must not score as a pass.
      const errors = recorded.filter((r) => (r.exchange.status ?? 0) >= 400 && !isRateLimited(r.exchange.status)).length;
      if (errors === 0) {
        return [ctx.finding({ status: 'skip', message: `no error response (4xx/5xx other than 429) was seen during the run, so what the API's errors reveal could not be judged (the ${recorded.length} other responses leaked nothing)` })];
      }
      return [
        ctx.finding({
          status: 'pass',
          message: `none of the run's ${recorded.length} responses (${errors} of them errors; ${scanned.size} distinct bodies) matched any of ${BODY_SIGNATURES.length} body or ${HEADER_SIGNATURES.length} header leak signatures`,
          data: { responses: recorded.length, errorResponses: errors, distinctBodies: scanned.size },
        }),
      ];
    }
    return [...groups.values()].map((group) =>
      ctx.finding({
        status: 'fail',
        severity: group.severity,
        endpoint: group.endpoint,
        message: messageOf(group),
        evidence: group.exchanges,
        data: { signature: group.signatureId, responses: group.count, endpoints: [...group.endpoints], excerpt: group.excerpt, ...(group.alsoMatched.length ? { alsoMatched: group.alsoMatched } : {}) },
      }),
    );
  },
};

export default check;

/** A leak is as severe as the worst thing its line reveals (a stack frame that also holds a password). */
function worstSeverity(signatures: ReadonlyArray<{ severity: Severity }>): Severity {
  return signatures.reduce<Severity>((worst, { severity }) => (SEVERITY_WEIGHT[severity] > SEVERITY_WEIGHT[worst] ? severity : worst), 'low');
}

function messageOf(group: Group): string {
  const quoted = JSON.stringify(group.excerpt);
  if (group.endpoint === '*') return `${group.count} response${group.count > 1 ? 's' : ''} (first: ${group.where}) reveal ${group.reveals}: ${quoted}`;
  const others = [...group.endpoints].filter((endpoint) => endpoint !== group.endpoint);
  const more = group.count > 1 ? ` (${group.count} responses${others.length ? `, also on ${listed(others)}` : ''})` : '';
  return `${group.where} revealed ${group.reveals}: ${quoted}${more}`;
}

function listed(items: readonly string[], max = 3): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}

/** "GET /api/orders?limit=abc → 500": the request as sent, path and query, and its status. */
function describeResponse(record: RecordedResponse): string {
  const { method, url, status } = record.exchange;
  let target = url;
  try {
    const parsed = new URL(url);
    target = `${parsed.pathname}${parsed.search}`;
  } catch {
    // keep the URL as recorded
  }
  const shown = target.length > 80 ? `${target.slice(0, 79)}…` : target;
  return `${method} ${shown} → ${status}`;
}
