import {
  answerOf,
  attempt,
  defineCheck,
  fillPath,
  isWriteMethod,
  pathParams,
  type Endpoint,
  type EndpointContext,
  type ProbeRequest,
  type Target,
} from './api.js';
import {
  HEADER_PROBES,
  INJECTION_VALUES,
  NUMBER_BREAKERS,
  STRAY_QUERY_PARAM,
  STRAY_QUERY_VALUES,
  UNKNOWN_METHOD,
  type WireValue,
} from './data/malformed-inputs.js';
import { INPUT_VERDICTS, judgeInputs, sendProbes, type MalformedProbe } from './lib/malformed-probes.js';
import { isRateLimited } from './lib/rate-limit.js';

/** At most this many query parameters of one endpoint get the corpus (each costs ~8 requests). */
const MAX_QUERY_PARAMS = 4;

const METHOD_FIX =
  'Answer methods a route does not implement with 405 and an Allow header listing the ones it does (501 for methods the server does not know at all).';

/** How a route answers a method token no server implements. */
const METHOD_VERDICTS = {
  methodRefused: { probe: 'method', status: 'pass', message: '{sent} answered {status}{detail}' },
  methodRateLimited: {
    probe: 'method',
    status: 'error',
    message: '{sent} answered 429 (rate limited), so how the route treats an unknown method could not be judged',
  },
  methodNoAnswer: {
    probe: 'method',
    status: 'fail',
    message: '{sent} got no answer ({failure}); an unknown method must get 405 or 501',
    remediation: METHOD_FIX,
  },
  methodServerError: {
    probe: 'method',
    status: 'fail',
    message: "{sent} answered {status}; an unknown method is the client's mistake: answer 405 with Allow, or 501",
    remediation: METHOD_FIX,
  },
  methodNoAllow: {
    probe: 'method',
    status: 'warn',
    severity: 'low',
    message: '{sent} answered 405 without an Allow header',
    remediation: METHOD_FIX,
  },
  methodAccepted: {
    probe: 'method',
    status: 'warn',
    severity: 'low',
    message: '{sent} answered {status} as if it were a known method: the route does not check the method',
    remediation: METHOD_FIX,
  },
  methodOtherStatus: {
    probe: 'method',
    status: 'warn',
    severity: 'low',
    message: '{sent} answered {status} instead of 405 with Allow',
    remediation: METHOD_FIX,
  },
} as const;

/** The shared malformed-input verdicts (lib/malformed-probes.ts) and the unknown-method ones. */
const VERDICTS = { ...INPUT_VERDICTS, ...METHOD_VERDICTS } as const;

/**
 * Malformed input through the path, the query and the headers of every endpoint, plus a method
 * token no server implements. Nothing here writes: write endpoints get only the unknown method
 * (their bodies are malformed-body's, with allowWrites).
 */
export default defineCheck({
  meta: {
    id: 'malformed-input',
    title: 'Malformed path, query and header input gets a 4xx, never a 5xx or a hang',
    item: 'error-hygiene',
    severity: 'high',
    rationale:
      "Quotes, SQL comments, traversal, NUL bytes and broken percent-encoding are the client's fault. A 5xx means the input reached code (often SQL) that did not expect it, and that is where stack traces and queries leak.",
    remediation:
      'Validate path parameters, query parameters and headers at the edge (type, range, allowed characters) and answer 400 in your error shape; never interpolate them into SQL or file paths.',
    probes:
      'each path parameter and query parameter set to \' " ;-- ../ %00 %zz (and abc, 1e400 for numbers), six malformed headers, and an unknown method token',
    writes: false,
    verdicts: VERDICTS,
  },
  scope: 'endpoint',
  endpoints: (target) =>
    target.endpoints.filter((endpoint) => !isWriteMethod(endpoint.method) || !sharesPathWithReadEndpoint(endpoint, target)),

  async run(ctx) {
    const { endpoint } = ctx;
    if (!isWriteMethod(endpoint.method)) {
      const outcomes = await sendProbes(ctx, [...pathProbes(endpoint), ...queryProbes(endpoint), ...headerProbes(ctx.target, endpoint)]);
      const { verdict, data, evidence } = judgeInputs(endpoint.label, outcomes);
      if (verdict === 'inputsFailed') ctx.report('inputsFailed', data, evidence);
      else if (verdict === 'inputsAccepted') ctx.report('inputsAccepted', data, evidence);
      else if (verdict === 'inputsRateLimited') ctx.report('inputsRateLimited', data, evidence);
      else ctx.report('inputsHandled', data, evidence);
    }
    await unknownMethod(ctx, endpoint);
  },
});

function sharesPathWithReadEndpoint(endpoint: Endpoint, target: Target): boolean {
  return target.endpoints.some((other) => other.path === endpoint.path && !isWriteMethod(other.method));
}

