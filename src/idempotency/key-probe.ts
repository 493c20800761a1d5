import { randomUUID } from 'node:crypto';
import { findEndpoint } from '../config/endpoints.js';
import type { ProbeResponse } from '../http/types.js';
import { endpointRequest } from '../http/endpoint-request.js';
import { peakOverlap } from '../measure/sampler.js';
import type { CheckContext, Endpoint, Exchange, Finding } from '../types.js';
import { brief, fieldAt, firstDifference, variedBody, withoutFields } from './json.js';
import { growth, readList, type Growth, type ListSnapshot } from './list-snapshot.js';

/** Headers servers use to say "this is a replay" (Stripe: Idempotent-Replayed: true). */
const REPLAY_MARKERS = ['idempotent-replayed', 'idempotency-replayed', 'x-idempotent-replayed', 'x-idempotency-replayed'];

export interface Pair {
  responses: ProbeResponse[];
  errors: unknown[];
  /** True when the two requests were on the wire at the same time. */
  overlapped: boolean;
}

/**
 * The idempotency probes of one write endpoint: how each request is sent (fresh UUID keys, bare or
 * quoted), how side effects are counted (idempotency.verify), and how each answer is judged.
 */
export class KeyProbe {
  readonly body: unknown;
  private readonly config: CheckContext['target']['idempotency'];
  private readonly verify: Endpoint | undefined;
  private readonly listIdField: string;

  constructor(
    private readonly ctx: CheckContext,
    private readonly endpoint: Endpoint,
  ) {
    this.body = endpoint.body ?? {};
    this.config = ctx.target.idempotency;
    this.verify = this.config.verify ? findEndpoint(ctx.target.endpoints, this.config.verify) : undefined;
    this.listIdField = this.verify?.pagination?.idField ?? this.config.idField;
  }

  send(body: unknown, key: string | undefined, purpose: string): Promise<ProbeResponse> {
    const headers = key ? { [this.config.header]: this.config.quoted ? `"${key}"` : key } : {};
    return this.ctx.http.send(endpointRequest(this.endpoint, { body, headers, purpose }));
  }

  async sendPair(key: string): Promise<Pair> {
    const intervals: Array<[number, number]> = [];
    const one = async (n: number): Promise<ProbeResponse> => {
      const response = await this.send(this.body, key, `the same key, two requests in flight at once (${n}/2)`);
      const end = performance.now();
      intervals.push([end - response.durationMs, end]);
      return response;
    };
    const settled = await Promise.allSettled([one(1), one(2)]);
    const responses = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (responses.length === 0) throw errors[0];
    return { responses, errors, overlapped: peakOverlap(intervals) >= 2 };
  }

  snapshot(): Promise<ListSnapshot | undefined> {
    return this.verify ? readList(this.ctx.http, this.verify) : Promise.resolve(undefined);
  }

  grown(before: ListSnapshot | undefined, after: ListSnapshot | undefined, body: unknown): Growth | string | undefined {
    if (!before || !after || !this.verify) return undefined;
    const unreadable = [before, after].find((s) => !s.complete);
    if (unreadable) return `${this.verify.label} could not be counted (${unreadable.reason ?? 'incomplete'})`;
    return growth(before, after, this.listIdField, body);
  }

  /** The id of what a 2xx response created: the configured id field, else its Location. */
  createdRef(response: ProbeResponse): string | undefined {
    if (!ok(response)) return undefined;
    const id = fieldAt(response.json(), this.config.idField);
    if (typeof id === 'string' || typeof id === 'number') return String(id);
    return response.headers['location'];
  }

  /** The body with the fields a replay may change removed (JSON), or the text. */
  comparable(response: ProbeResponse): unknown {
    const json = response.json();
    return json === undefined ? response.text() : withoutFields(json, this.config.ignoreFields);
  }

  undecidable(response: ProbeResponse): Finding {
    return this.ctx.finding({
      status: 'error',
      message: `could not decide: ${this.endpoint.label} answered ${response.status} to the configured body ${brief(this.body)}, so there was nothing to replay; set endpoints[].body to a request it accepts`,
      evidence: [response.exchange],
    });
  }

