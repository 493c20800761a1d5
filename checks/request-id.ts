import { randomUUID } from 'node:crypto';
import { fillPath } from '../src/config/endpoints.js';
import type { ProbeRequest, ProbeResponse } from '../src/http/types.js';
import type { Check, CheckContext, Finding } from '../src/types.js';

/**
 * Every request has a request id: the client's id is echoed, one is generated when absent, ids are
 * unique, and error responses carry one too (that is when support needs it most).
 */
const check: Check = {
  meta: {
    id: 'request-id',
    title: 'Request id echoed, generated and present on errors',
    item: 'request-id',
    severity: 'medium',
    rationale:
      'Without a request id, a customer\'s "it failed at 10:42" cannot be tied to a log line; the id must cross every hop, errors included.',
    remediation:
      'Add middleware that reads the request-id header (or generates a UUID when absent), puts it on every log line, and sets it on every response, errors included.',
    probes: 'GET with and without a request-id header, on a normal path, an unknown path and an unauthenticated call',
    writes: false,
  },

  applies: () => 'target',

  async run(ctx: CheckContext): Promise<Finding[]> {
    const header = ctx.target.requestId.header;
    const name = header.toLowerCase();
    const getEndpoint = ctx.target.endpoints.find((e) => e.method === 'GET' && !e.path.includes('{')) ?? ctx.target.endpoints.find((e) => e.method === 'GET');
    const path = getEndpoint ? fillPath(getEndpoint) : (ctx.target.health ?? '/');
    const base: ProbeRequest = { method: 'GET', path, ...(getEndpoint ? { query: getEndpoint.query, headers: getEndpoint.headers } : {}) };
    const findings: Finding[] = [];

    // 1. The client's id comes back unchanged.
    const sent = `preflight-${randomUUID()}`;
    const echoed = await ctx.http.send({ ...base, headers: { ...base.headers, [header]: sent }, purpose: `${header} sent` });
    const got = echoed.headers[name];
    if (got === sent) {
      findings.push(ctx.finding({ status: 'pass', message: `GET ${path} echoed the ${header} it was sent`, evidence: [echoed.exchange] }));
    } else if (got) {
      findings.push(
        ctx.finding({
          status: 'warn',
          message: `GET ${path} was sent ${header}: ${sent} but answered with a different id (${got}); the caller's id is lost`,
          remediation: `Keep the caller's ${header} when present (validate its length and characters) and generate one only when absent.`,
          evidence: [echoed.exchange],
        }),
      );
    } else {
      findings.push(
        ctx.finding({ status: 'fail', message: `GET ${path} was sent ${header}: ${sent} and answered ${echoed.status} with no ${header} response header`, evidence: [echoed.exchange] }),
      );
    }

    // 2. Without one, the server makes one, different each time.
    const first = await ctx.http.send({ ...base, purpose: `no ${header} sent` });
    const second = await ctx.http.send({ ...base, purpose: `no ${header} sent, again` });
    const ids = [first.headers[name], second.headers[name]];
    if (!ids[0] || !ids[1]) {
      const missing = ids[0] ? second : first;
      findings.push(ctx.finding({ status: 'fail', message: `GET ${path} without ${header} answered ${missing.status} with no ${header} response header: the server does not generate one`, evidence: [missing.exchange] }));
    } else if (ids[0] === ids[1]) {
      findings.push(ctx.finding({ status: 'fail', message: `two requests to GET ${path} got the same generated ${header} (${ids[0]}); ids must be unique per request`, evidence: [first.exchange, second.exchange] }));
    } else {
      findings.push(ctx.finding({ status: 'pass', message: `GET ${path} without ${header} got a fresh id each time (${ids[0]}, ${ids[1]})`, evidence: [first.exchange, second.exchange] }));
    }

    // 3. Error responses carry it too: an unknown path, and an anonymous call where auth is expected.
    const errorProbes: Array<{ what: string; request: ProbeRequest }> = [
      { what: 'an unknown path', request: { method: 'GET', path: `/preflight-not-found-${randomUUID().slice(0, 8)}` } },
    ];
    const guarded = ctx.target.endpoints.find((e) => e.method === 'GET' && !e.public);
    if (guarded) errorProbes.push({ what: `${guarded.label} without credentials`, request: { method: 'GET', path: fillPath(guarded), auth: false } });
    const missingOnError: ProbeResponse[] = [];
    const errorResponses: ProbeResponse[] = [];
    for (const probe of errorProbes) {
      const id = `preflight-${randomUUID()}`;
      const response = await ctx.http.send({ ...probe.request, headers: { [header]: id }, purpose: `${probe.what}, ${header} sent` });
      if (response.status < 400) continue; // not an error response: nothing to learn here
      errorResponses.push(response);
      if (!response.headers[name]) missingOnError.push(response);
    }
    if (errorResponses.length === 0) {
      findings.push(ctx.finding({ status: 'skip', message: 'no probe produced an error response (unknown path and anonymous calls all succeeded), so ids on errors could not be checked' }));
    } else if (missingOnError.length) {
      const list = missingOnError.map((r) => `${r.exchange.method} ${new URL(r.exchange.url).pathname} → ${r.status}`).join(', ');
      findings.push(ctx.finding({ status: 'fail', message: `error responses carry no ${header}: ${list}; errors are when support needs the id most`, evidence: missingOnError.map((r) => r.exchange) }));
    } else {
      findings.push(ctx.finding({ status: 'pass', message: `error responses carry ${header} too (${errorResponses.map((r) => r.status).join(', ')})`, evidence: errorResponses.map((r) => r.exchange) }));
    }
    return findings;
  },
};

export default check;
