import { randomUUID } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { Secret } from '../types.js';
import type { ObservabilityConfig } from '../telemetry/types.js';

/** observability: as the schema validated and defaulted it (no canary yet). */
export type RawObservability = Omit<ObservabilityConfig, 'canary'>;

type Fail = (parts: Array<string | number>, problem: string, hint?: string) => never;

/**
 * The checks the schema cannot express, then the config with a fresh canary token. The canary and
 * the metrics headers (a bearer token for a metrics endpoint) become secrets: masked in every output.
 */
export function observabilityOf(raw: RawObservability | undefined, fail: Fail): { config?: ObservabilityConfig; secrets: Secret[] } {
  if (!raw) return { secrets: [] };
  const { metrics, alertRules, logs } = raw;
  if (!metrics && !alertRules && !logs)
    fail(['observability'], 'names no source', 'add observability.metrics, alertRules or logs (see config.example.yaml), or remove it');
  if (metrics) {
    if (!metrics.url === !metrics.prometheus)
      fail(['observability', 'metrics'], "needs exactly one of url (the service's /metrics) or prometheus (a server)", 'keep one');
    if (metrics.prometheus && !metrics.selector)
      fail(
        ['observability', 'metrics', 'prometheus'],
        'a Prometheus server needs the selector of this service',
        'add selector: \'{job="orders-api"}\'',
      );
  }
  if (alertRules && !alertRules.files?.length && !alertRules.prometheus && !metrics?.prometheus)
    fail(['observability', 'alertRules'], 'names no rule files and no Prometheus', 'add files: [rules/*.yml] or prometheus: http://…');
  if (logs && !logs.file === !logs.command) fail(['observability', 'logs'], 'needs exactly one of file or command', 'keep one');
  const canary = `preflight-canary-${randomUUID()}`;
  const secrets: Secret[] = [{ value: canary }];
  for (const value of Object.values(metrics?.headers ?? {})) {
    secrets.push({ value });
    const bare = value.replace(/^(Bearer|Basic|Token)\s+/i, '');
    if (bare !== value && bare.length >= 4) secrets.push({ value: bare });
  }
  return { config: { ...raw, canary }, secrets };
}

/** Rule files and the log file are relative to the config file, like every other path in it. */
export function resolveObservabilityPaths(config: ObservabilityConfig | undefined, configDir: string): void {
  if (!config) return;
  const within = (path: string): string => (isAbsolute(path) ? path : resolve(configDir, path));
  if (config.alertRules?.files) config.alertRules.files = config.alertRules.files.map(within);
  if (config.logs?.file) config.logs.file = within(config.logs.file);
}
