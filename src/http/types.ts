import type { Exchange } from '../types.js';

/** A credential the target sent back, as a check reports it: never the value, only what it was and where. */
export interface LeakedSecret {
  /** "AWS secret key", "JWT", "password in URL", "client_secret field". */
  kind: string;
  length: number;
  /** Its mask as it appears in the record: "[AWS secret key, 40 chars, wJal…]". */
  masked: string;
  /** "body" or "header x-debug". */
  where: string;
}

/** A piece of a generated body: literal text, or one unit repeated many times (streamed-body.ts). */
export type BodyPart = string | { repeat: string; times: number };

export type RequestBody =
  | string
  | Uint8Array
  /** A generator of chunks, for bodies too large to hold in memory (streamed, never buffered whole). */
  | {
      stream: () => AsyncIterable<Uint8Array>;
      bytes: number;
      describe: string;
      /** What the stream is made of, so a curl line can regenerate the same bytes in the shell. */
      parts?: readonly BodyPart[];
    };

export interface ProbeRequest {
  method: string;
  /** A path on the target (joined to baseUrl's path) or an absolute URL on the target's origin. */
  path: string;
  /** Query parameters appended to the path; a string is appended raw (already encoded). */
  query?: Record<string, string | number | undefined> | string;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Send the configured auth headers and query (default true). */
  auth?: boolean;
  /**
   * Send another configured identity's credentials (a key of auth.identities) instead of the main
   * ones; ignored when auth is false. An unknown key is refused rather than sent anonymously.
   */
  identity?: string;
  /** Send the path exactly as given, without normalising dot segments or slashes (path-trick probes). */
  rawPath?: boolean;
  timeoutMs?: number;
  /** Read at most this much of the body (never more than limits.maxResponseBytes): for probes that only need a look. */
  maxResponseBytes?: number;
  /** Follow same-origin redirects (default true, at most 5). Off-origin redirects are never followed. */
  followRedirects?: boolean;
  /** Retry a 429 after Retry-After, within the run's budget (default true). */
  retryOn429?: boolean;
  /**
   * Sending it twice changes nothing more than sending it once, so a reset before any answer is retried
   * once (GET, HEAD and OPTIONS always are).
   */
  retrySafe?: boolean;
  /**
   * A DELETE of what the run created (cleanup): sent even when maxRequests is spent, since the probes
   * that spent it left those records behind. Bounded by the records the run made, one request each.
   */
  cleanup?: boolean;
  /** A short description recorded with the exchange, e.g. "limit=1000000". */
  purpose?: string;
}

export interface ProbeResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", " (set-cookie with "\n"). */
  headers: Record<string, string>;
  /** The decoded body, at most maxResponseBytes. */
  body: Buffer;
  truncated: boolean;
  /** From the request going onto the socket to the answer's last byte, as undici saw them (wire-clock.ts). */
  durationMs: number;
  /** From the request going onto the socket to the answer's head. */
  ttfbMs: number;
  exchange: Exchange;
  /** Set when a redirect pointed to another origin and was not followed. */
  offOriginRedirect?: string;
  text(): string;
  /** The parsed JSON body, or undefined when it is not JSON. */
  json(): unknown;
}

/**
 * How much of a body a probe needs when only the answer's status and shape matter (malformed input,
 * unknown routes, wordlists). Such probes are sent many at a time and their answers held together;
 * the leak scan sees the first 16 KiB of every response anyway.
 */
export const GLANCE_BYTES = 64 * 1024;

export type ProbeErrorCode =
  | 'timeout'
  | 'reset'
  | 'refused'
  | 'unreachable'
  | 'tls'
  | 'redirect-loop'
  | 'budget'
  | 'deadline'
  | 'aborted'
  | 'write-not-allowed'
  /** The target stopped answering (crashed) during the run: no probe can be judged until it is back. */
  | 'target-down'
  | 'off-origin'
  | 'invalid-header'
  | 'decode'
  | 'network';

/** The probe could not get an answer. The runner turns it into an `error` finding (or `skip` for writes). */
export class ProbeError extends Error {
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
    readonly exchange?: Exchange,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

export interface ClientStats {
  requests: number;
  retries: number;
  backoffMs: number;
  rateLimited: number;
}

/** How much of each body the run keeps for whole-run analysis (RecordedResponse.bodyText). */
export const RECORDED_BODY_BYTES = 16 * 1024;

/** A response kept for whole-run analysis (leak scanning, error shapes). */
export interface RecordedResponse {
  exchange: Exchange;
  /**
   * Up to RECORDED_BODY_BYTES of the decoded body, as text, configured secrets redacted. Leaked
   * credentials are still in it (listed in leakedSecrets): a check prints it only through ctx.report / http.redact.
   */
  bodyText: string;
  /** Credentials the target sent in this response (body and headers), masked in every record of it. */
  leakedSecrets?: LeakedSecret[];
}

export interface HttpClient {
  send(request: ProbeRequest): Promise<ProbeResponse>;
  /** Every response of the run so far, in order (read back whole into memory: prefer eachRecorded). */
  recorded(): readonly RecordedResponse[];
  /**
   * Every response of the run so far, in order, one at a time: the older ones are read back from the
   * run's spill file, so a whole-run analysis holds only what it keeps (issue 27).
   */
  eachRecorded(): Iterable<RecordedResponse>;
  stats(): ClientStats;
  /** The configured auth headers, for checks that compare with and without them. */
  readonly authHeaders: Readonly<Record<string, string>>;
  /**
   * The run's redactor: configured secrets become ***, credentials the target leaked are masked. Used at
   * the doors only (docs/architecture.md, "Redaction"); code that writes a note or data does not call it.
   */
  redact(text: string): string;
  onExchange(listener: (exchange: Exchange) => void): void;
  /**
   * The last `count` finished exchanges in the order they were sent, failed ones included: what went
   * out just before a target stopped answering.
   */
  recentExchanges(count: number): Exchange[];
  close(): Promise<void>;
}
