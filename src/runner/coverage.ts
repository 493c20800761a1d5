// Before any check: does each configured endpoint exist where the config says it does? An API
// mounted under /v1 audited without /v1 answers 404 everywhere, and a 404 reads as "refused" to an
// auth check and as "nothing to list" to a list check: the run would be green on what it never saw.
import { fillPath, TODO_PLACEHOLDER } from '../config/endpoints.js';
import { endpointRequest } from '../http/endpoint-request.js';
import { isWriteMethod } from '../http/methods.js';
import { mayWrite } from '../http/write-scope.js';
import { ProbeError, type HttpClient } from '../http/types.js';
import type { Endpoint, Exchange, Target } from '../types.js';
import type { CheckMeta } from '../check-api/contract.js';
import { TargetUnreachable } from './reachability.js';

/** At most this many endpoints get an existence probe: a few thousand-operation spec must not spend the budget here. */
export const MAX_COVERAGE_PROBES = 60;
/** Path prefixes tried once when every endpoint answers 404, to turn "wrong base URL" into a fix. */
const PREFIXES = ['/v1', '/api', '/api/v1', '/v2'];
/** Answers that say "no such thing here", with valid credentials. */
const ABSENT = new Set([404, 405, 410]);

export interface EndpointAnswer {
  endpoint: Endpoint;
  status?: number;
  exchange?: Exchange;
}

export interface Coverage {
  /** Answered with something other than 404/405/410: the checks judge these. */
  present: EndpointAnswer[];
  /** Answered 404/405/410 with valid credentials: reported once each, judged by no check. */
  absent: EndpointAnswer[];
  /** Not probed: write endpoints without allowWrites, endpoints past the cap, or no answer at all. */
  unknown: Endpoint[];
}

/** The engine's own check, as meta only (it has no run of its own): its findings say an endpoint could not be audited at all. */
export const ENDPOINT_EXISTS: CheckMeta = {
  id: 'endpoint-exists',
  title: 'Configured endpoints exist at the configured paths',
  // A wrong path is most dangerous for default-deny: a 404 would read as a refusal.
  item: 'default-deny',
  severity: 'high',
  rationale:
    'A check can only vouch for an endpoint that answered; a 404 with valid credentials means the path, params or base URL are wrong and nothing about the endpoint was seen.',
  remediation:
    "Fix the endpoint's path or params (or target.baseUrl's prefix) in the config so that it answers with valid credentials, or remove it.",
  probes: 'one authenticated request per configured endpoint before any check (GET; writes only with allowWrites)',
  writes: false,
  verdicts: {
    absent: {
      status: 'error',
      message: '{endpoint} answered {status} with valid credentials: check its path and params; no check judged it',
    },
    wrongMethod: {
      status: 'error',
      message: '{endpoint} answered 405 with valid credentials: the path exists but not with this method; no check judged it',
    },
  },
};

function mentionsTodo(value: unknown): boolean {
  if (typeof value === 'string') return value === TODO_PLACEHOLDER;
  if (Array.isArray(value)) return value.some(mentionsTodo);
  if (value && typeof value === 'object') return Object.values(value).some(mentionsTodo);
  return false;
}

/**
 * Endpoints whose params, query, headers or body still hold init's TODO: probing /repos/TODO/TODO
 * tells nothing about the API (every check would judge a 404), so they are left out with one note.
 */
export function unfilledEndpoints(endpoints: readonly Endpoint[]): Endpoint[] {
  return endpoints.filter((e) => mentionsTodo([e.params, e.query, e.headers, e.body ?? null]));
}

export function unfilledNote(unfilled: readonly Endpoint[]): string {
  const named =
    unfilled
      .slice(0, 5)
      .map((e) => e.label)
      .join(', ') + (unfilled.length > 5 ? ', …' : '');
  return `${unfilled.length} endpoint${unfilled.length === 1 ? ' still has' : 's still have'} TODO values, not probed: fill them in or remove them (${named})`;
}

export async function probeCoverage(target: Target, http: HttpClient): Promise<Coverage> {
  const coverage: Coverage = { present: [], absent: [], unknown: [] };
  // A write is sent only where no GET of the same path shows the path exists: each one creates a
  // record, and one that does changes what the list checks then see.
  const readPaths = new Set(target.endpoints.filter((e) => !isWriteMethod(e.method)).map((e) => e.path));
  const probed = target.endpoints
    .filter((endpoint) => !isWriteMethod(endpoint.method) || (mayWrite(target, endpoint) && !readPaths.has(endpoint.path)))
    .slice(0, MAX_COVERAGE_PROBES);
  const answers = await Promise.all(probed.map((endpoint) => existenceOf(endpoint, http)));
  // The write endpoints that share a read's path take that read's answer (a 405 aside: that is per method).
  for (const write of target.endpoints.filter((e) => isWriteMethod(e.method) && readPaths.has(e.path))) {
    const read = answers.find((a) => a.endpoint.path === write.path && a.status !== undefined && a.status !== 405);
    if (read && !ABSENT.has(read.status!)) coverage.present.push({ endpoint: write });
    else coverage.unknown.push(write);
  }
  coverage.unknown.push(
    ...target.endpoints.filter(
      (endpoint) => !probed.includes(endpoint) && !(isWriteMethod(endpoint.method) && readPaths.has(endpoint.path)),
    ),
  );
  for (const answer of answers) {
    if (answer.status === undefined) coverage.unknown.push(answer.endpoint);
    else if (ABSENT.has(answer.status)) coverage.absent.push(answer);
    else coverage.present.push(answer);
  }
  if (coverage.absent.length && !coverage.present.length) await refuseWrongBase(target, http, coverage.absent);
  return coverage;
}

