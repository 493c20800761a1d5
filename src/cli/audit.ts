import { readFileSync } from 'node:fs';
import { loadConfigFile } from '../config/load.js';
import { UsageError } from '../config/errors.js';
import type { Target } from '../types.js';
import { EXIT, type Io } from './io.js';
import type { AuditFlags } from './main.js';
import { auditAndPresent } from './run-report.js';
import { outputOptions } from './present.js';
import { SIGNAL_EXIT, watchInterrupts } from './interrupt.js';
import { preferSmallHeap } from './small-heap.js';

/** `preflight audit`: load the config, apply the flags, audit, report, exit per the gate. */
export async function auditCommand(flags: AuditFlags, io: Io): Promise<number> {
  preferSmallHeap();
  // A bad --output or --baseline fails before any probe is sent.
  const output = await outputOptions(flags, io);
  const configured = applyFlags(await loadConfigFile(flags.config, { env: io.env, cwd: io.cwd }), flags);
  for (const warning of configured.warnings ?? []) io.stderr.write(`preflight: warning: ${warning}\n`);
  const discover = !flags.openapi && flags.discover !== false && configured.discover !== false;
  // Watched from here: a Ctrl-C while the served spec is looked for still ends with a written report.
  const interrupts = watchInterrupts();
  let target: Target;
  try {
    target = flags.openapi
      ? await withOpenApi(configured, flags.openapi, io)
      : discover
        ? await withDiscoveredSpec(configured, io, interrupts.signal)
        : configured;
  } catch (error) {
    if (!interrupts.stoppedBy()) {
      interrupts.dispose();
      throw error;
    }
    target = configured;
  }
  const report = await auditAndPresent(
    target,
    {
      ...output,
      progress: flags.progress,
      ...(flags.only ? { only: flags.only } : {}),
      ...(flags.skip ? { skip: flags.skip } : {}),
    },
    io,
    { interrupts },
  );
  if (report.interrupted) return SIGNAL_EXIT[report.interrupted];
  return report.gate.passed ? EXIT.ok : EXIT.gateFailed;
}

/** Command-line flags override the file. */
export function applyFlags(target: Target, flags: Partial<AuditFlags>): Target {
  return {
    ...target,
    allowWrites: target.allowWrites || flags.allowWrites === true,
    cleanup: target.cleanup === true || flags.cleanup === true,
    limits: {
      ...target.limits,
      ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
      ...(flags.rps !== undefined ? { requestsPerSecond: flags.rps } : {}),
      ...(flags.maxRequests !== undefined ? { maxRequests: flags.maxRequests } : {}),
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
    },
    thresholds: { ...target.thresholds, ...(flags.failUnder !== undefined ? { failUnder: flags.failUnder } : {}) },
  };
}

/**
 * No --openapi: a document the target serves itself (/openapi.json, ...) is used as --openapi would
 * be. Its GETs go through a client made like the run's (origin guard, limits, redaction).
 */
async function withDiscoveredSpec(target: Target, io: Io, signal: AbortSignal): Promise<Target> {
  const [{ discoverSpec }, { createHttpClient }] = await Promise.all([import('../openapi/discover.js'), import('../http/client.js')]);
  const http = await createHttpClient({
    baseUrl: target.baseUrl,
    limits: target.limits,
    allowWrites: false,
    auth: target.auth,
    secrets: target.secrets,
    tls: { insecure: target.tls.insecure, ...(target.tls.ca ? { ca: readFileSync(target.tls.ca) } : {}) },
    signal,
  });
  const warn = (message: string): void => void io.stderr.write(`preflight: warning: ${http.redact(message)}\n`);
  try {
    const found = await discoverSpec(target, http, { warn }).catch((error: unknown) => {
      if (signal.aborted) return undefined;
      warn(`a served OpenAPI document was found but could not be used: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    return found ? { ...found.merged.target, discovered: { url: found.url, public: found.public } } : target;
  } finally {
    await http.close();
  }
}

/** --openapi: the spec's operations join the config's endpoints (the config wins where both speak). */
async function withOpenApi(target: Target, source: string, io: Io): Promise<Target> {
  const started = performance.now();
  const { mergeSpecSource } = await import('../openapi/merge.js');
  const merged = await mergeSpecSource(target, source, {
    cwd: io.cwd,
    warn: (message) => io.stderr.write(`preflight: warning: ${message}\n`),
  });
  // limits.maxDurationMs bounds the whole run: the time spent loading the spec comes off it.
  const spent = Math.ceil(performance.now() - started);
  const left = target.limits.maxDurationMs - spent;
  if (left <= 0)
    throw new UsageError(
      `--openapi ${source}: loading the spec took ${spent} ms, the whole of limits.maxDurationMs (${target.limits.maxDurationMs} ms); raise maxDurationMs or pass a smaller spec`,
    );
  return { ...merged.target, limits: { ...merged.target.limits, maxDurationMs: left } };
}
