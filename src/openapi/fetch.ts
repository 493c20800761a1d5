import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

const MAX_REDIRECTS = 5;

/**
 * GETs a spec the user named by URL: one request (plus same-origin redirects), bounded in time and
 * bytes. A redirect to another origin is refused rather than followed, like the audit's own client.
 */
export async function fetchSpecText(
  url: string,
  options: { maxBytes: number; timeoutMs?: number; tls?: { insecure: boolean; ca?: string } },
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  // The same TLS trust as the audit: a staging host with its own CA serves its spec under it too.
  const dispatcher = options.tls
    ? new Agent({ connect: { rejectUnauthorized: !options.tls.insecure, ...(options.tls.ca ? { ca: readFileSync(options.tls.ca) } : {}) } })
    : undefined;
  try {
    return await fetchWith(url, options.maxBytes, timeoutMs, dispatcher);
  } finally {
    await dispatcher?.close();
  }
}

async function fetchWith(url: string, maxBytes: number, timeoutMs: number, dispatcher: Agent | undefined): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  let current = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await request(current, {
      method: 'GET',
      headers: {
        accept: 'application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5',
        'user-agent': 'api-preflight (openapi import)',
      },
      signal,
      ...(dispatcher ? { dispatcher } : {}),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    }).catch((error: unknown) => {
      throw new Error(signal.aborted ? `no answer within ${timeoutMs} ms` : describeNetworkError(error));
    });
    const location = response.headers.location;
    if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
      await response.body.dump();
      const next = new URL(location, current);
      if (next.origin !== current.origin)
        throw new Error(`redirected to another origin (${next.origin}), not followed; pass the final URL`);
      current = next;
      continue;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`answered HTTP ${response.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        response.body.destroy();
        throw new Error(`is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  throw new Error(`more than ${MAX_REDIRECTS} redirects`);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string }; code?: string }) ?? {};
  const code = cause.code ?? cause.cause?.code;
  return code
    ? `${code} (${error instanceof Error ? error.message : String(error)})`
    : error instanceof Error
      ? error.message
      : String(error);
}