async function existenceOf(endpoint: Endpoint, http: HttpClient): Promise<EndpointAnswer> {
  try {
    const response = await http.send({
      ...endpointRequest(endpoint),
      maxResponseBytes: 4096,
      purpose: 'existence probe, before the checks',
    });
    return { endpoint, status: response.status, exchange: response.exchange };
  } catch (error) {
    // A hang or reset here is the checks' business (they will say so); only budget-like limits stop the run.
    if (error instanceof ProbeError && ['budget', 'deadline', 'aborted'].includes(error.code)) throw error;
    if (error instanceof ProbeError) return { endpoint };
    throw error;
  }
}

/**
 * Every probed endpoint is absent: exit 3 with what to fix. The base URL may lack a prefix (/v1) or
 * carry one too many (/v2 on an API mounted at /): candidates are tried in both directions, and one
 * is named only when it was seen to work, i.e. the sample endpoint answers under it while the same
 * path under a made-up extra segment does not (a catch-all server answers both and proves nothing).
 */
async function refuseWrongBase(target: Target, http: HttpClient, absent: EndpointAnswer[]): Promise<never> {
  const statuses = [...new Set(absent.map((a) => a.status))].join('/');
  const names =
    absent
      .slice(0, 3)
      .map((a) => a.endpoint.label)
      .join(', ') + (absent.length > 3 ? ', …' : '');
  const base = new URL(target.baseUrl);
  const sample = absent.find((a) => a.endpoint.method === 'GET')?.endpoint;
  const basePath = base.pathname.replace(/\/+$/, '');
  let hint = basePath
    ? `does target.baseUrl (${target.baseUrl}) carry a path prefix too many (${basePath}) or miss one such as /v1, or are the paths wrong?`
    : `is target.baseUrl (${target.baseUrl}) missing a path prefix such as /v1, or are the paths wrong?`;
  if (sample) {
    for (const candidate of baseCandidates(basePath)) {
      const found = await answersUnder(http, base.origin, sample, candidate);
      if (!found) continue;
      const fixed = `${base.origin}${candidate.path}`;
      hint = `GET ${found.path} answers ${found.status}: ${candidate.change}, set target.baseUrl to ${fixed}`;
      break;
    }
  }
  const who = hasCredentials(target) ? 'with your credentials' : 'without credentials (no auth is configured)';
  throw new TargetUnreachable(`every configured endpoint answered ${statuses} ${who} (${names}): ${hint}`);
}

function hasCredentials(target: Target): boolean {
  return Object.keys(target.auth.headers).length > 0 || Object.keys(target.auth.query).length > 0;
}

interface BaseCandidate {
  /** The base path to try: "" for the origin, "/v1", "/api/v1". */
  path: string;
  /** What changes, for the hint: "drop /v2", "add /v1". */
  change: string;
}

/** Shorter bases first (drop the last segments), then common prefixes added, then the last segment swapped for one. */
export function baseCandidates(basePath: string): BaseCandidate[] {
  const segments = basePath.split('/').filter(Boolean);
  const out: BaseCandidate[] = [];
  for (let keep = segments.length - 1; keep >= 0; keep--) {
    const path = keep ? `/${segments.slice(0, keep).join('/')}` : '';
    out.push({ path, change: `drop /${segments.slice(keep).join('/')}` });
  }
  for (const prefix of PREFIXES) out.push({ path: `${basePath}${prefix}`, change: `add ${prefix}` });
  if (segments.length) {
    const parent = segments.length > 1 ? `/${segments.slice(0, -1).join('/')}` : '';
    const last = `/${segments.at(-1)}`;
    for (const prefix of PREFIXES) {
      if (prefix !== last) out.push({ path: `${parent}${prefix}`, change: `replace ${last} with ${prefix}` });
    }
  }
  const seen = new Set<string>();
  return out.filter((c) => c.path !== basePath && !seen.has(c.path) && seen.add(c.path));
}

/** A made-up segment no API routes: the same path under it must be absent for a candidate to count. */
const CONTROL_SEGMENT = '/preflight-no-such-prefix';

async function answersUnder(
  http: HttpClient,
  origin: string,
  sample: Endpoint,
  candidate: BaseCandidate,
): Promise<{ path: string; status: number } | undefined> {
  const send = async (basePath: string, purpose: string): Promise<number | undefined> => {
    try {
      const path = `${origin}${basePath}${fillPath(sample)}`;
      const response = await http.send({ ...endpointRequest(sample), path, maxResponseBytes: 4096, purpose });
      return response.status;
    } catch (error) {
      if (error instanceof ProbeError && ['budget', 'deadline', 'aborted'].includes(error.code)) throw error;
      return undefined; // No answer under this base either.
    }
  };
  const status = await send(candidate.path, `base URL probe: ${candidate.path || '/'}`);
  if (status === undefined || ABSENT.has(status) || status >= 500) return undefined;
  const control = await send(`${candidate.path}${CONTROL_SEGMENT}`, 'base URL probe: a made-up segment (control)');
  if (control === undefined || !ABSENT.has(control)) return undefined;
  return { path: `${candidate.path}${fillPath(sample)}`, status };
}
