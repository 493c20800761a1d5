import { randomUUID } from 'node:crypto';
import { defineCheck, fillPath, type CheckContext, type LogRead, type ProbeRequest } from './api.js';
import { tracedLine, tracedRequests, type TracedRequest } from './lib/audit-traffic.js';
import {
  fieldsPresent,
  lineValues,
  parseLogLines,
  quoteAround,
  quoteLine,
  REQUEST_FIELDS,
  reportsError,
  type LogLine,
} from './lib/log-lines.js';

/** Share of the audit's request ids the logs must hold. */
const MIN_LOGGED = 0.95;
/** Credentials shorter than this are not looked for (they would match by chance). */
const MIN_SECRET_LENGTH = 6;

const VERDICTS = {
  notConfigured: {
    probe: 'ids',
    status: 'skip',
    message: 'not audited: add observability.logs (a log file, or a command such as docker compose logs) to check the request logs',
  },
  idsLogged: {
    probe: 'ids',
    status: 'pass',
    message: '{found} of {ids} request ids the audit sent or got back are in structured lines of {source}',
  },
  idsMissing: {
    probe: 'ids',
    status: 'fail',
    message: '{missing} of {ids} request ids the audit sent or got back are in no structured line of {source}, e.g. {example}',
    remediation:
      'Log one structured line per request (pino-http, structlog, logback JSON) that carries the request id the response returns in {header}, so a customer’s "it failed at 10:42" can be found.',
  },
  plainText: {
    probe: 'ids',
    status: 'fail',
    message: '{plain} of {lines} lines in {source} are plain text without the audit’s request ids, e.g. {line}',
    remediation: 'Log JSON (or logfmt) lines with the request id, method, route, status and duration, so they can be searched and counted.',
  },
  fieldsLogged: { probe: 'fields', status: 'pass', message: 'the audit’s request lines carry method, path, status and duration' },
  missingFields: {
    probe: 'fields',
    status: 'fail',
    severity: 'medium',
    message: 'the structured lines of the audit’s requests lack {fields}, e.g. {line}',
    remediation: 'Log method, route (or path), status and duration on the request line (pino-http and most request loggers do by default).',
  },
  serverErrorsLogged: { probe: 'errors', status: 'pass', message: 'every 5xx the audit provoked ({count}) has a log line with the error' },
  silentServerError: {
    probe: 'errors',
    status: 'fail',
    message: '{request} (request id {id}) has no log line with the error in {source}: an invisible 5xx',
    remediation: 'Log every request that ends in a 5xx at error level with the error and its stack, in the error handler that answers it.',
  },
  noCredentialsInLogs: {
    probe: 'credentials',
    status: 'pass',
    message: 'neither the canary token nor a configured credential is in the {lines} lines of {source}',
  },
  credentialsLogged: {
    probe: 'credentials',
    status: 'fail',
    severity: 'critical',
    message: '{what} in {count} line(s) of {source}, e.g. {line}',
    remediation:
      'Never log Authorization, Cookie or token headers: redact them in the logger (pino redact: ["req.headers.authorization", "req.headers.cookie"]) or log only the fields you need; rotate the credentials that were logged.',
  },
} as const;

type Ctx = CheckContext<typeof VERDICTS>;

/**
 * The service's request logs saw the audit: its request ids in structured lines with method, path,
 * status and duration, every 5xx with its error, and never a credential (a canary token is sent to tell).
 */
export default defineCheck({
  meta: {
    id: 'request-logs',
    title: 'Request logs hold the audit’s request ids, its errors and no credentials',
    item: 'observability',
    severity: 'high',
    rationale:
      'Logs are where an incident is explained: without request ids and fields a failing request cannot be found, an unlogged 500 is invisible, and a logged bearer token is a leak to everyone who can read logs.',
    remediation: 'Use a structured request logger that logs the request id, method, route, status and duration, and redacts credentials.',
    probes: 'one GET with a unique canary bearer token; then reads the logs (observability.logs) written during the audit',
    writes: false,
    phase: 'analyze',
    verdicts: VERDICTS,
    cost: { requestsPerRun: 1 },
  },
  scope: 'target',
  applies: (target) => target.observability !== undefined,

  async run(ctx) {
    const observability = ctx.target.observability;
    if (!observability?.logs || !ctx.telemetry) return void ctx.report('notConfigured', {});
    await sendCanary(ctx, observability.canary);
    const { traced } = tracedRequests(ctx);
    const read = await ctx.telemetry.logs();
    const lines = await parseLogLines(read.lines);
    judgeCredentials(ctx, lines, read, observability.canary);
    judgeIds(ctx, lines, read, traced);
  },
});

/** One GET the run would send anyway (a configured read), with the canary as its bearer token and a fresh request id. */
async function sendCanary(ctx: Ctx, canary: string): Promise<void> {
  const endpoint = ctx.target.endpoints.find((e) => e.method === 'GET');
  const request: ProbeRequest = {
    method: 'GET',
    path: endpoint ? fillPath(endpoint) : (ctx.target.health ?? '/'),
    ...(endpoint ? { query: endpoint.query } : {}),
    headers: { Authorization: `Bearer ${canary}`, [ctx.target.requestId.header]: `preflight-${randomUUID()}` },
    auth: false,
    purpose: 'canary bearer token (must never be logged)',
  };
  try {
    await ctx.http.send(request);
  } catch {
    // The logs are still judged on the configured credentials and the rest of the audit's traffic.
  }
}

