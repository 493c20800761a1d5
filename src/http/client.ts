import { Readable } from 'node:stream';
import pLimit from 'p-limit';
import type { Dispatcher } from 'undici';
import type { Credentials, Exchange, Limits, Secret } from '../types.js';
import { compactRuns, toCurl, inlineBodyLimit, type CurlInput } from './curl.js';
import { Pacer, retryAfterMs } from './pacer.js';
import { cutOutsideMasks, leak, LeakMaskingRedactor } from './leak-redactor.js';
import {
  ProbeError,
  RECORDED_BODY_BYTES,
  type ClientStats,
  type HttpClient,
  type ProbeRequest,
  type ProbeResponse,
  type RecordedResponse,
} from './types.js';
import { isWriteMethod, overrideMethods } from './methods.js';
import { errorCode, readCapped } from './read-body.js';
import { mayBeAnsweredEarly, sendTolerantOfEarlyAnswers } from './raw-send.js';
import { isTransportFluke, retriedNote, retrySafe, waitBeforeRetry } from './fluke-retry.js';
import { invalidHeader } from './header-rules.js';
import { WriteGate, type WritableRoute } from './write-scope.js';
import { RecordSpill } from './spill.js';
import { wireClocked, wireTimesFor } from './wire-clock.js';

export interface ClientOptions {
  baseUrl: string;
  limits: Limits;
  allowWrites: boolean;
  /**
   * With allowWrites, the (method, path template) pairs a write may go to: the configured write
   * endpoints (and spec ones under allowSpecWrites). Any other write is refused like a write without
   * allowWrites. Unset: every path (unit tests of the client).
   */
  writable?: readonly WritableRoute[];
  auth?: { headers?: Record<string, string>; query?: Record<string, string>; identities?: Record<string, Credentials> };
  secrets?: readonly Secret[];
  tls?: { insecure?: boolean; ca?: string | Buffer };
  /** Injected in unit tests (undici MockAgent); otherwise one Agent is made for the run. */
  dispatcher?: Dispatcher;
  /** The run's abort signal (the run deadline is added to it). */
  signal?: AbortSignal;
  userAgent?: string;
  /** Recorded responses kept in memory before older ones go to the spill file (spill.ts); tests make it small. */
  recordWindow?: number;
}

const EXCERPT_BYTES = 2048;
// Size probes send 64 KiB URLs and 32 KiB headers: the record keeps enough to read, not the whole.
const MAX_URL_CHARS = 2048;
const MAX_HEADER_CHARS = 1024;
const MAX_CURL_CHARS = 8192;
const RECORDED_TEXT_BUDGET = 32 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const MAX_429_RETRIES = 3;
const MAX_RETRY_WAIT_MS = 30_000;

/** Creates the one HTTP client of a run. undici is loaded here, lazily, to keep --help fast. */
export async function createHttpClient(options: ClientOptions): Promise<HttpClient> {
  const undici = await import('undici');
  const dispatcher =
    options.dispatcher ??
    new undici.Agent({
      connections: Math.max(1, options.limits.concurrency),
      headersTimeout: options.limits.timeoutMs,
      bodyTimeout: options.limits.timeoutMs,
      connect: {
        timeout: Math.min(options.limits.timeoutMs, 10_000),
        rejectUnauthorized: !options.tls?.insecure,
        ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
      },
    });
  return new Client(options, dispatcher, wireClocked(undici, dispatcher), !options.dispatcher);
}

class Client implements HttpClient {
  private readonly origin: string;
  private readonly basePath: string;
  private readonly redactor: LeakMaskingRedactor;
  private readonly secrets: readonly Secret[];
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly pacer: Pacer;
  private readonly deadline: AbortController = new AbortController();
  private readonly signal: AbortSignal;
  private readonly deadlineTimer: NodeJS.Timeout;
  /** The recorded responses: the latest in memory, older ones in a temporary file (spill.ts). */
  private readonly records: RecordSpill;
  private recordedTextBytes = 0;
  private readonly listeners: Array<(e: Exchange) => void> = [];
  private nextId = 1;
  private readonly counters: ClientStats = { requests: 0, retries: 0, backoffMs: 0, rateLimited: 0 };
  private readonly writeGate: WriteGate | undefined;
  readonly authHeaders: Readonly<Record<string, string>>;

