import { attempt, type Attempt, type HttpClient, type ProbeRequest } from '../api.js';

/**
 * 404, 405 or 410 to an authenticated GET: the configured path or params are wrong (issue 12's trust
 * rule), so whatever the list checks would conclude from it is about a route that is not there.
 */
export function isMissingRoute(status: number): boolean {
  return status === 404 || status === 405 || status === 410;
}

/**
 * attempt() for list probes: a hang or a reset is the list's answer, but a refused connection means
 * the server is down, which is no verdict on the list: it throws, and the engine reports undecided.
 */
export async function attemptList(http: HttpClient, request: ProbeRequest): Promise<Attempt> {
  const sent = await attempt(http, request);
  if (sent.failure?.code === 'refused') throw sent.failure;
  return sent;
}
