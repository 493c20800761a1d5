import { randomUUID } from 'node:crypto';
import { defineCheck, type EndpointContext, type ProbeResponse } from './api.js';
import { brief, fieldAt, variedBody } from './lib/idempotency/json.js';
import { dedupEvidence, KeyProbe, ok, unique, type Count, type Pair } from './lib/idempotency/key-probe.js';

const REMEDIATION =
  'Store each Idempotency-Key with a fingerprint of the request body and the first response (for 24 h or more). Same key and body: replay that response (Stripe adds Idempotent-Replayed: true). Same key, other body: 422. Same key while the first request still runs: 409.';
const SHOW_DEDUP =
  'Mark replays with Idempotent-Replayed: true, or configure idempotency.verify (a GET list the writes appear in) or idempotency.idField, so a deduplication can be seen from outside.';

const VERDICTS = {
  nothingToReplay: {
    probe: 'replay',
    status: 'error',
    message:
      'could not decide: {endpoint} answered {status} to the configured body {body}, so there was nothing to replay; set endpoints[].body to a request it accepts',
  },
  identicalAnswers: {
    probe: 'replay',
    status: 'error',
    message:
      'could not decide: {endpoint} answers every write identically ({status} with the same body to {body} under one key and to {otherBody} under another): is this a mock? Retries, double submits and key reuse cannot be judged on it',
    remediation:
      'Point the audit at a running implementation of the API (not a mock server), or configure idempotency.verify so side effects can be counted.',
  },
  createdTwice: {
    probe: 'replay',
    status: 'fail',
    severity: 'critical',
    message:
      'the same {header} and body sent twice created two resources ({created}){counted}: a retry or double submit does the write twice',
  },
  replayStatusDiffers: {
    probe: 'replay',
    status: 'fail',
    severity: 'high',
    message:
      'the retry with the same {header} and body answered {replayStatus} where the first request answered {firstStatus}; a retry must get the first response again{counted} (created: {created})',
  },
  replayBodyDiffers: {
    probe: 'replay',
    status: 'fail',
    severity: 'high',
    message:
      'the retry with the same {header} and body answered a different body: {path} was {before}, then {after}; replay the stored first response (or list volatile fields in idempotency.ignoreFields) (created: {created})',
  },
  replayTooLarge: {
    probe: 'replay',
    status: 'error',
    message:
      'could not decide: an answer of {endpoint} was cut at limits.maxResponseBytes, so the retry was not compared with the first response (created: {created})',
  },
  replayUnproven: {
    probe: 'replay',
    status: 'error',
    message:
      'could not decide: the same {header} and body sent twice both answered {status} with the same body{counted}, but nothing shows the second was deduplicated ({missing}); an echo or mock server answers the same way (created: {created})',
    remediation: SHOW_DEDUP,
  },
  replayed: {
    probe: 'replay',
    status: 'pass',
    message: 'the same {header} and body sent twice: both answered {status} with the same body{counted}; {evidence} (created: {created})',
  },
  pairCreatedTwice: {
    probe: 'pair',
    status: 'fail',
    severity: 'critical',
    message:
      '{timing} created two resources ({created}), answered {statuses}{counted}: a double click writes twice; answer 409 to the second while the first runs',
  },
  pairNoneSucceeded: {
    probe: 'pair',
    status: 'error',
    message: 'could not decide: neither of {timing} succeeded (answered {statuses})',
  },
  pairOneUnanswered: {
    probe: 'pair',
    status: 'warn',
    severity: 'high',
    message:
      'of {timing}, one answered {status} and the other got no answer ({reason}); the duplicate should get 409 or the same result (created: {created})',
  },
  pairConflict: {
    probe: 'pair',
    status: 'pass',
    message: '{timing}: one answered {status}, the other got 409 Conflict{counted} (created: {created})',
  },
  pairIdentical: {
    probe: 'pair',
    status: 'pass',
    message: '{timing}: one answered {status}, the other got the identical result{counted}; {evidence} (created: {created})',
  },
  pairUnproven: {
    probe: 'pair',
    status: 'error',
    message:
      'could not decide: {timing} both answered {statuses} with the identical result{counted}, but nothing shows the second was deduplicated ({missing}) (created: {created})',
    remediation: SHOW_DEDUP,
  },
  pairTooLarge: {
    probe: 'pair',
    status: 'error',
    message:
      'could not decide: {timing} both answered {statuses}, cut at limits.maxResponseBytes, so the two answers were not compared (created: {created})',
  },
  pairDifferentBodies: {
    probe: 'pair',
    status: 'warn',
    severity: 'high',
    message:
      '{timing} both answered {statuses} with different bodies and no second id{counted}; the duplicate should get 409 or the identical result (created: {created})',
  },
  pairOtherStatus: {
    probe: 'pair',
    status: 'warn',
    severity: 'high',
    message:
      '{timing}: one answered {status}, the other {otherStatus}; the IETF draft answers 409 Conflict while the first request is in flight (created: {created})',
  },
  reuseNotProbed: {
    probe: 'reuse',
    status: 'skip',
    message: 'the configured body {body} has no field to change, so reusing a {header} with another body was not probed',
  },
  reuseApplied: {
    probe: 'reuse',
    status: 'fail',
    severity: 'high',
    message:
      'the {header} of an earlier request sent again with another body ({change}) was applied (answered {status}{how}); refuse it with 422 so a client bug cannot write under an old key (created: {created})',
  },
  reuseDropped: {
    probe: 'reuse',
    status: 'fail',
    severity: 'high',
    message:
      'the {header} of an earlier request sent again with another body ({change}) got the first response replayed ({status}): the change was silently dropped; refuse it with 422',
  },
  reuseAccepted: {
    probe: 'reuse',
    status: 'fail',
    severity: 'high',
    message:
      'the {header} of an earlier request sent again with another body ({change}) was accepted ({status}, {unlike}); the reused key did not stop it: refuse it with 422 (created: {created})',
  },
  reuseServerError: {
    probe: 'reuse',
    status: 'fail',
    severity: 'high',
    message: 'the {header} of an earlier request sent again with another body ({change}) answered {status}; refuse it with 422',
  },
  reuseAppliedAnyway: {
    probe: 'reuse',
    status: 'fail',
    severity: 'high',
    message:
      'the {header} of an earlier request sent again with another body ({change}) answered {status} but was applied anyway{counted} (created: {created})',
  },
  reuseUnproven: {
    probe: 'reuse',
    status: 'error',
    message:
      'could not decide: the changed body ({change}) was refused even with a fresh key ({controlStatus}), so the {status} to the reused key may be validation, not the key',
  },
  reuseRefused: {
    probe: 'reuse',
    status: 'pass',
    message:
      'the {header} of an earlier request sent again with another body ({change}) was refused with {status} and not applied (the same body with a fresh key was accepted){note} (created: {created})',
  },
  missingKeyAccepted: {
    probe: 'missingKey',
    status: 'fail',
    severity: 'medium',
    message:
      'a write without {header} was accepted ({status}) although idempotency.required is true; refuse it with 400 (created: {created})',
  },
  missingKeyRefused: {
    probe: 'missingKey',
    status: 'pass',
    severity: 'medium',
    message: 'a write without {header} was refused with {status}, as idempotency.required says{note}',
  },
  missingKeyServerError: {
    probe: 'missingKey',
    status: 'fail',
    severity: 'medium',
    message: 'a write without {header} answered {status}; refuse it with 400',
  },
} as const;

