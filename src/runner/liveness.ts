// Watches the run for the moment the target stops answering. When one probe kills the server,
// every request in flight is reset and every later one refused: without this, those answers are
// judged as failures of unrelated checks, and the probe that did it is never named.
import { requestLine } from '../http/attempt.js';
import { ProbeError, type HttpClient, type ProbeRequest, type ProbeResponse } from '../http/types.js';
import type { Exchange } from '../types.js';

/** Errors after which the runner asks "is the target still up?" before a check may judge them. */
const SUSPICIOUS = new Set(['refused', 'reset', 'timeout', 'network']);
/** A liveness answer is trusted for this long, so a burst of resets costs one extra request. */
const FRESH_MS = 1000;
const POLL_MS = 500;
/** A reset this close before the first refusal was in flight when the server died. */
const CRASH_WINDOW_MS = 2000;
/** Senders remembered for the latest exchanges: far more than the 64 recent ones a crash's suspects come from. */
const SENDERS_KEPT = 1024;

export interface Sender {
  /** The check and endpoint a request was sent for, to attribute a crash. */
  checkId: string;
  endpoint: string;
}

export interface Replay {
  /** True when the target died again on this request sent alone; false when it answered and stayed up. */
  confirmed: boolean;
  /** What the replay got: "400", "connection dropped". */
  answer: string;
}

export interface Crash {
  /** The requests in flight or just sent when the server died, oldest first (never one refused: it came after). */
  suspects: Exchange[];
  /** Each suspect replayed once, alone, once the target was back (by exchange id); empty when it did not come back. */
  replays: Map<number, Replay>;
  /** When it was seen down, and whether it came back within recoveryMs. */
  downAt: number;
  recovered: boolean;
  downMs: number;
}

/** up: any HTTP answer · down: nobody listens (refused) · unknown: a hang or reset says neither · stop: the run's own limits. */
type Ping = 'up' | 'down' | 'unknown' | 'stop';

export class LivenessWatch {
  private readonly recent: Array<{ exchange: Exchange; endedAt: number }> = [];
  /** Which check sent each exchange: the latest SENDERS_KEPT, and always those a crash names as suspects. */
  private readonly senders = new Map<number, Sender>();
  private readonly suspectSenders = new Map<number, Sender | undefined>();
  private readonly pings = new Set<number>();
  /**
   * The request behind each recent exchange, so a suspect can be replayed exactly as it was sent.
   * Keyed by method and recorded URL: a request the client retried after a reset has two exchanges.
   */
  private readonly requests = new Map<string, ProbeRequest>();
  private lastAlive = 0;
  private checking: Promise<Ping> | undefined;
  private down: Promise<boolean> | undefined;
  private gaveUp = false;
  readonly crashes: Crash[] = [];

  constructor(
    private readonly http: HttpClient,
    private readonly knownGood: ProbeRequest,
    private readonly recoveryMs: number,
  ) {
    http.onExchange((exchange) => {
      this.recent.push({ exchange, endedAt: Date.now() });
      if (this.recent.length > 64) this.recent.shift();
    });
  }

  /** True once the target went down and did not come back: the run should wind down. */
  get ended(): boolean {
    return this.gaveUp;
  }

  /** Which check sent an exchange (known once its answer, or failure, came back). */
  senderOf(exchange: Exchange): Sender | undefined {
    return this.senders.get(exchange.id) ?? this.suspectSenders.get(exchange.id);
  }

  private noteSender(id: number, sender: Sender): void {
    this.senders.set(id, sender);
    if (this.senders.size <= SENDERS_KEPT) return;
    // Only a crash's suspects are asked for after the fact; the rest need not outlive the window.
    const [oldest] = this.senders.keys() as Iterable<number>;
    if (this.suspectSenders.has(oldest!)) this.suspectSenders.set(oldest!, this.senders.get(oldest!));
    this.senders.delete(oldest!);
  }

  /** The client a check gets: the same client, except that answers while the target is down are never judged. */
  clientFor(sender: Sender): HttpClient {
    return {
      authHeaders: this.http.authHeaders,
      send: (request) => this.send(request, sender),
      recorded: () => this.http.recorded(),
      eachRecorded: () => this.http.eachRecorded(),
      stats: () => this.http.stats(),
      redact: (text) => this.http.redact(text),
      onExchange: (listener) => this.http.onExchange(listener),
      recentExchanges: (count) => this.http.recentExchanges(count),
      close: () => this.http.close(),
    };
  }

  private async send(request: ProbeRequest, sender: Sender): Promise<ProbeResponse> {
    if (this.down && !(await this.down)) throw this.targetDown();
    try {
      const response = await this.http.send(request);
      this.noteSender(response.exchange.id, sender);
      this.remember(response.exchange, request);
      return response;
    } catch (error) {
      if (!(error instanceof ProbeError) || !SUSPICIOUS.has(error.code)) throw error;
      if (error.exchange) {
        this.noteSender(error.exchange.id, sender);
        this.remember(error.exchange, request);
      }
      // Up (or not provably down): the hang or reset is this probe's own answer, for its check to judge.
      if (await this.stillUp(error)) throw error;
      throw this.targetDown();
    }
  }

