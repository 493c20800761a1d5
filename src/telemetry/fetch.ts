import { request } from 'undici';
import { ProbeError } from '../http/types.js';

/** The most a telemetry answer may hold: a large /metrics page is a few MiB. */
export const MAX_TELEMETRY_BYTES = 32 * 1024 * 1024;
const TELEMETRY_TIMEOUT_MS = 15_000;

/**
 * GET one telemetry URL the user named under observability (a metrics page, a Prometheus API). It is
 * the only traffic that may leave the target's origin, so it is only ever a GET, follows no redirect,
 * is bounded in time and bytes, and goes around the target's client (not a target request).
 */
export async function telemetryGet(url: string, headers: Record<string, string> = {}): Promise<string> {
  try {
    const response = await request(url, {
      method: 'GET',
      headers: { accept: 'application/openmetrics-text;q=0.5, text/plain;q=0.9, application/json;q=0.9, */*;q=0.1', ...headers },
      headersTimeout: TELEMETRY_TIMEOUT_MS,
      bodyTimeout: TELEMETRY_TIMEOUT_MS,
      signal: AbortSignal.timeout(TELEMETRY_TIMEOUT_MS),
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of response.body) {
      bytes += chunk.length;
      if (bytes > MAX_TELEMETRY_BYTES) {
        response.body.destroy();
        throw new ProbeError('network', `GET ${url} sent more than ${MAX_TELEMETRY_BYTES} bytes; narrow the selector or the metrics page`);
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (response.statusCode !== 200)
      throw new ProbeError('network', `GET ${url} answered ${response.statusCode}; check the URL and observability.metrics.headers`);
    return text;
  } catch (error) {
    if (error instanceof ProbeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ProbeError('network', `could not read ${url}: ${message}`);
  }
}