/**
 * Write endpoints honour Idempotency-Key, as the IETF draft "The Idempotency-Key HTTP Header Field"
 * and Stripe describe it: a retry with the same key and body gets the first response and causes no
 * second side effect; the key with another body is refused (422); a duplicate while the first is in
 * flight gets 409 or the same result. These are real writes, so the check runs only with allowWrites.
 * A pass needs evidence of deduplication: a static mock and an echo server answer a retry
 * identically too (issue 13).
 */
export default defineCheck({
  meta: {
    id: 'idempotency',
    title: 'Idempotency-Key: replays, reuse with another body, concurrent duplicates',
    item: 'idempotency',
    severity: 'critical',
    rationale:
      'Clients retry after a timeout and users press Submit twice. Without Idempotency-Key the retry is a second order: the user hits Submit twice, you charge their card twice.',
    remediation: REMEDIATION,
    probes:
      'on write endpoints (POST/PATCH, allowWrites only): one key and body sent twice, two at once, the key again with one field changed, the changed body under a fresh key when an answer needs telling apart, and no key when idempotency.required',
    writes: true,
    // Measured alone, after the concurrent probes: the before/after counts of idempotency.verify
    // must not see another check's writes.
    phase: 'measure',
    verdicts: VERDICTS,
  },
  scope: 'endpoint',

  // PUT and DELETE are idempotent by definition; the key exists for POST and PATCH.
  endpoints: (target) => target.endpoints.filter((e) => e.kind === 'write' && (e.method === 'POST' || e.method === 'PATCH')),

  async run(ctx) {
    const probe = new KeyProbe(ctx, ctx.endpoint);
    const { header } = probe;
    const endpoint = ctx.endpoint.label;

    // 1. The same key and body twice, one after the other: a retry.
    const beforeReplay = await probe.snapshot();
    const key = randomUUID();
    const first = await probe.send(probe.body, key, `a fresh ${header}`);
    if (!ok(first)) {
      ctx.report('nothingToReplay', { endpoint, status: first.status, body: brief(probe.body) }, [first.exchange]);
      return;
    }
    const replay = await probe.send(probe.body, key, 'the same key and body again: a retry');
    const afterReplay = await probe.snapshot();
    const replayCount = probe.grown(beforeReplay, afterReplay, probe.body);

    // 2. The same key twice at once: a double click. Its key is new, so its id also tells whether ids follow keys.
    const pair = await probe.sendPair(randomUUID());
    const afterPair = await probe.snapshot();
    const pairCount = probe.grown(afterReplay, afterPair, probe.body);

    // 3. The first key again with one field changed: a client bug that must not be silently absorbed.
    const varied = variedBody(probe.body);
    const change = varied ? `${varied.field}: ${brief(fieldAt(probe.body, varied.field))} → ${brief(varied.value)}` : '';
    const reuse = varied && (await probe.send(varied.body, key, `the first key again with another body (${change})`));
    const reuseCount = varied ? probe.grown(afterPair, await probe.snapshot(), varied.body) : undefined;

    const pairRef = probe.createdRef(pair.responses.find(ok));
    const replayEvidence = dedupEvidence({
      markers: [probe.replayMarker(replay)],
      count: replayCount,
      verify: probe.verifyLabel,
      sameKeyRefs: [probe.createdRef(first), probe.createdRef(replay)],
      otherKeyRef: pairRef,
    });
    const replayLooksRight =
      replay.status === first.status && probe.compare(first, replay).same === true && !twoCreated(probe, first, replay, replayCount);

    // 4. The changed body under a fresh key, only when an answer needs telling apart: a refusal of
    // the reused key from a validation error, a dropped change or an unproven replay from a mock.
    const needsControl =
      reuse &&
      ((!ok(reuse) && reuse.status < 500) ||
        (ok(reuse) && probe.compare(first, reuse).same === true) ||
        (replayLooksRight && !replayEvidence));
    const control =
      varied && needsControl
        ? await probe.send(
            varied.body,
            randomUUID(),
            `the changed body (${change}) with a fresh key, to tell a key refusal from a validation error and a real store from a mock`,
          )
        : undefined;

    if (
      replayLooksRight &&
      !replayEvidence &&
      control &&
      ok(control) &&
      control.status === first.status &&
      probe.compare(first, control).same === true
    ) {
      const created = refsText(unique([probe.createdRef(first)]));
      ctx.report('identicalAnswers', { endpoint, status: first.status, body: brief(probe.body), otherBody: brief(varied!.body), created }, [
        first.exchange,
        control.exchange,
      ]);
    } else {
      judgeReplay(ctx, probe, first, replay, replayCount, replayEvidence);
      judgePair(ctx, probe, pair, pairCount, probe.createdRef(first));
      if (!varied || !reuse) ctx.report('reuseNotProbed', { body: brief(probe.body), header });
      else judgeReuse(ctx, probe, { first, reuse, control, count: reuseCount, change, field: varied.field, value: varied.value });
    }

    // 5. No key at all, where the API says the key is required.
    if (ctx.target.idempotency.required) await missingKey(ctx, probe);
  },
});

