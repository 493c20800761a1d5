import { randomUUID } from 'node:crypto';
import { defineCheck, fillPath, type ProbeRequest, type ProbeResponse } from './api.js';

const VERDICTS = {
  echoed: { probe: 'echo', status: 'pass', message: 'GET {path} echoed the {header} it was sent' },
  replaced: {
    probe: 'echo',
    status: 'warn',
    message: "GET {path} was sent {header}: {sent} but answered with a different id ({got}); the caller's id is lost",
    remediation: "Keep the caller's {header} when present (validate its length and characters) and generate one only when absent.",
  },
  notEchoed: {
    probe: 'echo',
    status: 'fail',
    message: 'GET {path} was sent {header}: {sent} and answered {status} with no {header} response header',
  },
  notGenerated: {
    probe: 'generate',
    status: 'fail',
    message: 'GET {path} without {header} answered {status} with no {header} response header: the server does not generate one',
  },
  notUnique: {
    probe: 'generate',
    status: 'fail',
    message: 'two requests to GET {path} got the same generated {header} ({id}); ids must be unique per request',
  },
  generated: { probe: 'generate', status: 'pass', message: 'GET {path} without {header} got a fresh id each time ({first}, {second})' },
  noErrorAnswer: {
    probe: 'errors',
    status: 'skip',
    message: 'no probe produced an error response (unknown path and anonymous calls all succeeded), so ids on errors could not be checked',
  },
  missingOnErrors: {
    probe: 'errors',
    status: 'fail',
    message: 'error responses carry no {header}: {answers}; errors are when support needs the id most',
  },
  presentOnErrors: { probe: 'errors', status: 'pass', message: 'error responses carry {header} too ({statuses})' },
} as const;

/**
 * Every request has a request id: the client's id is echoed, one is generated when absent, ids are
 * unique, and error responses carry one too (that is when support needs it most).
 */
export default defineCheck({
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
    verdicts: VERDICTS,
  },
  scope: 'target',

  async run(ctx) {
    const header = ctx.target.requestId.header;
    const name = header.toLowerCase();
    const getEndpoint =
      ctx.target.endpoints.find((e) => e.method === 'GET' && !e.path.includes('{')) ?? ctx.target.endpoints.find((e) => e.method === 'GET');
    const path = getEndpoint ? fillPath(getEndpoint) : (ctx.target.health ?? '/');
    const base: ProbeRequest = { method: 'GET', path, ...(getEndpoint ? { query: getEndpoint.query, headers: getEndpoint.headers } : {}) };

    // 1. The client's id comes back unchanged.
    const sent = `preflight-${randomUUID()}`;
    const echoed = await ctx.http.send({ ...base, headers: { ...base.headers, [header]: sent }, purpose: `${header} sent` });
    const got = echoed.headers[name];
    if (got === sent) ctx.report('echoed', { path, header }, [echoed.exchange]);
    else if (got) ctx.report('replaced', { path, header, sent, got }, [echoed.exchange]);
    else ctx.report('notEchoed', { path, header, sent, status: echoed.status }, [echoed.exchange]);

    // 2. Without one, the server makes one, different each time.
    const first = await ctx.http.send({ ...base, purpose: `no ${header} sent` });
    const second = await ctx.http.send({ ...base, purpose: `no ${header} sent, again` });
    const ids = [first.headers[name], second.headers[name]];
    if (!ids[0] || !ids[1]) {
      const missing = ids[0] ? second : first;
      ctx.report('notGenerated', { path, header, status: missing.status }, [missing.exchange]);
    } else if (ids[0] === ids[1]) {
      ctx.report('notUnique', { path, header, id: ids[0] }, [first.exchange, second.exchange]);
    } else {
      ctx.report('generated', { path, header, first: ids[0], second: ids[1] }, [first.exchange, second.exchange]);
    }

    // 3. Error responses carry it too: an unknown path, and an anonymous call where auth is expected.
    const errorProbes: Array<{ what: string; request: ProbeRequest }> = [
      { what: 'an unknown path', request: { method: 'GET', path: `/preflight-not-found-${randomUUID().slice(0, 8)}` } },
    ];
    const guarded = ctx.target.endpoints.find((e) => e.method === 'GET' && !e.public);
    if (guarded)
      errorProbes.push({ what: `${guarded.label} without credentials`, request: { method: 'GET', path: fillPath(guarded), auth: false } });
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
      ctx.report('noErrorAnswer', {});
    } else if (missingOnError.length) {
      const answers = missingOnError.map((r) => `${r.exchange.method} ${new URL(r.exchange.url).pathname} → ${r.status}`);
      ctx.report(
        'missingOnErrors',
        { header, answers },
        missingOnError.map((r) => r.exchange),
      );
    } else {
      ctx.report(
        'presentOnErrors',
        { header, statuses: errorResponses.map((r) => r.status) },
        errorResponses.map((r) => r.exchange),
      );
    }
  },
});