  private remember(exchange: Exchange, request: ProbeRequest): void {
    this.requests.delete(requestKey(exchange));
    this.requests.set(requestKey(exchange), request);
    // As many as the recent exchanges a suspect is chosen from.
    if (this.requests.size > 64) this.requests.delete(this.requests.keys().next().value!);
  }

  private targetDown(): ProbeError {
    const last = this.crashes.at(-1)?.suspects.at(-1);
    return new ProbeError(
      'target-down',
      `the target was down (it stopped answering${last ? ` after ${requestLine(last)}` : ''}); nothing could be judged`,
    );
  }

  /** Is the target up? One probe at a time; a recent good answer is trusted. On a fresh crash, waits for recovery. */
  private async stillUp(failure: ProbeError): Promise<boolean> {
    if (this.down) return this.down;
    if (failure.code !== 'refused' && Date.now() - this.lastAlive < FRESH_MS) return true;
    this.checking ??= this.ping().finally(() => (this.checking = undefined));
    if ((await this.checking) !== 'down') return true;
    if (!this.down) {
      const crash: Crash = { suspects: this.suspects(failure), replays: new Map(), downAt: Date.now(), recovered: false, downMs: 0 };
      for (const suspect of crash.suspects) this.suspectSenders.set(suspect.id, this.senders.get(suspect.id));
      this.crashes.push(crash);
      this.down = this.waitForRecovery(crash);
    }
    return this.down;
  }

  private async ping(): Promise<Ping> {
    try {
      const response = await this.http.send({
        ...this.knownGood,
        timeoutMs: 3000,
        maxResponseBytes: 1024,
        retryOn429: false,
        purpose: 'is the target still up?',
      });
      this.pings.add(response.exchange.id);
      this.lastAlive = Date.now();
      return 'up';
    } catch (error) {
      if (!(error instanceof ProbeError)) throw error;
      if (error.exchange) this.pings.add(error.exchange.id);
      if (error.code === 'refused' || error.code === 'unreachable') return 'down';
      return SUSPICIOUS.has(error.code) ? 'unknown' : 'stop';
    }
  }

  private async waitForRecovery(crash: Crash): Promise<boolean> {
    if (!(await this.backUp())) {
      crash.downMs = Date.now() - crash.downAt;
      this.gaveUp = true;
      return false;
    }
    crash.recovered = true;
    crash.downMs = Date.now() - crash.downAt;
    // Every other request still waits on this.down: each replay goes out alone.
    if (!(await this.replaySuspects(crash))) {
      this.gaveUp = true;
      return false;
    }
    this.down = undefined;
    return true;
  }

  /** Polls until the target answers again (true), or recoveryMs passes or the run's limits stop it (false). */
  private async backUp(): Promise<boolean> {
    const until = Date.now() + this.recoveryMs;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const ping = await this.ping();
      if (ping === 'stop') return false;
      if (ping === 'up') return true;
    }
    return false;
  }

  /**
   * Sends each suspect once more, alone, exactly as it was sent: the one after which the target is
   * down again is confirmed. Returns false when the target did not come back after a replay.
   */
  private async replaySuspects(crash: Crash): Promise<boolean> {
    for (const suspect of crash.suspects) {
      const request = this.requests.get(requestKey(suspect));
      if (!request) continue;
      let answer: string;
      try {
        const response = await this.http.send({ ...request, retryOn429: false, purpose: 'replayed alone: does it take the server down?' });
        this.pings.add(response.exchange.id);
        answer = String(response.status);
      } catch (error) {
        if (!(error instanceof ProbeError)) throw error;
        if (error.exchange) this.pings.add(error.exchange.id);
        if (!SUSPICIOUS.has(error.code)) return true; // the run's own limits: leave the rest unconfirmed
        answer = error.code === 'timeout' ? 'no answer (timeout)' : 'connection dropped';
      }
      const confirmed = (await this.ping()) === 'down';
      crash.replays.set(suspect.id, { confirmed, answer });
      if (confirmed && !(await this.backUp())) return false;
    }
    return true;
  }

  /**
   * Requests that died with the server: the ones that started no later than the first refused
   * connection and ended in an error (reset, or refused on the client's one retry) just before;
   * when none did (the server died after answering), the last ones it answered.
   */
  private suspects(failure: ProbeError): Exchange[] {
    const probes = this.recent.filter((r) => !this.pings.has(r.exchange.id));
    const refused = probes.filter((r) => r.exchange.error?.code === 'refused').map((r) => Date.parse(r.exchange.startedAt));
    const firstDown = Math.min(...refused, failure.exchange ? Date.parse(failure.exchange.startedAt) : Date.now());
    const before = probes.filter((r) => Date.parse(r.exchange.startedAt) <= firstDown);
    const lastEnd = Math.max(...before.map((r) => r.endedAt), 0);
    // A request refused outright was sent after the death: it cannot have caused it (one reset first and
    // refused on the retry was in flight when it died).
    const diedWithIt = before.filter(
      (r) => r.exchange.error && lastEnd - r.endedAt <= CRASH_WINDOW_MS && !(r.exchange.error.code === 'refused' && !r.exchange.retried),
    );
    const chosen = (diedWithIt.length ? diedWithIt : before.filter((r) => !r.exchange.error).slice(-3)).slice(-5);
    return chosen.map((r) => r.exchange).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  }
}

function requestKey(exchange: Exchange): string {
  return `${exchange.method} ${exchange.url}`;
}
