import { fillPath } from '../config/endpoints.js';
import { ProbeError, type HttpClient, type ProbeResponse } from '../http/types.js';
import type { Target } from '../types.js';
import type { Logger } from '../check-api/contract.js';

/** The target cannot be audited at all: exit 3 with this one-line message (written raw; collectAudit redacts it). */
export class TargetUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUnreachable';
  }
}

const FATAL_CODES = new Set(['refused', 'unreachable', 'tls', 'timeout', 'reset', 'network']);

/**
 * The preflight of the preflight: the base URL answers, and the configured credentials are accepted.
 * A scan that silently runs unauthenticated and reports green is worse than no scan.
 */
export async function checkReachability(target: Target, http: HttpClient, log: Logger): Promise<string[]> {
  const notes: string[] = [];
  const first = target.health ?? target.endpoints.find((e) => e.method === 'GET')?.path.replace(/\{.*$/, '') ?? '/';
  try {
    const response = await http.send({ method: 'GET', path: first, purpose: 'reachability probe, before the checks' });
    log.debug(`reachability: GET ${first} answered ${response.status}`);
  } catch (error) {
    if (error instanceof ProbeError && FATAL_CODES.has(error.code)) {
      throw new TargetUnreachable(`could not reach ${target.baseUrl}: ${error.message}`);
    }
    throw error;
  }

  const hasAuth = Object.keys(target.auth.headers).length > 0 || Object.keys(target.auth.query).length > 0;
  const probe = target.endpoints.find((e) => e.method === 'GET' && !e.public);
  if (!hasAuth) {
    if (probe) notes.push('no auth is configured: every probe ran anonymously, so authenticated behaviour was not seen');
    return notes;
  }
  if (!probe) return notes;
  let response: ProbeResponse;
  try {
    response = await http.send({
      method: 'GET',
      path: fillPath(probe),
      query: probe.query,
      headers: probe.headers,
      purpose: 'credentials probe, before the checks',
    });
  } catch (error) {
    // The endpoint itself misbehaves (hangs, resets): the checks will say so; the audit goes on.
    if (!(error instanceof ProbeError)) throw error;
    notes.push(`could not confirm that the configured credentials are accepted: ${error.message}`);
    return notes;
  }
  if (response.status === 401 || response.status === 403) {
    throw new TargetUnreachable(
      `the configured credentials were refused by ${probe.label}: ${response.status}; fix auth in ${target.configFile ?? 'the config'} (is the token's environment variable current?) — auditing anonymously would report a false green`,
    );
  }
  return notes;
}
