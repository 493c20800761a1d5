import { createHash } from 'node:crypto';
import { defineCheck, SEVERITY_WEIGHT, type Exchange, type LeakedSecret, type RecordedResponse, type Severity } from './api.js';
import { BODY_SIGNATURES, HEADER_SIGNATURES } from './data/leak-signatures.js';
import { configuredEndpoint, labelExchange } from './lib/exchange-label.js';
import { scanBody, scanHeaders } from './lib/leak-scan.js';
import { isRateLimited } from './lib/rate-limit.js';

const MAX_EVIDENCE = 5;

interface Group {
  kind: 'body' | 'header';
  signatureId: string;
  reveals: string;
  severity: Severity;
  /** The configured endpoint, '*' for headers; unset for leaks grouped across unconfigured paths. */
  endpoint?: string;
  excerpt: string;
  alsoMatched: string[];
  /** The finding's own key within the endpoint: stable whatever order the responses came in. */
  key: string;
  /** The first responses of the group, in the order recorded (enough to fill the evidence). */
  first: Exchange[];
  /** The first responses of the endpoint the finding is named after (for leaks across unconfigured paths: the first in sorted order so far). */
  own: { label?: string; exchanges: Exchange[] };
  /** Each endpoint it was seen on, with the first response there ("GET /admin → 200"). */
  seenOn: Map<string, string>;
  count: number;
}

const VERDICTS = {
  noResponses: { probe: 'scan', status: 'skip', message: 'no response was recorded during the run, so there was nothing to scan' },
  noErrorAnswer: {
    probe: 'scan',
    status: 'skip',
    message:
      "no error response (4xx/5xx other than 429) was seen during the run, so what the API's errors reveal could not be judged (the {responses} other responses leaked nothing)",
  },
  clean: {
    probe: 'scan',
    status: 'pass',
    message:
      "none of the run's {responses} responses ({errorResponses} of them errors; {distinctBodies} distinct bodies) matched any of {bodySignatures} body or {headerSignatures} header leak signatures",
  },
  leakedCritical: { probe: 'leak', status: 'fail', severity: 'critical', message: '{response} revealed {reveals}: {quoted}{more}' },
  leaked: { probe: 'leak', status: 'fail', severity: 'high', message: '{response} revealed {reveals}: {quoted}{more}' },
  leakedMedium: { probe: 'leak', status: 'fail', severity: 'medium', message: '{response} revealed {reveals}: {quoted}{more}' },
  versionHeader: { probe: 'header', status: 'fail', severity: 'low', message: '{seen} (first: {response}) reveal {reveals}: {quoted}' },
  debugHeader: {
    probe: 'header',
    status: 'fail',
    severity: 'medium',
    message: '{seen} (first: {response}) reveal {reveals}: {quoted}',
  },
  credentialLeaked: {
    probe: 'credential',
    status: 'fail',
    severity: 'critical',
    message: '{response} sent a credential in its {where}{more}: {masked}, masked in this report',
    remediation:
      'Treat this {kind} as compromised: rotate it now. Then remove it from every response (configuration or environment dumps, debug output, records serialised whole) and keep secrets in server-side config only.',
  },
} as const;

/**
 * Reads every response the run collected (every check's, not only this item's) for what must never
 * reach a client: stack traces, SQL and ORM errors, debug pages, file paths, internal hosts,
 * environment dumps, and headers that name the server's software and version.
 */