  constructor(
    private readonly options: ClientOptions,
    private readonly dispatcher: Dispatcher,
    /** The same dispatcher, with requests timed by undici's own moments (wire-clock.ts). */
    private readonly timed: Dispatcher,
    private readonly ownsDispatcher: boolean,
  ) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.secrets = options.secrets ?? [];
    this.redactor = new LeakMaskingRedactor(this.secrets);
    this.records = new RecordSpill(options.recordWindow);
    this.limit = pLimit(Math.max(1, options.limits.concurrency));
    this.pacer = new Pacer(options.limits.requestsPerSecond);
    this.authHeaders = { ...(options.auth?.headers ?? {}) };
    this.writeGate = options.writable ? new WriteGate(options.writable) : undefined;
    this.deadlineTimer = setTimeout(
      () => this.deadline.abort(new ProbeError('deadline', `the run's time limit (${options.limits.maxDurationMs} ms) was reached`)),
      options.limits.maxDurationMs,
    );
    this.deadlineTimer.unref();
    this.signal = options.signal ? AbortSignal.any([options.signal, this.deadline.signal]) : this.deadline.signal;
  }

  redact(text: string): string {
    return this.redactor.text(text);
  }

  recorded(): readonly RecordedResponse[] {
    // Whole, in memory, only while nothing has been spilled; the analyses read eachRecorded() instead.
    return this.records.size === this.records.recent().length ? this.records.recent() : [...this.records.all()];
  }

  eachRecorded(): Iterable<RecordedResponse> {
    return this.records.all();
  }

  stats(): ClientStats {
    return { ...this.counters };
  }

  onExchange(listener: (exchange: Exchange) => void): void {
    this.listeners.push(listener);
  }

  recentExchanges(count: number): Exchange[] {
    // Records are kept in the order exchanges finished; ids are given as they go out. Concurrent
    // exchanges finish at most `concurrency` places out of send order.
    const tail = this.records
      .recent()
      .slice(-(count + this.options.limits.concurrency))
      .map((r) => r.exchange);
    return tail.sort((a, b) => a.id - b.id).slice(-count);
  }

  async close(): Promise<void> {
    clearTimeout(this.deadlineTimer);
    this.records.close();
    if (this.ownsDispatcher) await this.dispatcher.close().catch(() => undefined);
  }

  async send(request: ProbeRequest): Promise<ProbeResponse> {
    this.assertAllowed(request);
    let url = this.resolve(request);
    let method = request.method.toUpperCase();
    let body = request.body;
    let rateLimitedTries = 0;
    for (let hop = 0; ; hop++) {
      const response = await this.exchangeWithFlukeRetry(request, method, url, body);
      if (response.status === 429 && request.retryOn429 !== false && rateLimitedTries < MAX_429_RETRIES) {
        rateLimitedTries++;
        await this.backOff(response, rateLimitedTries);
        continue;
      }
      const location = response.headers.location;
      if (request.followRedirects === false || !location || response.status < 300 || response.status > 399) {
        return response;
      }
      const next = new URL(location, href(url));
      if (next.origin !== this.origin) {
        response.offOriginRedirect = next.href;
        response.exchange.note = `redirect to another origin (${this.redact(next.origin)}) not followed`;
        return response;
      }
      if (hop >= MAX_REDIRECTS) {
        throw new ProbeError(
          'redirect-loop',
          `more than ${MAX_REDIRECTS} redirects from ${method} ${this.redact(request.path)}`,
          response.exchange,
        );
      }
      // 303 (and 301/302 after POST, as browsers do) turn into GET without a body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      // A 307/308 keeps the write's method: it may follow only to a path the write could go to itself.
      const refused = this.refusedWrite([method], next.pathname);
      if (refused) {
        response.exchange.note = `redirect not followed: ${refused}`;
        return response;
      }
      url = { origin: next.origin, path: next.pathname, search: next.search, raw: false };
    }
  }

  /** The main identity's credentials, or those of the identity the request names (auth.identities). */
  private credentials(request: ProbeRequest): Partial<Credentials> {
    if (request.identity === undefined) return { headers: this.authHeaders, query: this.options.auth?.query ?? {} };
    return this.options.auth?.identities?.[request.identity] ?? {};
  }

  /** The safety invariant, enforced once for every check: no writes without opt-in, no other origin. */
  private assertAllowed(request: ProbeRequest): void {
    const method = request.method.toUpperCase();
    if (!this.options.allowWrites) {
      if (isWriteMethod(method)) {
        throw new ProbeError(
          'write-not-allowed',
          `${method} is a state-changing method; it is sent only with allowWrites: true (or --allow-writes)`,
        );
      }
      const override = overrideMethods(request).find(isWriteMethod);
      if (override) {
        throw new ProbeError(
          'write-not-allowed',
          `a method override to ${override} could change state; it is sent only with allowWrites: true (or --allow-writes)`,
        );
      }
    }
    // undici refuses a bad header only after the request has taken a connection slot, and the slot
    // stays taken: checked here, before the pool, so a spec's control character cannot stall the run.
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      const problem = value === undefined ? undefined : invalidHeader(name, String(value));
      if (problem) throw new ProbeError('invalid-header', `${this.redact(problem)}; the request was not sent`);
    }
    if (request.identity !== undefined && request.auth !== false && !this.options.auth?.identities?.[request.identity]) {
      throw new ProbeError('network', `no identity "${request.identity}" is configured under auth.identities`);
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(request.path) && new URL(request.path).origin !== this.origin) {
      throw new ProbeError(
        'off-origin',
        `refused to send a request to ${this.redact(new URL(request.path).origin)}: only the target's origin is probed`,
      );
    }
    const refused = this.refusedWrite([method, ...overrideMethods(request)], this.resolve(request).path, request.rawPath === true);
    if (refused) throw new ProbeError('write-not-allowed', refused);
  }

  /**
   * Why a write to this wire path is outside the writable routes (undefined when it is not a write
   * or is allowed). Checked on the path as the server resolves it: dot segments removed.
   */
  private refusedWrite(methods: string[], wirePath: string, raw = false): string | undefined {
    if (!this.writeGate) return undefined;
    const writes = [...new Set(methods.map((m) => m.toUpperCase()).filter(isWriteMethod))];
    if (!writes.length) return undefined;
    let pathname = wirePath;
    if (raw) {
      try {
        pathname = new URL(wirePath, this.origin).pathname;
      } catch {
        pathname = '';
      }
    }
    const inBase = !this.basePath || pathname === this.basePath || pathname.startsWith(`${this.basePath}/`);
    const relative = inBase ? pathname.slice(this.basePath.length) || '/' : undefined;
    const denied = writes.find((m) => relative === undefined || !this.writeGate!.allows(m, relative));
    if (!denied) return undefined;
    return `${denied} ${this.redact(pathname)} is not a configured write endpoint: writes go only to the write endpoints the config lists (an operation known only from an OpenAPI document is probed read-only unless allowSpecWrites names it)`;
  }

  /** The absolute URL of a request: origin plus path (kept raw for path-trick probes) plus query. */
  private resolve(request: ProbeRequest): Location {
    const absolute = /^[a-z][a-z0-9+.-]*:/i.test(request.path);
    const joined = absolute ? request.path : `${this.origin}${this.basePath}${request.path.startsWith('/') ? '' : '/'}${request.path}`;
    const parsed = new URL(joined);
    // new URL() normalises "//", "/." and "%61" away; a path-trick probe needs it exactly as written.
    const path = request.rawPath ? (joined.slice(parsed.origin.length).split('?')[0] ?? '/') : parsed.pathname;
    const params = [parsed.search.replace(/^\?/, '')];
    if (typeof request.query === 'string') params.push(request.query.replace(/^\?/, ''));
    const extra = new URLSearchParams();
    if (request.query && typeof request.query === 'object') {
      for (const [key, value] of Object.entries(request.query)) if (value !== undefined) extra.append(key, String(value));
    }
    if (request.auth !== false) {
      for (const [key, value] of Object.entries(this.credentials(request).query ?? {})) extra.append(key, value);
    }
    params.push(extra.toString());
    const search = params.filter(Boolean).join('&');
    return { origin: parsed.origin, path, search: search ? `?${search}` : '', raw: request.rawPath === true };
  }

  private async backOff(response: ProbeResponse, attempt: number): Promise<void> {
    const wait = Math.min(retryAfterMs(response.headers['retry-after']) ?? 1000 * 2 ** (attempt - 1), MAX_RETRY_WAIT_MS);
    this.counters.rateLimited++;
    this.counters.retries++;
    this.counters.backoffMs += wait;
    response.exchange.note = `rate limited (429); backed off ${wait} ms before retrying`;
    this.pacer.pauseUntil(performance.now() + wait);
  }

  /**
   * A reset or a socket closed before any answer is often a fluke of the transport (a stale keep-alive
   * connection, a restarting proxy): an idempotent probe gets one more try after a short pause, and the
   * record says so. Only a failure that repeats is the probe's answer.
   */
  private async exchangeWithFlukeRetry(
    request: ProbeRequest,
    method: string,
    url: Location,
    body: ProbeRequest['body'],
  ): Promise<ProbeResponse> {
    try {
      return await this.limit(() => this.exchange(request, method, url, body));
    } catch (error) {
      if (!retrySafe(method, request) || !isTransportFluke(error)) throw error;
      const retried = { code: error.code, message: error.message };
      await waitBeforeRetry(this.signal).catch(() => {
        throw this.abortReason();
      });
      this.counters.retries++;
      return await this.limit(() => this.exchange(request, method, url, body, retried));
    }
  }

  private async exchange(
    request: ProbeRequest,
    method: string,
    url: Location,
    body: ProbeRequest['body'],
    retried?: Exchange['retried'],
  ): Promise<ProbeResponse> {
    if (this.signal.aborted) throw this.abortReason();
    if (this.counters.requests >= this.options.limits.maxRequests && !request.cleanup) {
      throw new ProbeError('budget', `the request budget (maxRequests: ${this.options.limits.maxRequests}) is spent`);
    }
    try {
      await this.pacer.acquire(this.signal);
    } catch {
      throw this.abortReason();
    }
    // Counted when it goes out, so concurrent probes cannot overshoot the budget.
    if (this.counters.requests >= this.options.limits.maxRequests && !request.cleanup) {
      throw new ProbeError('budget', `the request budget (maxRequests: ${this.options.limits.maxRequests}) is spent`);
    }
    this.counters.requests++;

    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent ?? 'api-preflight',
      accept: 'application/json, */*;q=0.5',
      'accept-encoding': 'gzip, deflate, br',
      ...(request.auth === false ? {} : (this.credentials(request).headers ?? {})),
      ...(request.headers ?? {}),
    };
    for (const [name, value] of Object.entries(headers)) if (value === undefined) delete headers[name];
    let wireBody: string | Uint8Array | Readable | undefined;
    let curlBody: CurlInput['body'];
    let requestBodyBytes: number | undefined;
    let requestBodyExcerpt: string | undefined;
    if (typeof body === 'string' || body instanceof Uint8Array) {
      wireBody = body;
      const buf = Buffer.from(body);
      requestBodyBytes = buf.length;
      requestBodyExcerpt = buf.subarray(0, EXCERPT_BYTES).toString('utf8');
      curlBody =
        buf.length <= inlineBodyLimit()
          ? { inline: buf.toString('utf8') }
          : { describe: this.redactor.text(`${buf.length} bytes, starts ${JSON.stringify(buf.subarray(0, 60).toString('utf8'))}`) };
    } else if (body) {
      wireBody = Readable.from(body.stream());
      requestBodyBytes = body.bytes;
      requestBodyExcerpt = `(${body.describe})`;
      curlBody = body.parts ? { parts: body.parts, describe: body.describe } : { describe: this.redactor.text(body.describe) };
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(body.bytes);
    }

    const displayUrl = href(url);
    const timeoutMs = request.timeoutMs ?? this.options.limits.timeoutMs;
    // One controller per request, fed by a plain timer and the run's signal: AbortSignal.timeout()
    // plus AbortSignal.any() cost a tenth of the CPU of a fast exchange.
    const controller = new AbortController();
    const timeout = { fired: false };
    const timer = setTimeout(() => {
      timeout.fired = true;
      controller.abort();
    }, timeoutMs);
    const onRunAbort = (): void => controller.abort();
    this.signal.addEventListener('abort', onRunAbort, { once: true });
    const signal = controller.signal;
    const startedAt = new Date().toISOString();
    let start = performance.now();
    const exchange: Exchange = {
      id: this.nextId++,
      method,
      url: clip(this.redactor.text(displayUrl), MAX_URL_CHARS),
      requestHeaders: clipValues(this.redactor.requestHeaders(headers)),
      ...(requestBodyExcerpt !== undefined ? { requestBodyExcerpt: this.redactor.text(requestBodyExcerpt), requestBodyBytes } : {}),
      durationMs: 0,
      startedAt,
      // toCurl writes whole secrets as "${VAR}"; the redactor then catches any cut-off piece of one.
      curl: clip(
        this.redactor.text(toCurl({ method, url: displayUrl, headers, body: curlBody, rawPath: url.raw }, this.secrets)),
        MAX_CURL_CHARS,
      ),
    };
    if (request.purpose) exchange.note = this.redactor.text(request.purpose);
    if (retried) {
      exchange.retried = retried;
      exchange.note = joinNotes(exchange.note, retriedNote(retried));
    }

    let status = 0;
    let responseHeaders: Record<string, string> = {};
    let ttfbMs = 0;
    const wire = wireTimesFor(signal);
    try {
      // The fallback clock starts here, after the record above is built; the wire clock (undici's own
      // moments, wire-clock.ts) is used wherever undici reached them.
      start = performance.now();
      // dispatcher.request takes origin and path apart, so a raw path ("/admin/.", "//admin") goes out
      // exactly as written; undici.request(url) would parse and normalise it first.
      const target = `${url.path}${url.search}`;
      const message = { origin: url.origin, path: target, method, headers, body: wireBody, signal };
      // An injected dispatcher (tests' MockAgent) sees every request.
      const res =
        this.ownsDispatcher && mayBeAnsweredEarly(method, target, headers, requestBodyBytes)
          ? await sendTolerantOfEarlyAnswers({ ...message, ...(this.options.tls ? { tls: this.options.tls } : {}) })
          : await this.timed.request({ ...message, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const headAt = performance.now();
      start = wire.sentAt ?? start;
      ttfbMs = (wire.headAt ?? headAt) - start;
      status = res.statusCode;
      responseHeaders = flattenHeaders(res.headers);
      exchange.status = status;
      const cap = Math.min(request.maxResponseBytes ?? Infinity, this.options.limits.maxResponseBytes);
      const read = await readCapped(res.body, responseHeaders['content-encoding'], cap);
      // The clock stops at the last byte: undici's parser taking it, or else readCapped's stamp before the
      // chunks are joined. Decompression, redaction, scanning and recording are the tool's time, not the target's.
      const durationMs = (wire.lastByteAt ?? read.endedAt) - start;
      exchange.responseHeaders = clipValues(this.redactor.responseHeaders(responseHeaders));
      // Decoded only when a check asks: most never read a megabyte body as text.
      let text: string | undefined;
      const bodyText = (): string => (text ??= read.body.toString('utf8'));
      exchange.durationMs = round(durationMs);
      exchange.responseBytes = read.body.length;
      exchange.truncated = read.truncated;
      exchange.responseBodyExcerpt = this.redactor.text(read.body.subarray(0, EXCERPT_BYTES).toString('utf8'));
      if (read.truncated)
        exchange.note = joinNotes(
          exchange.note,
          `body cut at ${cap} bytes${cap === this.options.limits.maxResponseBytes ? ' (maxResponseBytes)' : ''}; the rest was discarded unread`,
        );
      if (read.decodeError)
        exchange.note = joinNotes(exchange.note, `could not decode the ${responseHeaders['content-encoding']} body: ${read.decodeError}`);
      this.record(exchange, read.body, responseHeaders);
      let parsed: { value: unknown } | undefined;
      return {
        status,
        headers: responseHeaders,
        body: read.body,
        truncated: read.truncated,
        durationMs,
        ttfbMs,
        exchange,
        text: bodyText,
        json: () => {
          if (!parsed) {
            try {
              parsed = { value: JSON.parse(bodyText()) };
            } catch {
              parsed = { value: undefined };
            }
          }
          return parsed.value;
        },
      };
    } catch (error) {
      exchange.durationMs = round(performance.now() - start);
      const probeError = this.toProbeError(error, timeout, timeoutMs, method, url);
      exchange.error = { code: probeError.code, message: probeError.message };
      if (status) exchange.status = status;
      // The answer's head came but its body failed (a timeout, a reset): its headers are evidence too.
      if (status && !exchange.responseHeaders) exchange.responseHeaders = clipValues(this.redactor.responseHeaders(responseHeaders));
      this.record(exchange, Buffer.alloc(0));
      throw new ProbeError(probeError.code, probeError.message, exchange);
    } finally {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onRunAbort);
    }
  }

  private record(exchange: Exchange, body: Buffer, headers: Record<string, string> = {}): void {
    // A fresh string from the first bytes: slicing the decoded text would keep all of it alive.
    const kept = body.subarray(0, RECORDED_BODY_BYTES).toString('utf8');
    const bodyText = this.recordedTextBytes + kept.length <= RECORDED_TEXT_BUDGET ? kept : (exchange.responseBodyExcerpt ?? '');
    this.recordedTextBytes += bodyText.length;
    const scanned = this.redactor.scan(bodyText);
    const leakedSecrets = [...scanned.hits.map((hit) => leak(hit, 'body')), ...this.redactor.headerLeaks(headers)];
    // A credential across the excerpt's cut is masked whole in the longer text: take the excerpt from there.
    if (scanned.hits.length && bodyText === kept && body.length > EXCERPT_BYTES)
      exchange.responseBodyExcerpt = cutOutsideMasks(scanned.text, EXCERPT_BYTES);
    // The kept body is for checks to read (error-leaks looks for connection strings in it); what they
    // print of it passes the redactor again in makeFinding, which masks what was found here.
    this.records.push({ exchange, bodyText: scanned.redacted, ...(leakedSecrets.length ? { leakedSecrets } : {}) });
    for (const listener of this.listeners) listener(exchange);
  }

  private abortReason(): ProbeError {
    const reason: unknown = this.signal.reason;
    return reason instanceof ProbeError ? reason : new ProbeError('aborted', 'the run was stopped');
  }

  private toProbeError(error: unknown, timeout: { fired: boolean }, timeoutMs: number, method: string, url: Location): ProbeError {
    const where = `${method} ${this.redact(url.path)}`;
    if (this.signal.aborted) return this.abortReason();
    if (timeout.fired) return new ProbeError('timeout', `${where} did not answer within ${timeoutMs} ms`);
    const code = errorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new ProbeError('timeout', `${where} did not answer within ${timeoutMs} ms`);
    }
    if (code === 'ECONNREFUSED') return new ProbeError('refused', `${where}: connection refused by ${this.redact(url.origin)}`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      return new ProbeError('unreachable', `${where}: the host of ${this.redact(url.origin)} was not found`);
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
      return new ProbeError('reset', `${where}: the server closed the connection before the response was complete`);
    }
    // https:// pointed at a plain-HTTP port: OpenSSL reads "HTTP/1.1 ..." as a TLS record of the wrong version.
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(message)) {
      return new ProbeError(
        'tls',
        `${where}: the server speaks plain HTTP: did you mean ${this.redact(url.origin.replace(/^https:/, 'http:'))}?`,
      );
    }
    if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code ?? '') || /certificate/i.test(message)) {
      return new ProbeError(
        'tls',
        `${where}: TLS failed (${this.redact(message.trim().replace(/\s*\n\s*/g, ' '))}); name the CA in tls.ca, or set tls.insecure: true for a test host`,
      );
    }
    return new ProbeError('network', `${where}: ${this.redact(message)}`);
  }
}

interface Location {
  origin: string;
  path: string;
  search: string;
  /** Sent as written, not normalised. */
  raw: boolean;
}

function href(location: Location): string {
  return `${location.origin}${location.path}${location.search}`;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(name.toLowerCase() === 'set-cookie' ? '\n' : ', ') : value;
  }
  return out;
}

/** Writes long runs of one character as a count, then cuts what is still too long, saying so. */
function clip(text: string, max: number): string {
  const compact = text.length > max ? compactRuns(text) : text;
  return compact.length > max ? `${compact.slice(0, max)}…(${compact.length - max} more characters)` : compact;
}

function clipValues(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = clip(value, MAX_HEADER_CHARS);
  return out;
}

function joinNotes(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