function judgeCredentials(ctx: Ctx, lines: readonly LogLine[], read: LogRead, canary: string): void {
  const credentials = ctx.target.secrets.map((s) => s.value).filter((value) => value.length >= MIN_SECRET_LENGTH && value !== canary);
  const withCanary = lines.filter((line) => line.raw.includes(canary));
  const withCredential = lines.filter((line) => credentials.some((value) => line.raw.includes(value)));
  const leaking = [...new Set([...withCanary, ...withCredential])];
  if (!leaking.length) return void ctx.report('noCredentialsInLogs', { lines: lines.length, source: read.source });
  const what = [
    ...(withCanary.length ? ['the canary bearer token the audit sent'] : []),
    ...(withCredential.length ? ['a configured credential'] : []),
  ].join(' and ');
  // The line is masked when the finding is made: the canary and every credential are secrets of the run.
  const first = leaking[0]!.raw;
  const leaked = [canary, ...credentials].find((value) => first.includes(value)) ?? canary;
  ctx.report('credentialsLogged', { what, count: leaking.length, source: read.source, line: quoteAround(first, leaked) });
}

function judgeIds(ctx: Ctx, lines: readonly LogLine[], read: LogRead, traced: readonly TracedRequest[]): void {
  const header = ctx.target.requestId.header;
  const structured = new Map<string, LogLine[]>();
  const plainWords = new Set<string>();
  for (const line of lines) {
    for (const value of lineValues(line)) {
      if (!line.fields) plainWords.add(value);
      else {
        const holding = structured.get(value);
        if (holding) holding.push(line);
        else structured.set(value, [line]);
      }
    }
  }
  const linesOf = (request: TracedRequest): LogLine[] => [...new Set(request.ids.flatMap((id) => structured.get(id) ?? []))];
  const withIds = traced.filter((request) => request.ids.length > 0);
  const found = withIds.filter((request) => linesOf(request).length > 0);
  const missing = withIds.filter((request) => linesOf(request).length === 0);
  const source = read.source;
  if (withIds.length && found.length >= MIN_LOGGED * withIds.length)
    ctx.report('idsLogged', { found: found.length, ids: withIds.length, source });
  else if (withIds.length) {
    const plain = lines.filter((line) => !line.fields);
    if (plain.length > lines.length / 2)
      ctx.report('plainText', { plain: plain.length, lines: lines.length, source, line: quoteLine(plain[0]!.raw) });
    else {
      const first = missing[0]!;
      const example = `${tracedLine(first)} (${header}: ${first.ids.join(' / ')})`;
      ctx.report('idsMissing', { missing: missing.length, ids: withIds.length, source, example, header }, [first.exchange]);
    }
  }
  judgeFields(ctx, found.map(linesOf));
  judgeServerErrors(ctx, traced, linesOf, lines, plainWords, source);
}

/** The fields a request line needs, judged on the lines of the requests found (a field may sit on a second line of the same request). */
function judgeFields(ctx: Ctx, requests: readonly LogLine[][]): void {
  if (!requests.length) return;
  const groups = Object.keys(REQUEST_FIELDS) as Array<keyof typeof REQUEST_FIELDS>;
  const lacking = groups.filter((group) => requests.filter((lines) => !fieldsPresent(lines).has(group)).length > requests.length / 2);
  if (!lacking.length) return void ctx.report('fieldsLogged', {});
  ctx.report('missingFields', { fields: lacking.join(', '), line: quoteLine(requests[0]![0]!.raw) });
}

function judgeServerErrors(
  ctx: Ctx,
  traced: readonly TracedRequest[],
  linesOf: (request: TracedRequest) => LogLine[],
  lines: readonly LogLine[],
  plainWords: ReadonlySet<string>,
  source: string,
): void {
  const failed = traced.filter((request) => request.status >= 500);
  if (!failed.length) return;
  let silent = 0;
  for (const request of failed) {
    // By its request id; without one (the service gave none), by a structured line with its path and status.
    // A plain-text line that names the id counts when it says error; a structured one needs an error level or field.
    const own = request.ids.length ? linesOf(request) : lines.filter((line) => samePathAndStatus(line, request));
    const logged = own.some(reportsError) || request.ids.some((id) => plainWords.has(id));
    if (logged) continue;
    silent++;
    ctx.report('silentServerError', { request: tracedLine(request), id: request.ids[0] ?? 'none', source }, [request.exchange], {
      key: `${request.method} ${request.path}`,
    });
  }
  if (!silent) ctx.report('serverErrorsLogged', { count: failed.length });
}

/** A structured line that names this request's path (alone or with its query) and its status. */
function samePathAndStatus(line: LogLine, request: TracedRequest): boolean {
  if (!line.fields) return false;
  const values = lineValues(line);
  return values.includes(String(request.status)) && values.some((value) => value === request.path || value.startsWith(`${request.path}?`));
}