function baseRequest(endpoint: Endpoint): ProbeRequest {
  return { method: endpoint.method, path: fillPath(endpoint), query: endpoint.query, headers: endpoint.headers };
}

/** Each {param} in turn set to each injection value, sent exactly as written. */
function pathProbes(endpoint: Endpoint): MalformedProbe[] {
  return pathParams(endpoint.path).flatMap((name) =>
    INJECTION_VALUES.map((value) => ({
      describe: `path ${name}=${value.describe}`,
      request: {
        ...baseRequest(endpoint),
        path: endpoint.path.replace(/\{([^}]+)\}/g, (_, param: string) =>
          param === name ? value.wire : encodeURIComponent(endpoint.params[param] ?? ''),
        ),
        rawPath: true,
      },
    })),
  );
}

/** Each known query parameter (pagination and configured ones) in turn set to each value; a stray one when none is known. */
function queryProbes(endpoint: Endpoint): MalformedProbe[] {
  const known = [endpoint.pagination?.limitParam, endpoint.pagination?.cursorParam, ...Object.keys(endpoint.query)].filter(
    (name): name is string => Boolean(name),
  );
  const names = [...new Set(known)].slice(0, MAX_QUERY_PARAMS);
  if (names.length === 0) return STRAY_QUERY_VALUES.map((value) => queryProbe(endpoint, STRAY_QUERY_PARAM, value));
  return names.flatMap((name) => {
    const numeric = name === endpoint.pagination?.limitParam || /^-?\d+$/.test(endpoint.query[name] ?? '');
    return [...(numeric ? NUMBER_BREAKERS : []), ...INJECTION_VALUES].map((value) => queryProbe(endpoint, name, value));
  });
}

function queryProbe(endpoint: Endpoint, name: string, value: WireValue): MalformedProbe {
  const rest = new URLSearchParams(Object.entries(endpoint.query).filter(([key]) => key !== name));
  // A string query is appended raw, so %zz and %00 reach the server as written.
  const raw = `${encodeURIComponent(name)}=${value.wire}`;
  return {
    describe: `query ${name}=${value.describe}`,
    request: { ...baseRequest(endpoint), query: rest.size ? `${rest.toString()}&${raw}` : raw },
  };
}

function headerProbes(target: Target, endpoint: Endpoint): MalformedProbe[] {
  const base = baseRequest(endpoint);
  const probes = HEADER_PROBES.map((probe): MalformedProbe => {
    if (!probe.replacesAuth)
      return {
        describe: `header ${probe.name}: ${probe.describe}`,
        request: { ...base, headers: { ...base.headers, [probe.name]: probe.value } },
      };
    // The configured credential header (or Authorization when none is) carries the malformed value instead.
    const names = Object.keys(target.auth.headers);
    const broken = Object.fromEntries((names.length ? names : [probe.name]).map((name) => [name, probe.value]));
    return {
      describe: `header ${Object.keys(broken).join(', ')}: ${probe.describe}`,
      request: { ...base, auth: false, headers: { ...base.headers, ...broken } },
    };
  });
  const idHeader = target.requestId.header;
  probes.push({
    describe: `header ${idHeader}: SQL metacharacters`,
    request: { ...base, headers: { ...base.headers, [idHeader]: "';--%zz" } },
  });
  return probes;
}

/** An unknown method token on the endpoint's path: 405 with Allow, or 501 (400 from an HTTP parser that refuses it is fine too). */
async function unknownMethod(ctx: EndpointContext<typeof VERDICTS>, endpoint: Endpoint): Promise<void> {
  const path = fillPath(endpoint);
  const sent = `${UNKNOWN_METHOD} ${path}`;
  const tried = await attempt(ctx.http, {
    method: UNKNOWN_METHOD,
    path,
    query: endpoint.query,
    headers: endpoint.headers,
    purpose: 'unknown method token',
  });
  if (!tried.response) {
    // A hang or a dropped connection is the route's answer (nothing listening throws: undecided).
    return void ctx.report('methodNoAnswer', { sent, failure: answerOf(tried) }, [tried.failure.exchange]);
  }
  const { status } = tried.response;
  const allow = tried.response.headers.allow;
  const evidence = [tried.response.exchange];
  if (isRateLimited(status)) ctx.report('methodRateLimited', { sent }, evidence);
  else if (status >= 500 && status !== 501) ctx.report('methodServerError', { sent, status }, evidence);
  else if ((status === 405 && allow) || status === 501 || status === 400) {
    const detail = status === 405 ? ` with Allow: ${allow}` : status === 400 ? ' (refused as a bad request)' : '';
    ctx.report('methodRefused', { sent, status, detail }, evidence);
  } else if (status === 405) ctx.report('methodNoAllow', { sent }, evidence);
  else if (status < 400) ctx.report('methodAccepted', { sent, status }, evidence);
  else ctx.report('methodOtherStatus', { sent, status }, evidence);
}
