import { defineCheck, endpointRequest, fillPath, reportJudgement, type Judgement, type ProbeResponse } from './api.js';

/** An origin no real deployment allows: a reflection of it means every origin is allowed. */
const FOREIGN_ORIGIN = 'https://preflight-foreign-origin.example';

const VERDICTS = {
  foreignAllowed: {
    probe: 'foreign',
    status: 'fail',
    message:
      "GET {path} with Origin: {origin} answered Access-Control-Allow-Origin: {allowOrigin} with Access-Control-Allow-Credentials: true: any web page can read it with the visitor's credentials",
  },
  foreignRefused: {
    probe: 'foreign',
    status: 'pass',
    message:
      'GET {path} does not let a foreign origin read it with credentials (Access-Control-Allow-Origin: {allowOrigin}, Allow-Credentials: {credentials})',
  },
  preflightAllowed: {
    probe: 'preflight',
    status: 'fail',
    message:
      'OPTIONS {path} (preflight from {origin}) answered Access-Control-Allow-Origin: {allowOrigin} with Access-Control-Allow-Credentials: true: a foreign page may send credentialed requests',
  },
  preflightRefused: {
    probe: 'preflight',
    status: 'pass',
    message:
      'OPTIONS {path} (preflight from a foreign origin) was not allowed with credentials (answered {status}, Access-Control-Allow-Origin: {allowOrigin})',
  },
  nullAllowed: {
    probe: 'null',
    status: 'fail',
    message:
      'GET {path} with Origin: null answered Access-Control-Allow-Origin: null with Access-Control-Allow-Credentials: true: sandboxed iframes and local files can read it with credentials',
  },
  nullRefused: {
    probe: 'null',
    status: 'pass',
    message: 'GET {path} does not allow the null origin with credentials (Access-Control-Allow-Origin: {allowOrigin})',
  },
} as const;

/**
 * CORS must not let any web page read an authenticated endpoint with the visitor's cookies or
 * credentials: a reflected Origin (or `null`) together with Allow-Credentials: true does exactly that.
 * `*` is harmless here: browsers never send credentials to a wildcard.
 */
export default defineCheck({
  meta: {
    id: 'cors',
    title: 'CORS does not let any origin read with credentials',
    item: 'default-deny',
    severity: 'high',
    rationale:
      'A server that copies the Origin header into Access-Control-Allow-Origin and allows credentials lets any web page a logged-in user visits read this API as that user.',
    remediation:
      'Answer Access-Control-Allow-Origin only for an explicit allow-list of your own front-end origins (never echo the Origin header, never allow "null"), and send Access-Control-Allow-Credentials: true only to those.',
    probes: 'GET and a preflight OPTIONS on each read endpoint with a foreign Origin, and a GET with Origin: null',
    writes: false,
    verdicts: VERDICTS,
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints.filter((e) => e.method === 'GET'),

  async run(ctx) {
    const path = fillPath(ctx.endpoint);
    const base = endpointRequest(ctx.endpoint);

    const foreign = await ctx.http.send({
      ...base,
      headers: { ...base.headers, Origin: FOREIGN_ORIGIN },
      purpose: `Origin: ${FOREIGN_ORIGIN}`,
    });
    reportJudgement(ctx, judgeForeignOrigin(path, foreign), [foreign.exchange]);

    const preflight = await ctx.http.send({
      method: 'OPTIONS',
      path,
      query: ctx.endpoint.query,
      headers: { Origin: FOREIGN_ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
      // Browsers send a preflight without credentials.
      auth: false,
      purpose: `preflight from ${FOREIGN_ORIGIN}`,
    });
    reportJudgement(ctx, judgePreflight(path, preflight), [preflight.exchange]);

    const nullOrigin = await ctx.http.send({ ...base, headers: { ...base.headers, Origin: 'null' }, purpose: 'Origin: null' });
    reportJudgement(ctx, judgeNullOrigin(path, nullOrigin), [nullOrigin.exchange]);
  },
});

/** What a check's judges read of an answer: its status and headers. */
type Answer = Pick<ProbeResponse, 'status' | 'headers'>;

/** The GET with a foreign Origin: allowed with credentials, or not. */
export function judgeForeignOrigin(path: string, response: Answer): Judgement<typeof VERDICTS, 'foreignAllowed' | 'foreignRefused'> {
  if (allowsWithCredentials(response, FOREIGN_ORIGIN))
    return { verdict: 'foreignAllowed', data: { path, origin: FOREIGN_ORIGIN, allowOrigin: allowOrigin(response) } };
  return {
    verdict: 'foreignRefused',
    data: { path, allowOrigin: allowOrigin(response), credentials: response.headers['access-control-allow-credentials'] ?? '(none)' },
  };
}

/** The preflight OPTIONS from a foreign origin (sent without credentials, as browsers do). */
export function judgePreflight(path: string, response: Answer): Judgement<typeof VERDICTS, 'preflightAllowed' | 'preflightRefused'> {
  if (allowsWithCredentials(response, FOREIGN_ORIGIN))
    return { verdict: 'preflightAllowed', data: { path, origin: FOREIGN_ORIGIN, allowOrigin: allowOrigin(response) } };
  return { verdict: 'preflightRefused', data: { path, status: response.status, allowOrigin: allowOrigin(response) } };
}

/** The GET with Origin: null (sandboxed iframes, local files). */
export function judgeNullOrigin(path: string, response: Answer): Judgement<typeof VERDICTS, 'nullAllowed' | 'nullRefused'> {
  if (allowsWithCredentials(response, 'null')) return { verdict: 'nullAllowed', data: { path } };
  return { verdict: 'nullRefused', data: { path, allowOrigin: allowOrigin(response) } };
}

function allowOrigin(response: Answer): string {
  return response.headers['access-control-allow-origin'] ?? '(none)';
}

/** The origin sent is allowed by name (a wildcard never carries credentials) and credentials are allowed. */
function allowsWithCredentials(response: Answer, origin: string): boolean {
  const allowed = (response.headers['access-control-allow-origin'] ?? '').split(',').map((v) => v.trim());
  return allowed.includes(origin) && response.headers['access-control-allow-credentials']?.trim().toLowerCase() === 'true';
}
