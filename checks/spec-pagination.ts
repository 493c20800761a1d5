import { defineCheck } from './api.js';

const VERDICTS = {
  noSchema: {
    probe: 'documented',
    status: 'skip',
    message: '{endpoint}: the spec documents no JSON schema for its {documented} response, so its paging cannot be read from it',
  },
  documented: { probe: 'documented', status: 'pass', message: '{endpoint}: the spec documents paging ({how})' },
  undocumented: {
    probe: 'documented',
    status: 'fail',
    message:
      "{endpoint}: the spec's {documented} response {body} has no cursor, next link, page or total field, no paging header and no page/cursor parameter: clients cannot reach the second page",
  },
} as const;

/**
 * A list endpoint's OpenAPI document must show how to get past the first page: a cursor or next
 * link, a has-more flag, a page number or total in the body, a Link/X-Next header, or a page or
 * cursor parameter. Read from the spec alone (audit --openapi), so it flags the gap before any probe.
 */
export default defineCheck({
  meta: {
    id: 'spec-pagination',
    title: 'Documented list responses show how to reach the next page',
    item: 'list-caps',
    severity: 'medium',
    rationale:
      'A list whose documented response has no cursor, next link or page field can only ever be fetched whole or cut short: clients either pull everything or silently miss the rest.',
    remediation:
      'Document (and return) a way to the next page: a next_cursor or links.next field with a cursor parameter, or page/offset parameters with a total; a Link header works too.',
    probes: "no requests; reads each list endpoint's documented response schema, given audit --openapi",
    writes: false,
    verdicts: VERDICTS,
  },
  scope: 'endpoint',

  // Without --openapi there is no documented schema to read: not a skip, just not this run's business.
  endpoints: (target) =>
    target.spec === undefined && target.endpoints.every((endpoint) => endpoint.spec === undefined)
      ? 'not-applicable'
      : target.endpoints.filter((endpoint) => endpoint.kind === 'list' && endpoint.spec !== undefined),

  async run(ctx) {
    const endpoint = ctx.endpoint;
    const spec = endpoint.spec!;
    const documented = spec.responses.filter((code) => /^2/.test(code)).join('/') || 'success';
    const { fields, headers, params } = spec.pagination;
    if (spec.successSchema === undefined && headers.length === 0 && params.length === 0) {
      return void ctx.report('noSchema', { endpoint: endpoint.label, documented, source: spec.source });
    }
    if (spec.hasPaginationField) {
      const how = [
        fields.length ? `response field ${fields.join(', ')}` : '',
        headers.length ? `header ${headers.join(', ')}` : '',
        params.length ? `parameter ${params.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      return void ctx.report('documented', { endpoint: endpoint.label, how, source: spec.source, fields, headers, params });
    }
    ctx.report('undocumented', { endpoint: endpoint.label, documented, body: describeBody(spec.successSchema), source: spec.source });
  },
});

function describeBody(schema: unknown): string {
  if (typeof schema !== 'object' || schema === null) return '(no schema)';
  const type = (schema as { type?: unknown }).type;
  return type === 'array' || (Array.isArray(type) && type.includes('array')) || 'items' in schema ? '(a bare array)' : '(an object)';
}