type Ctx = EndpointContext<typeof VERDICTS>;

function refsText(refs: readonly string[]): string {
  return refs.length ? refs.join(', ') : 'unknown';
}

function addedIds(count: Count): string[] {
  return typeof count === 'object' ? count.addedIds : [];
}

function twoCreated(probe: KeyProbe, first: ProbeResponse, replay: ProbeResponse, count: Count): boolean {
  const firstRef = probe.createdRef(first);
  const replayRef = probe.createdRef(replay);
  return Boolean(firstRef && replayRef && firstRef !== replayRef) || (typeof count === 'object' && count.added.length >= 2);
}

/** What a pass would have needed, for an unproven replay's message. */
function missingEvidence(probe: KeyProbe, refs: Array<string | undefined>): string {
  const ids = refs.some(Boolean)
    ? 'a new key with the same body got no other id'
    : `no ${probe.verifyLabel ? '' : 'idempotency.verify list and no '}id in the answers`;
  return `no replay header such as Idempotent-Replayed, ${probe.verifyLabel ? `${probe.verifyLabel} did not grow by exactly 1, ` : ''}${ids}`;
}

function judgeReplay(
  ctx: Ctx,
  probe: KeyProbe,
  first: ProbeResponse,
  replay: ProbeResponse,
  count: Count,
  evidence: string | undefined,
): void {
  const { header } = probe;
  const firstRef = probe.createdRef(first);
  const refs = unique([firstRef, probe.createdRef(replay), ...addedIds(count)]);
  const exchanges = [first.exchange, replay.exchange];
  const facts = { createdIds: refs, ...probe.countData(count) };
  const created = refsText(refs);
  const counted = probe.countText(count);
  if (twoCreated(probe, first, replay, count)) {
    ctx.report('createdTwice', { header, created, counted, ...facts }, exchanges);
    return;
  }
  if (replay.status !== first.status) {
    ctx.report(
      'replayStatusDiffers',
      { header, replayStatus: replay.status, firstStatus: first.status, counted, created, ...facts },
      exchanges,
    );
    return;
  }
  const comparison = probe.compare(first, replay);
  if (comparison.same === 'unknown') {
    ctx.report('replayTooLarge', { endpoint: ctx.endpoint.label, created, ...facts }, exchanges);
  } else if (!comparison.same) {
    ctx.report(
      'replayBodyDiffers',
      { header, path: comparison.path, before: comparison.before, after: comparison.after, created, ...facts },
      exchanges,
    );
  } else if (!evidence) {
    const missing = missingEvidence(probe, [firstRef]);
    ctx.report('replayUnproven', { header, status: first.status, counted, missing, created, ...facts }, exchanges);
  } else {
    ctx.report('replayed', { header, status: first.status, counted, evidence, created, ...facts }, exchanges);
  }
}

