import type { Check } from '../../../src/types.js';

/**
 * A one-request check for engine tests (runAudit's checksDir): its id differs from its item's, so
 * waivers can be matched by either. Fails when a configured endpoint answers an anonymous GET with 2xx.
 */
const check: Check = {
  meta: {
    id: 'open-endpoint',
    title: 'Endpoint refuses anonymous calls',
    item: 'default-deny',
    severity: 'critical',
    rationale: 'An endpoint that answers anonymous calls is public.',
    remediation: 'Require authentication.',
    probes: 'one anonymous GET per endpoint',
    writes: false,
  },
  applies: (target) => target.endpoints,
  async run(ctx) {
    const endpoint = ctx.endpoint!;
    const response = await ctx.http.send({ method: 'GET', path: endpoint.path, auth: false, purpose: 'anonymous' });
    const open = response.status < 300;
    return [ctx.finding({ status: open ? 'fail' : 'pass', message: `${endpoint.label} answered ${response.status} to an anonymous call`, evidence: [response.exchange] })];
  },
};

export default check;