export default defineCheck({
  meta: {
    id: 'error-leaks',
    title: 'No response leaks stack traces, SQL, paths, hosts or versions',
    item: 'error-hygiene',
    severity: 'high',
    rationale:
      "A stack trace, the failing SQL or the database host in a response hands an attacker a map of the system, and it lands in customers' browsers and support tickets. Details belong in logs.",
    remediation:
      'Answer unknown errors with a generic 500 in your error shape ("something went wrong; quote this request id") and log the details server-side; turn off debug mode; remove version headers (Server, X-Powered-By).',
    probes: `nothing: reads every response of the run against ${BODY_SIGNATURES.length} body and ${HEADER_SIGNATURES.length} header signatures (2xx bodies only against the unmistakable ones: their paths and hosts are the API's data)`,
    writes: false,
    phase: 'analyze',
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    const ownHost = new URL(ctx.target.baseUrl).hostname.toLowerCase();
    const groups = new Map<string, Group>();
    // Hashes, not the bodies: the run's distinct bodies are not held in memory at once (issue 27).
    const scanned = new Set<string>();
    const credentials = new Map<string, CredentialLeak>();
    let responses = 0;
    let errors = 0;

    // Each group keeps only what its finding shows (the first responses, and those of the endpoint it is named after).
    const add = (group: Omit<Group, 'first' | 'own' | 'count' | 'seenOn'>, record: RecordedResponse, endpoint: string): void => {
      const id = `${group.kind} ${group.endpoint ?? '?'} ${group.key}`;
      const existing = groups.get(id) ?? { ...group, first: [], own: { exchanges: [] }, seenOn: new Map<string, string>(), count: 0 };
      groups.set(id, existing);
      existing.count++;
      if (!existing.seenOn.has(endpoint)) existing.seenOn.set(endpoint, describeResponse(record));
      if (existing.first.length < 2 * MAX_EVIDENCE) existing.first.push(record.exchange);
      const label = labelExchange(record.exchange, ctx.target);
      const own = existing.own;
      if (existing.endpoint === undefined && (own.label === undefined || label < own.label)) {
        own.label = label;
        own.exchanges = [];
      }
      if (label === (existing.endpoint ?? own.label) && own.exchanges.length < MAX_EVIDENCE) own.exchanges.push(record.exchange);
    };

    for (const record of ctx.http.eachRecorded()) {
      if (record.exchange.status === undefined) continue;
      responses++;
      if (record.exchange.status >= 400 && !isRateLimited(record.exchange.status)) errors++;
      noteCredentials(credentials, record);
      const configured = configuredEndpoint(record.exchange, ctx.target);
      const endpoint = configured?.label ?? labelExchange(record.exchange, ctx.target);
      // The same body on the same endpoint (latency samples, repeated probes) is scanned once.
      const bodyKey = shortHash(`${endpoint}\n${record.bodyText}`, 32);
      if (!scanned.has(bodyKey)) {
        scanned.add(bodyKey);
        const status = record.exchange.status ?? 0;
        for (const leak of scanBody(record.bodyText, [ownHost], { dataOnly: status >= 200 && status < 300 })) {
          const { id, reveals } = leak.signature;
          const severity = worstSeverity([leak.signature, ...leak.alsoMatched]);
          const alsoMatched = leak.alsoMatched.map((signature) => signature.id);
          // A configured endpoint is one place to fix, whatever input made it leak; other paths (other
          // checks' probes, a catch-all under /admin) are grouped by what they leak.
          const key = configured ? id : `${id}:${shortHash(leak.excerpt)}`;
          add(
            {
              kind: 'body',
              signatureId: id,
              reveals,
              severity,
              ...(configured ? { endpoint } : {}),
              excerpt: leak.excerpt,
              alsoMatched,
              key,
            },
            record,
            endpoint,
          );
        }
      }
      // A version header is usually on every response: one finding per header value, for the whole target.
      for (const leak of scanHeaders(record.exchange.responseHeaders)) {
        const { id, reveals, severity } = leak.signature;
        add(
          {
            kind: 'header',
            signatureId: id,
            reveals,
            severity,
            endpoint: '*',
            excerpt: leak.excerpt,
            alsoMatched: [],
            key: `${id}=${leak.excerpt}`,
          },
          record,
          labelExchange(record.exchange, ctx.target),
        );
      }
    }

    if (responses === 0) return void ctx.report('noResponses', {});
    const leaks = credentialLeaks(credentials);
    for (const leak of leaks) {
      const more = leak.count > 1 ? ` (${leak.count} responses)` : '';
      ctx.report(
        'credentialLeaked',
        {
          response: describeResponse(leak.first),
          kind: leak.secret.kind,
          length: leak.secret.length,
          masked: leak.secret.masked,
          where: leak.secret.where,
          more,
        },
        leak.exchanges.slice(0, MAX_EVIDENCE),
        { endpoint: labelExchange(leak.first.exchange, ctx.target), key: leak.secret.masked },
      );
    }

    if (groups.size === 0 && leaks.length === 0) {
      // Leaks live in error responses: a clean run with none of them (every probe timed out, or every
      // answer was a 429) has not shown what the API's errors look like, and must not score as a pass.
      if (errors === 0) return void ctx.report('noErrorAnswer', { responses });
      ctx.report('clean', {
        responses,
        errorResponses: errors,
        distinctBodies: scanned.size,
        bodySignatures: BODY_SIGNATURES.length,
        headerSignatures: HEADER_SIGNATURES.length,
      });
      return;
    }
    for (const group of groups.values()) {
      // Leaks across unconfigured paths are named after the first path in sorted order, not the
      // first answered, so the finding's key does not depend on timing.
      const endpoints = [...group.seenOn.keys()].sort();
      const named = group.endpoint ?? endpoints[0]!;
      const first = group.endpoint === '*' ? [...group.seenOn.values()][0]! : group.seenOn.get(named)!;
      const options = { endpoint: named, key: group.key };
      const evidence = evidenceFor(group, named);
      const data = {
        signature: group.signatureId,
        reveals: group.reveals,
        response: first,
        excerpt: group.excerpt,
        quoted: JSON.stringify(group.excerpt),
        responses: group.count,
        endpoints,
        ...(group.alsoMatched.length ? { alsoMatched: group.alsoMatched } : {}),
      };
      if (group.kind === 'header') {
        // "431 responses" would read as the status 431: the count is said as a share of the run.
        const seen = group.count > 1 ? `${group.count} of the run's responses` : 'one response';
        if (group.severity === 'low') ctx.report('versionHeader', { ...data, seen }, evidence, options);
        else ctx.report('debugHeader', { ...data, seen }, evidence, options);
        continue;
      }
      const others = endpoints.filter((endpoint) => endpoint !== named);
      const more = group.count > 1 ? ` (${group.count} responses${others.length ? `, also on ${listed(others)}` : ''})` : '';
      if (group.severity === 'critical') ctx.report('leakedCritical', { ...data, more }, evidence, options);
      else if (group.severity === 'high') ctx.report('leaked', { ...data, more }, evidence, options);
      else ctx.report('leakedMedium', { ...data, more }, evidence, options);
    }
  },
});

