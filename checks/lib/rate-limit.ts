/**
 * A 429 is the rate limiter's answer (often a gateway's, in front of the API): the request never
 * reached the code a probe is about, so it decides nothing about that code.
 */
export function isRateLimited(status: number | undefined): boolean {
  return status === 429;
}
