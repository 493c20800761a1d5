import { defineCheck, type CheckContext, type Exchange, type RecordedResponse } from './api.js';
import { labelExchange } from './lib/exchange-label.js';
import { classifyErrorBody, isWholeBody, type ErrorBody } from './lib/error-bodies.js';
import { isRateLimited } from './lib/rate-limit.js';

const MAX_SHAPES_LISTED = 4;

interface ErrorResponse {
  record: RecordedResponse;
  body: ErrorBody;
  /** "404 on GET /api/orders/{id}" */
  where: string;
}

const CODE_FIX =
  'Give every error a stable, documented code field (error.code, or type in problem+json) that clients can branch on; keep the message for humans.';

const VERDICTS = {
  noErrorBodies: {
    probe: 'shape',
    status: 'skip',
    message:
      'no 4xx/5xx response with a body was seen during the run ({withoutBody} without a body), so the error shape could not be judged',
  },
  onlyCutBodies: {
    probe: 'shape',
    status: 'error',
    message:
      'every 4xx/5xx body the run saw ({cut}) was cut at maxResponseBytes or too large to keep whole, so the error shape could not be judged',
  },
  manyShapes: {
    probe: 'shape',
    status: 'fail',
    message: "the run's {errors} error responses come in {count} shapes: {listed}; clients need one{notJudged}",
  },
  notJson: {
    probe: 'shape',
    status: 'fail',
    message: 'this JSON API answers errors with {shape}; send them as JSON in one shape{notJudged}',
  },
  oneShape: { probe: 'shape', status: 'pass', message: 'all {errors} error responses ({statuses}) use one shape: {shape}{notJudged}' },
  frameworkShapes: {
    probe: 'framework',
    status: 'warn',
    severity: 'low',
    message:
      "the server's own answers to broken HTTP ({requests}) use {listed}, not the app's error shape; they come from the framework or server before the app runs, so they are judged apart: give them the app's shape if your clients see them",
    remediation:
      "Most frameworks let you replace their default answers to unparseable requests (an unknown method, oversized headers or URL) with your error handler's shape; otherwise they are only seen by broken clients.",
  },
  frameworkSameShape: {
    probe: 'framework',
    status: 'pass',
    message: "the server's answers to broken HTTP ({requests}) use the app's error shape too",
  },
  noJsonErrors: {
    probe: 'code',
    status: 'fail',
    message: "none of the run's {errors} error responses is JSON, so none carries a machine-readable code",
    remediation: CODE_FIX,
  },
  noCodes: {
    probe: 'code',
    status: 'fail',
    message:
      'no JSON error response carries a machine-readable code field ({json} seen: {listed}); clients can only match the English message',
    remediation: CODE_FIX,
  },
  someWithoutCode: {
    probe: 'code',
    status: 'warn',
    message: '{without} of {json} JSON error responses carry no machine-readable code: {listed}',
    remediation: CODE_FIX,
  },
  allCoded: { probe: 'code', status: 'pass', message: 'every JSON error response ({json}) carries a machine-readable code' },
} as const;

type Ctx = CheckContext<typeof VERDICTS>;

/**
 * Reads every 4xx/5xx of the run and derives the shape of its body: one shape throughout, JSON on a
 * JSON API, and a machine-readable code a client can branch on.
 */
export default defineCheck({
  meta: {
    id: 'error-shape',
    title: 'Errors use one machine-readable shape',
    item: 'error-hygiene',
    severity: 'medium',
    rationale:
      'A client handles errors in one place. If a 401 is plain text, a 404 an HTML page and a 422 JSON, every caller writes three parsers, and branches on English messages that change.',
    remediation:
      'Send every error, from every layer (router, auth, validation, the last-resort handler), as one JSON shape with a stable code, e.g. an "error" object with "code" (not_found), "message" and "request_id", or application/problem+json (RFC 9457).',
    probes: 'nothing: reads every 4xx/5xx response of the run (bodies cut at maxResponseBytes are not judged)',
    writes: false,
    phase: 'analyze',
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    const errors: ErrorResponse[] = [];
    let empty = 0;
    let cut = 0;
    let jsonApi = false;
    // One pass over the run's records, read back one at a time: only the error answers are kept (issue 27).
    for (const record of ctx.http.eachRecorded()) {
      const { status, method } = record.exchange;
      jsonApi ||= /\bjson\b/i.test(record.exchange.responseHeaders?.['content-type'] ?? '');
      // A 429 is the rate limiter's (often a gateway's) answer, and says nothing of the API's own errors.
      if (status === undefined || status < 400 || isRateLimited(status)) continue;
      // HEAD has no body by definition; an empty body (an HTTP parser's bare 400) has no shape to judge.
      if (method === 'HEAD' || record.bodyText.trim() === '') {
        empty++;
        continue;
      }
      if (!isWholeBody(record)) {
        cut++;
        continue;
      }
      const body = classifyErrorBody(record.exchange.responseHeaders?.['content-type'], record.bodyText);
      errors.push({ record, body, where: `${status} on ${labelExchange(record.exchange, ctx.target)}` });
    }
    if (errors.length === 0) {
      if (cut) ctx.report('onlyCutBodies', { cut });
      else ctx.report('noErrorBodies', { withoutBody: empty });
      return;
    }
    const notJudged = cut ? `; ${cut} cut at maxResponseBytes, not judged` : '';
    // Answers to broken HTTP come from the framework's parser, not the app's handlers: judged apart.
    const framework = errors.filter((error) => isBrokenHttp(error.record.exchange));
    // Only framework answers seen: they are all there is to judge.
    const app = framework.length && framework.length < errors.length ? errors.filter((error) => !framework.includes(error)) : errors;
    judgeShape(ctx, app, jsonApi, { withoutBody: empty, cut, notJudged });
    judgeCodes(ctx, app);
    if (app !== errors) judgeFramework(ctx, framework, app);
  },
});