  judgeReplay(first: ProbeResponse, replay: ProbeResponse, grown: Growth | string | undefined): Finding {
    const header = this.config.header;
    const refs = unique([this.createdRef(first), this.createdRef(replay), ...(typeof grown === 'object' ? grown.addedIds : [])]);
    const evidence = [first.exchange, replay.exchange];
    const data = { createdIds: refs, ...this.verifyData(grown) };
    const growthText = typeof grown === 'object' ? `; ${this.verify!.label} grew by ${grown.added.length}` : typeof grown === 'string' ? `; ${grown}` : '';
    const firstRef = this.createdRef(first);
    const replayRef = this.createdRef(replay);
    if ((firstRef && replayRef && firstRef !== replayRef) || (typeof grown === 'object' && grown.added.length >= 2)) {
      return this.ctx.finding({
        status: 'fail',
        severity: 'critical',
        message: `the same ${header} and body sent twice created two resources (${refs.join(', ')})${growthText}: a retry or double submit does the write twice`,
        evidence,
        data,
      });
    }
    if (replay.status !== first.status) {
      return this.ctx.finding({
        status: 'fail',
        severity: 'high',
        message: `the retry with the same ${header} and body answered ${replay.status} where the first request answered ${first.status}; a retry must get the first response again${growthText} (created: ${refs.join(', ') || 'unknown'})`,
        evidence,
        data,
      });
    }
    const difference = firstDifference(this.comparable(first), this.comparable(replay));
    if (difference) {
      return this.ctx.finding({
        status: 'fail',
        severity: 'high',
        message: `the retry with the same ${header} and body answered a different body: ${difference.path} was ${brief(difference.a)}, then ${brief(difference.b)}; replay the stored first response (or list volatile fields in idempotency.ignoreFields) (created: ${refs.join(', ') || 'unknown'})`,
        evidence,
        data,
      });
    }
    const marker = REPLAY_MARKERS.find((name) => replay.headers[name] !== undefined);
    const unconfirmed = !firstRef && grown === undefined ? '; one side effect not confirmed: no id field and no idempotency.verify' : '';
    return this.ctx.finding({
      status: 'pass',
      message: `the same ${header} and body sent twice: both answered ${first.status} with the same body${firstRef ? ` (id ${firstRef})` : ''}${growthText}${marker ? `; the retry was marked ${marker}: ${replay.headers[marker]}` : ''}${unconfirmed} (created: ${refs.join(', ') || 'unknown'})`,
      evidence,
      data,
    });
  }

  judgePair(pair: Pair, grown: Growth | string | undefined): Finding {
    const header = this.config.header;
    const refs = unique([...pair.responses.map((r) => this.createdRef(r)), ...(typeof grown === 'object' ? grown.addedIds : [])]);
    const evidence = pair.responses.map((r) => r.exchange);
    const data = { createdIds: refs, overlapped: pair.overlapped, ...this.verifyData(grown) };
    const statuses = pair.responses.map((r) => r.status).join(' and ');
    const timing = pair.overlapped ? 'two requests with one key in flight at once' : 'two requests with one key sent together (they did not overlap on the wire: the first finished first)';
    const growthText = typeof grown === 'object' ? `; ${this.verify!.label} grew by ${grown.added.length}` : typeof grown === 'string' ? `; ${grown}` : '';
    const succeeded = pair.responses.filter(ok);
    const succeededRefs = unique(succeeded.map((r) => this.createdRef(r)));
    if (succeededRefs.length >= 2 || (typeof grown === 'object' && grown.added.length >= 2)) {
      return this.ctx.finding({
        status: 'fail',
        severity: 'critical',
        message: `${timing} created two resources (${refs.join(', ')}), answered ${statuses}${growthText}: a double click writes twice; answer 409 to the second while the first runs`,
        evidence,
        data,
      });
    }
    if (succeeded.length === 0) {
      return this.ctx.finding({ status: 'error', message: `could not decide: neither of ${timing} succeeded (answered ${statuses})`, evidence, data });
    }
    const other = pair.responses.find((r) => r !== succeeded[0]);
    if (pair.errors.length || !other) {
      const reason = pair.errors[0] instanceof Error ? pair.errors[0].message : String(pair.errors[0]);
      return this.ctx.finding({ status: 'warn', severity: 'high', message: `of ${timing}, one answered ${succeeded[0]!.status} and the other got no answer (${reason}); the duplicate should get 409 or the same result (created: ${refs.join(', ') || 'unknown'})`, evidence, data });
    }
    const identical = ok(other) && !firstDifference(this.comparable(succeeded[0]!), this.comparable(other));
    if (other.status === 409 || identical) {
      const how = other.status === 409 ? 'the other got 409 Conflict' : 'the other got the identical result';
      return this.ctx.finding({ status: 'pass', message: `${timing}: one answered ${succeeded[0]!.status}, ${how}${growthText} (created: ${refs.join(', ') || 'unknown'})`, evidence, data });
    }
    if (ok(other)) {
      // Same id (or none) but a different body: no second resource seen, yet not a faithful replay.
      return this.ctx.finding({ status: 'warn', severity: 'high', message: `${timing} both answered ${statuses} with different bodies and no second id${growthText}; the duplicate should get 409 or the identical result (created: ${refs.join(', ') || 'unknown'})`, evidence, data });
    }
    return this.ctx.finding({ status: 'warn', severity: 'high', message: `${timing}: one answered ${succeeded[0]!.status}, the other ${other.status}; the IETF draft answers 409 Conflict while the first request is in flight (created: ${refs.join(', ') || 'unknown'})`, evidence, data });
  }

