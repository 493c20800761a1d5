import { fillPath, pathParams } from '../src/config/endpoints.js';
import { isWriteMethod } from '../src/http/methods.js';
import { ProbeError, type ProbeRequest } from '../src/http/types.js';
import type { Check, CheckContext, Endpoint, Finding, Target } from '../src/types.js';
import { HEADER_PROBES, INJECTION_VALUES, NUMBER_BREAKERS, STRAY_QUERY_PARAM, STRAY_QUERY_VALUES, UNKNOWN_METHOD, type WireValue } from './data/malformed-inputs.js';
import { sendProbes, summarise, type MalformedProbe } from './lib/malformed-probes.js';
import { isRateLimited } from './lib/rate-limit.js';

/** At most this many query parameters of one endpoint get the corpus (each costs ~8 requests). */
const MAX_QUERY_PARAMS = 4;

/**
 * Malformed input through the path, the query and the headers of every endpoint, plus a method
 * token no server implements. Nothing here writes: write endpoints get only the unknown method
 * (their bodies are malformed-body's, with allowWrites).
 */
const check: Check = {
  meta: {
    id: 'malformed-input',
    title: 'Malformed path, query and header input gets a 4xx, never a 5xx or a hang',
    item: 'error-hygiene',
    severity: 'high',
    rationale:
      "Quotes, SQL comments, traversal, NUL bytes and broken percent-encoding are the client's fault. A 5xx means the input reached code (often SQL) that did not expect it, and that is where stack traces and queries leak.",
    remediation:
      'Validate path parameters, query parameters and headers at the edge (type, range, allowed characters) and answer 400 in your error shape; never interpolate them into SQL or file paths.',
    probes: "each path parameter and query parameter set to ' \" ;-- ../ %00 %zz (and abc, 1e400 for numbers), six malformed headers, and an unknown method token",
    writes: false,
  },

  applies: (target) => target.endpoints.filter((endpoint) => !isWriteMethod(endpoint.method) || !sharesPathWithReadEndpoint(endpoint, target)),

  async run(ctx: CheckContext): Promise<Finding[]> {
    const endpoint = ctx.endpoint!;
    const findings: Finding[] = [];
    if (!isWriteMethod(endpoint.method)) {
      const outcomes = await sendProbes(ctx, [...pathProbes(endpoint), ...queryProbes(endpoint), ...headerProbes(ctx.target, endpoint)]);
      findings.push(summarise(ctx, endpoint.label, outcomes));
    }
    findings.push(await unknownMethod(ctx, endpoint));
    return findings;
  },
};

export default check;

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
        path: endpoint.path.replace(/\{([^}]+)\}/g, (_, param: string) => (param === name ? value.wire : encodeURIComponent(endpoint.params[param] ?? ''))),
        rawPath: true,
      },
    })),
  );
}

/** Each known query parameter (pagination and configured ones) in turn set to each value; a stray one when none is known. */
function queryProbes(endpoint: Endpoint): MalformedProbe[] {
  const known = [endpoint.pagination?.limitParam, endpoint.pagination?.cursorParam, ...Object.keys(endpoint.query)].filter((name): name is string => Boolean(name));
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
  return { describe: `query ${name}=${value.describe}`, request: { ...baseRequest(endpoint), query: rest.size ? `${rest.toString()}&${raw}` : raw } };
}

function headerProbes(target: Target, endpoint: Endpoint): MalformedProbe[] {
  const base = baseRequest(endpoint);
  const probes = HEADER_PROBES.map((probe): MalformedProbe => {
    if (!probe.replacesAuth) return { describe: `header ${probe.name}: ${probe.describe}`, request: { ...base, headers: { ...base.headers, [probe.name]: probe.value } } };
    // The configured credential header (or Authorization when none is) carries the malformed value instead.
    const names = Object.keys(target.auth.headers);
    const broken = Object.fromEntries((names.length ? names : [probe.name]).map((name) => [name, probe.value]));
    return { describe: `header ${Object.keys(broken).join(', ')}: ${probe.describe}`, request: { ...base, auth: false, headers: { ...base.headers, ...broken } } };
  });
  const idHeader = target.requestId.header;
  probes.push({ describe: `header ${idHeader}: SQL metacharacters`, request: { ...base, headers: { ...base.headers, [idHeader]: "';--%zz" } } });
  return probes;
}

/** An unknown method token on the endpoint's path: 405 with Allow, or 501 (400 from an HTTP parser that refuses it is fine too). */
async function unknownMethod(ctx: CheckContext, endpoint: Endpoint): Promise<Finding> {
  const path = fillPath(endpoint);
  const sent = `${UNKNOWN_METHOD} ${path}`;
  let response;
  try {
    response = await ctx.http.send({ method: UNKNOWN_METHOD, path, query: endpoint.query, headers: endpoint.headers, purpose: 'unknown method token' });
  } catch (error) {
    if (error instanceof ProbeError && (error.code === 'timeout' || error.code === 'reset')) {
      return ctx.finding({ status: 'fail', message: `${sent} got no answer (${error.message}); an unknown method must get 405 or 501`, evidence: error.exchange ? [error.exchange] : [] });
    }
    throw error;
  }
  const { status } = response;
  const allow = response.headers['allow'];
  const evidence = [response.exchange];
  if (isRateLimited(status)) return ctx.finding({ status: 'error', message: `${sent} answered 429 (rate limited), so how the route treats an unknown method could not be judged`, evidence });
  const fix = 'Answer methods a route does not implement with 405 and an Allow header listing the ones it does (501 for methods the server does not know at all).';
  if (status >= 500 && status !== 501) return ctx.finding({ status: 'fail', message: `${sent} answered ${status}; an unknown method is the client's mistake: answer 405 with Allow, or 501`, remediation: fix, evidence });
  if ((status === 405 && allow) || status === 501 || status === 400) {
    const detail = status === 405 ? ` with Allow: ${allow}` : status === 400 ? ' (refused as a bad request)' : '';
    return ctx.finding({ status: 'pass', message: `${sent} answered ${status}${detail}`, evidence });
  }
  const problem = status === 405 ? 'without an Allow header' : status < 400 ? 'as if it were a known method: the route does not check the method' : `instead of 405 with Allow`;
  return ctx.finding({ status: 'warn', severity: 'low', message: `${sent} answered ${status} ${problem}`, remediation: fix, evidence });
}