function judgePair(ctx: Ctx, probe: KeyProbe, pair: Pair, count: Count, firstRef: string | undefined): void {
  const refs = unique([...pair.responses.map((r) => probe.createdRef(r)), ...addedIds(count)]);
  const exchanges = pair.responses.map((r) => r.exchange);
  const facts = { createdIds: refs, overlapped: String(pair.overlapped), ...probe.countData(count) };
  const created = refsText(refs);
  const counted = probe.countText(count);
  const statuses = pair.responses.map((r) => r.status).join(' and ');
  const timing = pair.overlapped
    ? 'two requests with one key in flight at once'
    : 'two requests with one key sent together (they did not overlap on the wire: the first finished first)';
  const succeeded = pair.responses.filter(ok);
  if (unique(succeeded.map((r) => probe.createdRef(r))).length >= 2 || (typeof count === 'object' && count.added.length >= 2)) {
    ctx.report('pairCreatedTwice', { timing, created, statuses, counted, ...facts }, exchanges);
    return;
  }
  const winner = succeeded[0];
  if (!winner) {
    ctx.report('pairNoneSucceeded', { timing, statuses, ...facts }, exchanges);
    return;
  }
  const other = pair.responses.find((r) => r !== winner);
  if (pair.errors.length || !other) {
    const reason = pair.errors[0] instanceof Error ? pair.errors[0].message : String(pair.errors[0]);
    ctx.report('pairOneUnanswered', { timing, status: winner.status, reason, created, ...facts }, exchanges);
  } else if (other.status === 409) {
    ctx.report('pairConflict', { timing, status: winner.status, counted, created, ...facts }, exchanges);
  } else if (ok(other) && probe.compare(winner, other).same === 'unknown') {
    ctx.report('pairTooLarge', { timing, statuses, created, ...facts }, exchanges);
  } else if (ok(other) && probe.compare(winner, other).same === true) {
    const pairRefs = pair.responses.map((r) => probe.createdRef(r));
    const evidence = dedupEvidence({
      markers: pair.responses.map((r) => probe.replayMarker(r)),
      count,
      verify: probe.verifyLabel,
      sameKeyRefs: pairRefs,
      otherKeyRef: firstRef,
    });
    if (evidence) ctx.report('pairIdentical', { timing, status: winner.status, counted, evidence, created, ...facts }, exchanges);
    else ctx.report('pairUnproven', { timing, statuses, counted, missing: missingEvidence(probe, pairRefs), created, ...facts }, exchanges);
  } else if (ok(other)) {
    // Same id (or none) but a different body: no second resource seen, yet not a faithful replay.
    ctx.report('pairDifferentBodies', { timing, statuses, counted, created, ...facts }, exchanges);
  } else {
    ctx.report('pairOtherStatus', { timing, status: winner.status, otherStatus: other.status, created, ...facts }, exchanges);
  }
}