  async reuseWithOtherBody(first: ProbeResponse, key: string, before: ListSnapshot | undefined): Promise<Finding> {
    const header = this.config.header;
    const varied = variedBody(this.body);
    if (!varied) {
      return this.ctx.finding({ status: 'skip', message: `the configured body ${brief(this.body)} has no field to change, so reusing a ${header} with another body was not probed` });
    }
    const change = `${varied.field}: ${brief(fieldAt(this.body, varied.field))} → ${brief(varied.value)}`;
    const reused = await this.send(varied.body, key, `the first key again with another body (${change})`);
    const grown = this.grown(before, await this.snapshot(), varied.body);
    const evidence: Exchange[] = [first.exchange, reused.exchange];
    const refs = unique([this.createdRef(reused), ...(typeof grown === 'object' ? grown.addedIds : [])]);
    const applied = typeof grown === 'object' && grown.added.length > 0;
    const data = { createdIds: refs, ...this.verifyData(grown) };
    if (ok(reused)) {
      const reusedRef = this.createdRef(reused);
      const tookChange = Object.is(fieldAt(reused.json(), varied.field), varied.value);
      if (applied || tookChange || (reusedRef && reusedRef !== this.createdRef(first))) {
        return this.ctx.finding({ status: 'fail', severity: 'high', message: `the ${header} of an earlier request sent again with another body (${change}) was applied (answered ${reused.status}); refuse it with 422 so a client bug cannot write under an old key (created: ${refs.join(', ') || 'unknown'})`, evidence, data });
      }
      return this.ctx.finding({ status: 'fail', severity: 'high', message: `the ${header} of an earlier request sent again with another body (${change}) got the first response replayed (${reused.status}): the change was silently dropped; refuse it with 422`, evidence, data });
    }
    if (reused.status >= 500) {
      return this.ctx.finding({ status: 'fail', severity: 'high', message: `the ${header} of an earlier request sent again with another body (${change}) answered ${reused.status}; refuse it with 422`, evidence, data });
    }
    if (applied) {
      return this.ctx.finding({ status: 'fail', severity: 'high', message: `the ${header} of an earlier request sent again with another body (${change}) answered ${reused.status} but was applied anyway: ${this.verify!.label} grew by ${grown.added.length} (created: ${refs.join(', ')})`, evidence, data });
    }
    // Was it refused for the key, or because the changed body is invalid on its own? Ask with a fresh key.
    const control = await this.send(varied.body, randomUUID(), `the changed body (${change}) with a fresh key, to tell a key refusal from a validation error`);
    const controlRef = this.createdRef(control);
    const allRefs = unique([...refs, controlRef]);
    evidence.push(control.exchange);
    if (!ok(control)) {
      return this.ctx.finding({ status: 'error', message: `could not decide: the changed body (${change}) was refused even with a fresh key (${control.status}), so the ${reused.status} to the reused key may be validation, not the key`, evidence, data: { ...data, createdIds: allRefs } });
    }
    const note = reused.status === 422 ? '' : '; the IETF draft specifies 422 for this';
    return this.ctx.finding({ status: 'pass', message: `the ${header} of an earlier request sent again with another body (${change}) was refused with ${reused.status} and not applied (the same body with a fresh key was accepted)${note} (created: ${allRefs.join(', ') || 'unknown'})`, evidence, data: { ...data, createdIds: allRefs } });
  }

  async missingKey(): Promise<Finding> {
    const header = this.config.header;
    const response = await this.send(this.body, undefined, `no ${header}, which idempotency.required says is mandatory`);
    const ref = this.createdRef(response);
    const data = { createdIds: unique([ref]) };
    if (ok(response)) {
      return this.ctx.finding({ status: 'fail', severity: 'medium', message: `a write without ${header} was accepted (${response.status}) although idempotency.required is true; refuse it with 400 (created: ${ref ?? 'unknown'})`, evidence: [response.exchange], data });
    }
    if (response.status === 400) return this.ctx.finding({ status: 'pass', severity: 'medium', message: `a write without ${header} was refused with 400, as idempotency.required says`, evidence: [response.exchange], data });
    if (response.status < 500) return this.ctx.finding({ status: 'pass', severity: 'medium', message: `a write without ${header} was refused with ${response.status}; the IETF draft specifies 400`, evidence: [response.exchange], data });
    return this.ctx.finding({ status: 'fail', severity: 'medium', message: `a write without ${header} answered ${response.status}; refuse it with 400`, evidence: [response.exchange], data });
  }

  private verifyData(grown: Growth | string | undefined): Record<string, unknown> {
    if (grown === undefined) return {};
    if (typeof grown === 'string') return { verify: { endpoint: this.verify?.label, counted: false, reason: grown } };
    return { verify: { endpoint: this.verify?.label, counted: true, added: grown.added.length, addedIds: grown.addedIds } };
  }
}

export function ok(response: ProbeResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

function unique(values: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
}
