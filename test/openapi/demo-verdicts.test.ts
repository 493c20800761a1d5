import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { startBrokenApi } from '../../src/demo/broken.js';
import { demoEnv, type RunningServer } from '../../src/demo/common.js';
import { DEMO_CONFIG } from '../../src/demo/config.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import { renderConfig } from '../../src/openapi/init.js';
import type { Report } from '../../src/report/types.js';
import { runAudit } from '../../src/runner/run.js';
import type { Target } from '../../src/types.js';
import { planFor } from './fixtures.js';

const verdicts = (report: Report): Record<string, string> => Object.fromEntries(report.items.map((item) => [item.id, item.status]));

/** Fewer latency samples and a lower slow-work threshold (the broken API sleeps 400 ms, not 1.2 s): same verdicts, a fifth of the time. */
const SLOW_MS = 400;
function quicker(target: Target): Target {
  return { ...target, latency: { samples: 5, concurrency: 2, maxSeconds: 2 }, thresholds: { ...target.thresholds, slowMs: SLOW_MS - 100 } };
}

/**
 * The "done when": `preflight init --from-openapi` on the demo API's spec gives a config whose
 * audit reaches the same verdict on every checklist item as the hand-written demo config.
 */
describe('init --from-openapi on the demo API spec', () => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  async function bothAudits(
    start: () => Promise<RunningServer>,
  ): Promise<{ handWritten: Report; generated: Report; generatedTarget: Target }> {
    // A fresh server per audit: write probes change the server's state (orders, idempotency keys).
    const first = await start();
    servers.push(first);
    const handTarget = quicker(await loadConfigText(DEMO_CONFIG, 'demo config', { env: demoEnv(first.url) }));
    const handWritten = await runAudit(handTarget);

    const second = await start();
    servers.push(second);
    const written = renderConfig({
      plan: await planFor('demo-api.yaml'),
      specName: 'demo-api.yaml',
      baseUrl: second.url,
      outputName: 'preflight.yaml',
    });
    const loaded = await loadConfigText(written.text, 'preflight.yaml', { env: { API_TOKEN: demoEnv(second.url).DEMO_TOKEN! } });
    // Auth is filled in through the environment as a user would. How hard to push (writes on, rate,
    // thresholds) is a run setting no spec states: taken from the demo config so both runs compare.
    // Where the service's own telemetry is read (item 9) is not in a spec either: this server's, as the demo config names it.
    const telemetry = await loadConfigText(DEMO_CONFIG, 'demo config', { env: demoEnv(second.url) });
    const generatedTarget: Target = {
      ...loaded,
      allowWrites: handTarget.allowWrites,
      limits: handTarget.limits,
      thresholds: handTarget.thresholds,
      latency: handTarget.latency,
      ...(telemetry.observability ? { observability: telemetry.observability } : {}),
      secrets: [...loaded.secrets, ...telemetry.secrets.filter((secret) => secret.value === telemetry.observability?.canary)],
    };
    const generated = await runAudit(generatedTarget);
    return { handWritten, generated, generatedTarget };
  }

  it('matches the hand-written config on the broken API', async () => {
    const { handWritten, generated, generatedTarget } = await bothAudits(() => startBrokenApi({ slowMs: SLOW_MS }));
    // The demo API's JWT for its main user, from the environment.
    expect(generatedTarget.auth.headers.Authorization).toMatch(/^Bearer eyJ/);
    expect(verdicts(generated)).toEqual(verdicts(handWritten));
    expect(generated.gate.passed).toBe(false);
  }, 180_000);

  it('matches the hand-written config on the fixed API', async () => {
    const { handWritten, generated } = await bothAudits(startFixedApi);
    expect(verdicts(generated)).toEqual(verdicts(handWritten));
    expect(generated.gate.passed).toBe(handWritten.gate.passed);
  }, 180_000);
});