interface ReuseFacts {
  first: ProbeResponse;
  reuse: ProbeResponse;
  /** The changed body under a fresh key, when it was needed. */
  control: ProbeResponse | undefined;
  count: Count;
  change: string;
  field: string;
  value: unknown;
}

function judgeReuse(ctx: Ctx, probe: KeyProbe, { first, reuse, control, count, change, field, value }: ReuseFacts): void {
  const { header } = probe;
  const refs = unique([probe.createdRef(reuse), probe.createdRef(control), ...addedIds(count)]);
  const exchanges = [first.exchange, reuse.exchange, ...(control ? [control.exchange] : [])];
  const facts = { createdIds: refs, ...probe.countData(count) };
  const created = refsText(refs);
  const grew = typeof count === 'object' && count.added.length > 0;
  if (ok(reuse)) {
    const reuseRef = probe.createdRef(reuse);
    const newRecord = reuseRef !== undefined && reuseRef !== probe.createdRef(first);
    const how = grew
      ? probe.countText(count)
      : newRecord
        ? `, a new id ${reuseRef}`
        : Object.is(fieldAt(reuse.json(), field), value)
          ? `, its answer carries ${field}: ${brief(value)}`
          : '';
    if (how) {
      ctx.report('reuseApplied', { header, change, status: reuse.status, how, created, ...facts }, exchanges);
      return;
    }
    // "Dropped" only when the answer really is the first one again (an echo carries the change).
    const comparison = probe.compare(first, reuse);
    if (comparison.same === true) {
      ctx.report('reuseDropped', { header, change, status: reuse.status, ...facts }, exchanges);
      return;
    }
    const unlike =
      comparison.same === 'unknown'
        ? 'its answer was cut at limits.maxResponseBytes and not compared'
        : `unlike the first answer: ${comparison.path} was ${comparison.before}, now ${comparison.after}`;
    ctx.report('reuseAccepted', { header, change, status: reuse.status, unlike, created, ...facts }, exchanges);
    return;
  }
  if (reuse.status >= 500) {
    ctx.report('reuseServerError', { header, change, status: reuse.status, ...facts }, exchanges);
  } else if (grew) {
    ctx.report(
      'reuseAppliedAnyway',
      { header, change, status: reuse.status, counted: probe.countText(count), created, ...facts },
      exchanges,
    );
  } else if (!control || !ok(control)) {
    ctx.report('reuseUnproven', { change, controlStatus: control?.status ?? 'no answer', status: reuse.status, ...facts }, exchanges);
  } else {
    const note = reuse.status === 422 ? '' : '; the IETF draft specifies 422 for this';
    ctx.report('reuseRefused', { header, change, status: reuse.status, note, created, ...facts }, exchanges);
  }
}

async function missingKey(ctx: Ctx, probe: KeyProbe): Promise<void> {
  const { header } = probe;
  const response = await probe.send(probe.body, undefined, `no ${header}, which idempotency.required says is mandatory`);
  const ref = probe.createdRef(response);
  const facts = { createdIds: unique([ref]) };
  const exchanges = [response.exchange];
  if (ok(response)) ctx.report('missingKeyAccepted', { header, status: response.status, created: ref ?? 'unknown', ...facts }, exchanges);
  else if (response.status < 500) {
    const note = response.status === 400 ? '' : '; the IETF draft specifies 400';
    ctx.report('missingKeyRefused', { header, status: response.status, note, ...facts }, exchanges);
  } else ctx.report('missingKeyServerError', { header, status: response.status, ...facts }, exchanges);
}
