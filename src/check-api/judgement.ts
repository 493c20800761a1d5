// A judge decides a verdict from answers already received, without sending anything, so it can be
// table-tested in-process; the check sends the probes and reports what the judge decided.
import type { Exchange, Finding } from '../types.js';
import type { Judgement, ReportFn, ReportOptions, VerdictCatalogue } from './contract.js';

/** Reports a judge's outcome: the verdict and data were type-checked where the Judgement was built. */
export function reportJudgement<V extends VerdictCatalogue>(
  ctx: { report: ReportFn<V> },
  judgement: Judgement<V>,
  evidence?: readonly Exchange[],
  options?: ReportOptions,
): Finding {
  // One verdict of a union cannot be correlated with its data by the compiler; the Judgement type did it.
  const report = ctx.report as unknown as (
    verdict: string,
    data: Record<string, unknown>,
    evidence?: readonly Exchange[],
    options?: ReportOptions,
  ) => Finding;
  return report(judgement.verdict, judgement.data, evidence, options);
}
