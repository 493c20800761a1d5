import { defineCheck } from '../../../checks/api.js';

/**
 * A one-request check for engine tests (runAudit's checksDir): its id differs from its item's, so
 * waivers can be matched by either. Fails when a configured endpoint answers an anonymous GET with 2xx.
 */
export default defineCheck({
  meta: {
    id: 'open-endpoint',
    title: 'Endpoint refuses anonymous calls',
    item: 'default-deny',
    severity: 'critical',
    rationale: 'An endpoint that answers anonymous calls is public.',
    remediation: 'Require authentication.',
    probes: 'one anonymous GET per endpoint',
    writes: false,
    verdicts: {
      open: { probe: 'anonymous', status: 'fail', message: '{endpoint} answered {status} to an anonymous call' },
      refused: { probe: 'anonymous', status: 'pass', message: '{endpoint} answered {status} to an anonymous call' },
    },
  },
  scope: 'endpoint',
  endpoints: (target) => target.endpoints,
  async run(ctx) {
    const response = await ctx.http.send({ method: 'GET', path: ctx.endpoint.path, auth: false, purpose: 'anonymous' });
    const data = { endpoint: ctx.endpoint.label, status: response.status };
    if (response.status < 300) ctx.report('open', data, [response.exchange]);
    else ctx.report('refused', data, [response.exchange]);
  },
});
