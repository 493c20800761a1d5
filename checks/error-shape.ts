import type { RecordedResponse } from '../src/http/types.js';
import type { Check, CheckContext, Exchange, Finding } from '../src/types.js';
import { labelExchange } from './lib/exchange-label.js';
import { classifyErrorBody, type ErrorBody } from './lib/error-bodies.js';
import { isRateLimited } from './lib/rate-limit.js';

const MAX_SHAPES_LISTED = 4;

interface ErrorResponse {
  record: RecordedResponse;
  body: ErrorBody;
  /** "404 on GET /api/orders/{id}" */
  where: string;
}

/**
 * Reads every 4xx/5xx of the run and derives the shape of its body: one shape throughout, JSON on a
 * JSON API, and a machine-readable code a client can branch on.
 */
const check: Check = {
  meta: {
    id: 'error-shape',
    title: 'Errors use one machine-readable shape',
    item: 'error-hygiene',
    severity: 'medium',
    rationale:
      'A client handles errors in one place. If a 401 is plain text, a 404 an HTML page and a 422 JSON, every caller writes three parsers, and branches on English messages that change.',
    remediation:
      'Send every error, from every layer (router, auth, validation, the last-resort handler), as one JSON shape with a stable code, e.g. {"error":{"code":"not_found","message":"…","request_id":"…"}} or application/problem+json (RFC 9457).',
    probes: 'nothing: reads every 4xx/5xx response of the run',
    writes: false,
    phase: 'analyze',
  },

  applies: () => 'target',

  async run(ctx: CheckContext): Promise<Finding[]> {
    const recorded = ctx.http.recorded();
    const errors: ErrorResponse[] = [];
    let empty = 0;
    for (const record of recorded) {
      const { status, method } = record.exchange;
      // A 429 is the rate limiter's (often a gateway's) answer, and says nothing of the API's own errors.
      if (status === undefined || status < 400 || isRateLimited(status)) continue;
      // HEAD has no body by definition; an empty body (an HTTP parser's bare 400) has no shape to judge.
      if (method === 'HEAD' || record.bodyText.trim() === '') {
        empty++;
        continue;
      }
      const body = classifyErrorBody(record.exchange.responseHeaders?.['content-type'], record.bodyText);
      errors.push({ record, body, where: `${status} on ${labelExchange(record.exchange, ctx.target)}` });
    }
    if (errors.length === 0) {
      return [ctx.finding({ status: 'skip', message: `no 4xx/5xx response with a body was seen during the run (${empty} without a body), so the error shape could not be judged` })];
    }
    const jsonApi = recorded.some((r) => /\bjson\b/i.test(r.exchange.responseHeaders?.['content-type'] ?? ''));
    return [shapeFinding(ctx, errors, jsonApi, empty), codeFinding(ctx, errors)];
  },
};

export default check;

/** The shapes in use, most frequent first, each with its first example. */
function groupShapes(errors: readonly ErrorResponse[]): Array<{ body: ErrorBody; examples: ErrorResponse[] }> {
  const byKey = new Map<string, { body: ErrorBody; examples: ErrorResponse[] }>();
  for (const error of errors) {
    const group = byKey.get(error.body.key) ?? { body: error.body, examples: [] };
    group.examples.push(error);
    byKey.set(error.body.key, group);
  }
  return [...byKey.values()].sort((a, b) => b.examples.length - a.examples.length);
}

function statusesOf(errors: readonly ErrorResponse[]): string {
  return [...new Set(errors.map((e) => e.record.exchange.status))].sort().join(', ');
}

function describeShape(shape: { body: ErrorBody; examples: ErrorResponse[] }): string {
  return `${shape.body.display} (${shape.examples.length}×, e.g. ${shape.examples[0]!.where})`;
}

function shapeFinding(ctx: CheckContext, errors: readonly ErrorResponse[], jsonApi: boolean, empty: number): Finding {
  const shapes = groupShapes(errors);
  const evidence: Exchange[] = shapes.map((shape) => shape.examples[0]!.record.exchange);
  const data = { errors: errors.length, withoutBody: empty, shapes: shapes.map((s) => ({ shape: s.body.display, count: s.examples.length, statuses: statusesOf(s.examples) })) };
  const listed = shapes.slice(0, MAX_SHAPES_LISTED).map(describeShape).join('; ');
  const more = shapes.length > MAX_SHAPES_LISTED ? `; and ${shapes.length - MAX_SHAPES_LISTED} more` : '';
  if (shapes.length > 1) {
    return ctx.finding({ status: 'fail', message: `the run's ${errors.length} error responses come in ${shapes.length} shapes: ${listed}${more}; clients need one`, evidence, data });
  }
  const only = shapes[0]!;
  if (jsonApi && !only.body.json) {
    return ctx.finding({ status: 'fail', message: `this JSON API answers errors with ${describeShape(only)}; send them as JSON in one shape`, evidence, data });
  }
  return ctx.finding({ status: 'pass', message: `all ${errors.length} error responses (${statusesOf(errors)}) use one shape: ${only.body.display}`, evidence, data });
}

function codeFinding(ctx: CheckContext, errors: readonly ErrorResponse[]): Finding {
  const json = errors.filter((e) => e.body.json);
  const without = json.filter((e) => !e.body.hasCode);
  const remediation = 'Give every error a stable, documented code field (error.code, or type in problem+json) that clients can branch on; keep the message for humans.';
  const examples = [...new Map(without.map((e) => [e.where, e])).values()];
  const listed = examples.slice(0, MAX_SHAPES_LISTED).map((e) => e.where).join(', ');
  if (json.length === 0) {
    return ctx.finding({ status: 'fail', message: `none of the run's ${errors.length} error responses is JSON, so none carries a machine-readable code`, remediation, evidence: errors.slice(0, 3).map((e) => e.record.exchange) });
  }
  if (without.length === json.length) {
    return ctx.finding({ status: 'fail', message: `no JSON error response carries a machine-readable code field (${json.length} seen: ${listed}); clients can only match the English message`, remediation, evidence: examples.map((e) => e.record.exchange) });
  }
  if (without.length) {
    return ctx.finding({
      status: 'warn',
      message: `${without.length} of ${json.length} JSON error responses carry no machine-readable code: ${listed}${examples.length > MAX_SHAPES_LISTED ? ', …' : ''}`,
      remediation,
      evidence: examples.map((e) => e.record.exchange),
    });
  }
  return ctx.finding({ status: 'pass', message: `every JSON error response (${json.length}) carries a machine-readable code`, evidence: [json[0]!.record.exchange] });
}
