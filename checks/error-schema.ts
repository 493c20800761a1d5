import type { ValidateFunction } from 'ajv';
import { defineCheck, type RecordedResponse, type Target } from './api.js';
import { isWholeBody } from './lib/error-bodies.js';
import { configuredEndpoint, labelExchange } from './lib/exchange-label.js';
import { isRateLimited } from './lib/rate-limit.js';

const MAX_LISTED = 3;

const VERDICTS = {
  schemaBroken: {
    probe: 'schema',
    status: 'skip',
    message: 'the documented error schema could not be compiled ({problem}), so error bodies were not checked against it',
  },
  noJsonErrors: {
    probe: 'schema',
    status: 'skip',
    message: 'no JSON 4xx/5xx body was seen during the run, so none could be checked against the documented error schema',
  },
  onlyCutBodies: {
    probe: 'schema',
    status: 'error',
    message:
      'every JSON 4xx/5xx body the run saw ({cut}) was cut at maxResponseBytes or too large to keep whole, so none could be checked against the documented error schema',
  },
  matches: {
    probe: 'schema',
    status: 'pass',
    message: 'all {checked} JSON error responses match the error schema documented in {source}{notJudged}',
  },
  breaks: {
    probe: 'schema',
    status: 'fail',
    message: '{broken} of {checked} JSON error responses break the error schema documented in {source}: {listed}{notJudged}',
  },
} as const;

/**
 * When the audit was given the API's OpenAPI document (--openapi), every JSON error the run saw must
 * match the error schema the document promises: clients are generated from that document.
 */
export default defineCheck({
  meta: {
    id: 'error-schema',
    title: 'Errors match the error schema the OpenAPI document promises',
    item: 'error-hygiene',
    severity: 'medium',
    rationale:
      'Clients and SDKs are generated from the OpenAPI document: an error body that breaks its documented schema crashes their error handling exactly when the user needs a clear message.',
    remediation:
      'Send every error through the one handler that produces the documented error body, or fix the document so it describes the errors the API really sends.',
    probes:
      'nothing: validates every JSON 4xx/5xx of the run against the documented error schema (with --openapi; bodies cut at maxResponseBytes are not judged)',
    writes: false,
    phase: 'analyze',
    verdicts: VERDICTS,
  },
  scope: 'target',
  // Only with a spec that documents an error body: without --openapi there is nothing to compare with.
  applies: (target) => target.spec?.errorSchema !== undefined || target.endpoints.some((e) => e.spec?.errorSchema !== undefined),

  async run(ctx) {
    const validators = new Validators(ctx.target);
    const checked: Array<{ record: RecordedResponse; where: string; problem?: string }> = [];
    let cut = 0;
    for (const record of ctx.http.eachRecorded()) {
      const { status } = record.exchange;
      if (status === undefined || status < 400 || isRateLimited(status)) continue;
      // A cut body is not compared as if whole: a JSON error cut short would "break" any schema.
      if (!isWholeBody(record)) {
        if (/\bjson\b/i.test(record.exchange.responseHeaders?.['content-type'] ?? '') || /^\s*[[{]/.test(record.bodyText)) cut++;
        continue;
      }
      let body: unknown;
      try {
        body = JSON.parse(record.bodyText);
      } catch {
        continue; // not JSON: error-shape judges those
      }
      const endpoint = configuredEndpoint(record.exchange, ctx.target);
      const validate = await validators.for(endpoint?.spec?.errorSchema ?? ctx.target.spec?.errorSchema);
      if (!validate) continue;
      const where = `${status} on ${labelExchange(record.exchange, ctx.target)}`;
      checked.push(validate(body) ? { record, where } : { record, where, problem: describeErrors(validate) });
    }
    if (validators.broken) return void ctx.report('schemaBroken', { problem: validators.broken });
    if (checked.length === 0) {
      if (cut) ctx.report('onlyCutBodies', { cut });
      else ctx.report('noJsonErrors', {});
      return;
    }
    const broken = checked.filter((c) => c.problem);
    const source = ctx.target.spec?.source ?? 'the OpenAPI document';
    const notJudged = cut ? `; ${cut} cut at maxResponseBytes, not judged` : '';
    if (broken.length === 0)
      return void ctx.report(
        'matches',
        { checked: checked.length, source, notJudged, cut },
        checked.slice(0, 1).map((c) => c.record.exchange),
      );
    const listed = `${broken
      .slice(0, MAX_LISTED)
      .map((c) => `${c.where}: ${c.problem}`)
      .join('; ')}${broken.length > MAX_LISTED ? '; …' : ''}`;
    ctx.report(
      'breaks',
      { broken: broken.length, checked: checked.length, source, listed, notJudged, cut },
      broken.map((c) => c.record.exchange),
    );
  },
});

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
