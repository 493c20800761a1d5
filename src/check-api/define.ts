import type { Endpoint, Target } from '../types.js';
import type { Check, CheckContext, CheckMeta, EndpointContext, VerdictCatalogue } from './contract.js';

type MetaOf<V extends VerdictCatalogue> = Omit<CheckMeta, 'verdicts'> & { verdicts: V };

/** A check that runs once for the whole target (request ids, the admin wordlist, ...). */
export interface TargetCheckDefinition<V extends VerdictCatalogue> {
  meta: MetaOf<V>;
  scope: 'target';
  /** false: this kind of target has nothing for it at all (no report row). Default: always applies. */
  applies?: (target: Target) => boolean;
  run(ctx: CheckContext<V>): Promise<void>;
}

/** A check that runs once per endpoint it picks; ctx.endpoint is always set. */
export interface EndpointCheckDefinition<V extends VerdictCatalogue> {
  meta: MetaOf<V>;
  scope: 'endpoint';
  /**
   * The endpoints it runs on; 'not-applicable' when this kind of target has nothing for it (a
   * spec-only check without --openapi). An empty list is reported as nothingToCheck.
   */
  endpoints(target: Target): Endpoint[] | 'not-applicable';
  run(ctx: EndpointContext<V>): Promise<void>;
}

/**
 * Declares a check: its metadata with the catalogue of verdicts it may report, where it runs, and
 * what it does. `const V` keeps the message templates as literal types, so ctx.report's data is
 * checked against each verdict's placeholders at compile time.
 */
export function defineCheck<const V extends VerdictCatalogue>(definition: TargetCheckDefinition<V> | EndpointCheckDefinition<V>): Check {
  const meta = definition.meta as CheckMeta;
  if (definition.scope === 'target') {
    const applies = definition.applies;
    return {
      meta,
      endpoints: (target) => (applies && !applies(target) ? 'not-applicable' : 'target'),
      run: (ctx) => definition.run(ctx as unknown as CheckContext<V>),
    };
  }
  return {
    meta,
    endpoints: (target) => definition.endpoints(target),
    run: (ctx) => {
      if (!ctx.endpoint) throw new Error(`${meta.id} runs per endpoint but was given none`);
      return definition.run(ctx as unknown as EndpointContext<V>);
    },
  };
}
