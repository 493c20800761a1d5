import type { ValidateFunction } from 'ajv';
import type { RecordedResponse } from '../src/http/types.js';
import type { Check, CheckContext, Finding, Target } from '../src/types.js';
import { configuredEndpoint, labelExchange } from './lib/exchange-label.js';
import { isRateLimited } from './lib/rate-limit.js';

const MAX_LISTED = 3;

/**
 * When the audit was given the API's OpenAPI document (--openapi), every JSON error the run saw must
 * match the error schema the document promises: clients are generated from that document.
 */
const check: Check = {
  meta: {
    id: 'error-schema',
    title: 'Errors match the error schema the OpenAPI document promises',
    item: 'error-hygiene',
    severity: 'medium',
    rationale:
      'Clients and SDKs are generated from the OpenAPI document: an error body that breaks its documented schema crashes their error handling exactly when the user needs a clear message.',
    remediation:
      'Send every error through the one handler that produces the documented error body, or fix the document so it describes the errors the API really sends.',
    probes: 'nothing: validates every JSON 4xx/5xx of the run against the documented error schema (with --openapi)',
    writes: false,
    phase: 'analyze',
  },

  // Only with a spec that documents an error body: without --openapi there is nothing to compare with.
  applies: (target) => (target.spec?.errorSchema !== undefined || target.endpoints.some((e) => e.spec?.errorSchema !== undefined) ? 'target' : 'not-applicable'),

  async run(ctx: CheckContext): Promise<Finding[]> {
    const validators = new Validators(ctx.target);
    const checked: Array<{ record: RecordedResponse; where: string; problem?: string }> = [];
    for (const record of ctx.http.recorded()) {
      const { status } = record.exchange;
      if (status === undefined || status < 400 || isRateLimited(status)) continue;
      let body: unknown;
      try {
        body = JSON.parse(record.bodyText);
      } catch {
        continue; // not JSON (or cut at the scan limit): error-shape judges those
      }
      const endpoint = configuredEndpoint(record.exchange, ctx.target);
      const validate = await validators.for(endpoint?.spec?.errorSchema ?? ctx.target.spec?.errorSchema);
      if (!validate) continue;
      const where = `${status} on ${labelExchange(record.exchange, ctx.target)}`;
      checked.push(validate(body) ? { record, where } : { record, where, problem: describeErrors(validate) });
    }
    if (validators.broken) {
      return [ctx.finding({ status: 'skip', message: `the documented error schema could not be compiled (${validators.broken}), so error bodies were not checked against it` })];
    }
    if (checked.length === 0) {
      return [ctx.finding({ status: 'skip', message: 'no JSON 4xx/5xx body was seen during the run, so none could be checked against the documented error schema' })];
    }
    const broken = checked.filter((c) => c.problem);
    const source = ctx.target.spec?.source ?? 'the OpenAPI document';
    if (broken.length === 0) {
      return [ctx.finding({ status: 'pass', message: `all ${checked.length} JSON error responses match the error schema documented in ${source}`, evidence: checked.slice(0, 1).map((c) => c.record.exchange) })];
    }
    const listed = broken.slice(0, MAX_LISTED).map((c) => `${c.where}: ${c.problem}`);
    return [
      ctx.finding({
        status: 'fail',
        message: `${broken.length} of ${checked.length} JSON error responses break the error schema documented in ${source}: ${listed.join('; ')}${broken.length > MAX_LISTED ? '; …' : ''}`,
        evidence: broken.map((c) => c.record.exchange),
        data: { broken: broken.length, checked: checked.length },
      }),
    ];
  },
};

/** Compiles each documented schema once; OpenAPI 3.1 schemas are JSON Schema 2020-12, 3.0 ones draft-04-ish with nullable. */
class Validators {
  private readonly cache = new Map<unknown, ValidateFunction | undefined>();
  private ajv: { compile(schema: object): ValidateFunction } | undefined;
  broken: string | undefined;

  constructor(private readonly target: Target) {}

  async for(schema: unknown): Promise<ValidateFunction | undefined> {
    if (!schema || typeof schema !== 'object') return undefined;
    if (this.cache.has(schema)) return this.cache.get(schema);
    let validate: ValidateFunction | undefined;
    try {
      validate = (await this.compiler()).compile(withoutUnresolvedRefs(schema) as object);
    } catch (error) {
      this.broken = (error as Error).message.split('\n')[0];
    }
    this.cache.set(schema, validate);
    return validate;
  }

  private async compiler(): Promise<{ compile(schema: object): ValidateFunction }> {
    if (this.ajv) return this.ajv;
    // strict: false, because OpenAPI schemas carry keywords JSON Schema does not know (example, xml, discriminator).
    if (this.target.spec?.openapi.startsWith('3.1')) {
      const { default: Ajv2020 } = await import('ajv/dist/2020.js');
      this.ajv = new Ajv2020.default({ strict: false, allErrors: true, validateFormats: false });
    } else {
      const { default: Ajv } = await import('ajv');
      this.ajv = new Ajv.default({ strict: false, allErrors: true, validateFormats: false });
    }
    return this.ajv;
  }
}

/** A circular part of a dereferenced document is left as {$ref}; accept anything there rather than fail to compile. */
function withoutUnresolvedRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutUnresolvedRefs);
  if (!schema || typeof schema !== 'object') return schema;
  if (typeof (schema as { $ref?: unknown }).$ref === 'string') return {};
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, withoutUnresolvedRefs(value)]));
}

/** "/error/code must be string; must have required property 'message'" */
function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 2)
    .map((e) => `${e.instancePath || 'the body'} ${e.message ?? 'is not valid'}`)
    .join('; ');
}

export default check;