/** Methods a framework routes; any other token is answered by its parser or router, not the app. */
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);
/** How the client marks a recorded header value or URL it had to clip: it was oversized. */
const CLIPPED = /…\(\d+ more characters\)$/;

/**
 * A request the HTTP layer answers before any handler: an unknown method token, oversized headers
 * or URL (the client records them clipped), or an answer that only a server's parser gives (414, 431).
 */
function isBrokenHttp(exchange: Exchange): boolean {
  if (!HTTP_METHODS.has(exchange.method.toUpperCase())) return true;
  if (exchange.status === 414 || exchange.status === 431) return true;
  return CLIPPED.test(exchange.url) || Object.values(exchange.requestHeaders).some((value) => CLIPPED.test(value));
}

/** What was broken about a request, for messages: "an unknown method (PREFLIGHTPROBE)", "oversized headers". */
function brokenPart(exchange: Exchange): string {
  if (!HTTP_METHODS.has(exchange.method.toUpperCase())) return `an unknown method (${exchange.method})`;
  if (CLIPPED.test(exchange.url) || exchange.status === 414) return 'an oversized URL';
  return 'oversized headers';
}

/** At most a warn: the framework's answers in shapes the app's own errors do not use. */
function judgeFramework(ctx: Ctx, framework: readonly ErrorResponse[], app: readonly ErrorResponse[]): void {
  const appShapes = new Set(app.map((error) => error.body.key));
  const requests = (list: readonly ErrorResponse[]): string =>
    [...new Set(list.map((error) => `${brokenPart(error.record.exchange)} → ${error.record.exchange.status}`))].sort().join(', ');
  const other = framework.filter((error) => !appShapes.has(error.body.key));
  if (!other.length) return void ctx.report('frameworkSameShape', { requests: requests(framework) }, [framework[0]!.record.exchange]);
  const shapes = groupShapes(other);
  const listed = shapes.slice(0, MAX_SHAPES_LISTED).map(describeShape).join('; ');
  ctx.report(
    'frameworkShapes',
    { requests: requests(other), listed },
    shapes.map((shape) => shape.examples[0]!.record.exchange),
  );
}

/** The shapes in use, most frequent first, each with its first example. */
function groupShapes(errors: readonly ErrorResponse[]): Array<{ body: ErrorBody; examples: ErrorResponse[] }> {
  const byKey = new Map<string, { body: ErrorBody; examples: ErrorResponse[] }>();
  for (const error of errors) {
    const group = byKey.get(error.body.key) ?? { body: error.body, examples: [] };
    group.examples.push(error);
    byKey.set(error.body.key, group);
  }
  return [...byKey.values()].sort((a, b) => b.examples.length - a.examples.length || a.body.key.localeCompare(b.body.key));
}

function statusesOf(errors: readonly ErrorResponse[]): string {
  return [...new Set(errors.map((e) => e.record.exchange.status))].sort().join(', ');
}

function describeShape(shape: { body: ErrorBody; examples: ErrorResponse[] }): string {
  return `${shape.body.display} (${shape.examples.length}×, e.g. ${shape.examples[0]!.where})`;
}

function judgeShape(
  ctx: Ctx,
  errors: readonly ErrorResponse[],
  jsonApi: boolean,
  counts: { withoutBody: number; cut: number; notJudged: string },
): void {
  const shapes = groupShapes(errors);
  const evidence: Exchange[] = shapes.map((shape) => shape.examples[0]!.record.exchange);
  const data = {
    errors: errors.length,
    ...counts,
    shapes: shapes.map((s) => `${s.body.display}: ${s.examples.length}× (${statusesOf(s.examples)})`),
  };
  if (shapes.length > 1) {
    const listed = shapes.slice(0, MAX_SHAPES_LISTED).map(describeShape).join('; ');
    const more = shapes.length > MAX_SHAPES_LISTED ? `; and ${shapes.length - MAX_SHAPES_LISTED} more` : '';
    return void ctx.report('manyShapes', { ...data, count: shapes.length, listed: `${listed}${more}` }, evidence);
  }
  const only = shapes[0]!;
  if (jsonApi && !only.body.json) return void ctx.report('notJson', { ...data, shape: describeShape(only) }, evidence);
  ctx.report('oneShape', { ...data, statuses: statusesOf(errors), shape: only.body.display }, evidence);
}

function judgeCodes(ctx: Ctx, errors: readonly ErrorResponse[]): void {
  const json = errors.filter((e) => e.body.json);
  const without = json.filter((e) => !e.body.hasCode);
  const examples = [...new Map(without.map((e) => [e.where, e])).values()];
  const listed = examples
    .slice(0, MAX_SHAPES_LISTED)
    .map((e) => e.where)
    .join(', ');
  const evidence = examples.map((e) => e.record.exchange);
  if (json.length === 0)
    ctx.report(
      'noJsonErrors',
      { errors: errors.length },
      errors.slice(0, 3).map((e) => e.record.exchange),
    );
  else if (without.length === json.length) ctx.report('noCodes', { json: json.length, listed }, evidence);
  else if (without.length)
    ctx.report(
      'someWithoutCode',
      { without: without.length, json: json.length, listed: `${listed}${examples.length > MAX_SHAPES_LISTED ? ', …' : ''}` },
      evidence,
    );
  else ctx.report('allCoded', { json: json.length }, [json[0]!.record.exchange]);
}
