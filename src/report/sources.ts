// Where a finding points in the user's own files, so code scanning can show it on a line: the
// config entry of its endpoint, the operation in the OpenAPI file for spec-only endpoints, and the
// config's target: line for target-wide findings (and any endpoint without a line of its own).
import type { SourceLocation, Target } from '../types.js';
import type { Report, ReportSources } from './types.js';

export function sourcesOf(target: Target, redact: (text: string) => string): ReportSources | undefined {
  const endpoints: Record<string, SourceLocation> = {};
  for (const endpoint of target.endpoints) {
    const where =
      endpoint.fromSpec && endpoint.spec?.location
        ? endpoint.spec.location
        : target.configLocation && endpoint.line && !endpoint.fromSpec
          ? { uri: target.configLocation.uri, line: endpoint.line }
          : undefined;
    if (where) endpoints[endpoint.label] = { uri: redact(where.uri), line: where.line };
  }
  const config = target.configLocation && { uri: redact(target.configLocation.uri), line: target.configLocation.line };
  if (!config && !Object.keys(endpoints).length) return undefined;
  return { ...(config ? { config } : {}), endpoints };
}

/** The file and line a finding points at: its endpoint's, else the config's target: line. */
export function locationOf(report: Report, endpoint: string): SourceLocation | undefined {
  const endpoints = report.sources?.endpoints ?? {};
  return (Object.hasOwn(endpoints, endpoint) ? endpoints[endpoint] : undefined) ?? report.sources?.config;
}