/**
 * Credentials an API hands its own caller in a 2xx (a session JWT from a login, a token from POST
 * /tokens) are its job, not a leak: they are masked in every record but not reported. Anything
 * else credential-shaped (cloud keys, private keys, database passwords, live API keys, password
 * hashes, or a token inside an error) must never reach a client.
 */
const ISSUED = /^(?:JWT|bearer credential|(?:access_|refresh_|id_)?token field)$/i;

interface CredentialLeak {
  secret: LeakedSecret;
  first: RecordedResponse;
  exchanges: Exchange[];
  count: number;
}

/** Adds a record's leaked credentials to `byMask`, keeping the first responses of each as its evidence. */
function noteCredentials(byMask: Map<string, CredentialLeak>, record: RecordedResponse): void {
  const status = record.exchange.status ?? 0;
  for (const secret of record.leakedSecrets ?? []) {
    if (ISSUED.test(secret.kind) && status >= 200 && status < 300) continue;
    const leak = byMask.get(secret.masked) ?? { secret, first: record, exchanges: [], count: 0 };
    byMask.set(secret.masked, leak);
    leak.count++;
    if (leak.exchanges.length < MAX_EVIDENCE && !leak.exchanges.includes(record.exchange)) leak.exchanges.push(record.exchange);
  }
}

function credentialLeaks(byMask: ReadonlyMap<string, CredentialLeak>): CredentialLeak[] {
  // Sorted by mask so the order (and so the keys' ~n suffixes) never depend on timing.
  return [...byMask.values()].sort((a, b) => a.secret.masked.localeCompare(b.secret.masked));
}

/** A leak is as severe as the worst thing its line reveals (a stack frame that also holds a password). */
function worstSeverity(signatures: ReadonlyArray<{ severity: Severity }>): Severity {
  return signatures.reduce<Severity>(
    (worst, { severity }) => (SEVERITY_WEIGHT[severity] > SEVERITY_WEIGHT[worst] ? severity : worst),
    'low',
  );
}

/** The first responses of the group, those of the endpoint it is named after first (the curl line is theirs). */
function evidenceFor(group: Group, named: string): Exchange[] {
  const own = named === '*' ? group.first : group.own.exchanges;
  const rest = group.first.filter((exchange) => !own.includes(exchange));
  return [...own, ...rest].slice(0, MAX_EVIDENCE);
}

/** Eight hex characters naming an excerpt: part of a key, so it must not depend on order. */
function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
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
