import { randomUUID } from 'node:crypto';
import { KeyProbe, ok } from '../src/idempotency/key-probe.js';
import type { Check, CheckContext, Finding } from '../src/types.js';

/**
 * Write endpoints honour Idempotency-Key, as the IETF draft "The Idempotency-Key HTTP Header Field"
 * and Stripe describe it: a retry with the same key and body gets the first response and causes no
 * second side effect; the key with another body is refused (422); a duplicate while the first is in
 * flight gets 409 or the same result. These are real writes, so the check runs only with allowWrites.
 */
const check: Check = {
  meta: {
    id: 'idempotency',
    title: 'Idempotency-Key: replays, reuse with another body, concurrent duplicates',
    item: 'idempotency',
    severity: 'critical',
    rationale:
      'Clients retry after a timeout and users press Submit twice. Without Idempotency-Key the retry is a second order: the user hits Submit twice, you charge their card twice.',
    remediation:
      'Store each Idempotency-Key with a fingerprint of the request body and the first response (for 24 h or more). Same key and body: replay that response (Stripe adds Idempotent-Replayed: true). Same key, other body: 422. Same key while the first request still runs: 409.',
    probes: 'on write endpoints (POST/PATCH, allowWrites only): one key and body sent twice, two at once, the key again with one field changed, and no key when idempotency.required',
    writes: true,
    // Measured alone, after the concurrent probes: the before/after counts of idempotency.verify
    // must not see another check's writes.
    phase: 'measure',
  },

  // PUT and DELETE are idempotent by definition; the key exists for POST and PATCH.
  applies: (target) => target.endpoints.filter((e) => e.kind === 'write' && (e.method === 'POST' || e.method === 'PATCH')),

  async run(ctx: CheckContext): Promise<Finding[]> {
    const probe = new KeyProbe(ctx, ctx.endpoint!);
    const findings: Finding[] = [];

    // 1. The same key and body twice, one after the other: a retry.
    const beforeReplay = await probe.snapshot();
    const key = randomUUID();
    const first = await probe.send(probe.body, key, `a fresh ${ctx.target.idempotency.header}`);
    if (!ok(first)) return [probe.undecidable(first)];
    const replay = await probe.send(probe.body, key, 'the same key and body again: a retry');
    const afterReplay = await probe.snapshot();
    findings.push(probe.judgeReplay(first, replay, probe.grown(beforeReplay, afterReplay, probe.body)));

    // 2. The same key twice at once: a double click.
    const pair = await probe.sendPair(randomUUID());
    const afterPair = await probe.snapshot();
    findings.push(probe.judgePair(pair, probe.grown(afterReplay, afterPair, probe.body)));

    // 3. The first key again with one field changed: a client bug that must not be silently absorbed.
    findings.push(await probe.reuseWithOtherBody(first, key, afterPair));

    // 4. No key at all, where the API says the key is required.
    if (ctx.target.idempotency.required) findings.push(await probe.missingKey());
    return findings;
  },
};

export default check;
