import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfigFile, loadConfigText } from '../../src/config/load.js';

const minimal = 'target:\n  baseUrl: http://127.0.0.1:9\n';

async function errorOf(text: string): Promise<string> {
  try {
    await loadConfigText(text, 'bad.yaml', { env: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toMatch(/\n/);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('observability: in the config', () => {
  it('is absent unless configured: the item is not audited', async () => {
    expect((await loadConfigText(minimal, 'ok.yaml', { env: {} })).observability).toBeUndefined();
  });

  it('resolves rule files and the log file against the config file, and makes the canary and metrics headers secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-obs-config-'));
    mkdirSync(join(dir, 'deploy'));
    writeFileSync(
      join(dir, 'preflight.yaml'),
      `${minimal}observability:\n  metrics:\n    url: http://127.0.0.1:9/metrics\n    headers: { Authorization: "Bearer \${METRICS_TOKEN}" }\n  alertRules: { files: [deploy/*.yml] }\n  logs: { file: ./api.log }\n`,
    );
    const target = await loadConfigFile('preflight.yaml', { env: { METRICS_TOKEN: 'metrics-secret-42' }, cwd: dir });
    const observability = target.observability!;
    expect(observability.alertRules?.files).toEqual([join(dir, 'deploy/*.yml')]);
    expect(observability.logs?.file).toBe(join(dir, 'api.log'));
    expect(observability.logs).toMatchObject({ timeoutMs: 15000, settleMs: 1000 });
    expect(observability.metrics?.maxWaitMs).toBe(30000);
    const secrets = target.secrets.map((s) => s.value);
    expect(secrets).toContain(observability.canary);
    expect(secrets).toContain('metrics-secret-42');
    expect(observability.canary).toMatch(/^preflight-canary-[0-9a-f-]{36}$/);
  });

  it.each([
    [
      'both a metrics url and a prometheus',
      'metrics: { url: "http://a/metrics", prometheus: "http://p:9090", selector: "{job=\\"a\\"}" }',
      /bad\.yaml:\d+:\d+: observability\.metrics: needs exactly one of url/,
    ],
    [
      'a prometheus without selector',
      'metrics: { prometheus: "http://p:9090" }',
      /observability\.metrics\.prometheus: a Prometheus server needs the selector/,
    ],
    ['logs with neither file nor command', 'logs: { timeoutMs: 1000 }', /observability\.logs: needs exactly one of file or command/],
    ['a logs command given as one shell string', 'logs: { command: "docker logs api" }', /observability\.logs\.command/],
    ['alert rules with nowhere to read them', 'alertRules: {}', /observability\.alertRules: names no rule files and no Prometheus/],
    ['an unknown key', 'metric: { url: "http://a/metrics" }', /observability/],
  ])('refuses %s with one line naming file, line and key', async (_name, yaml, expected) => {
    expect(await errorOf(`${minimal}observability:\n  ${yaml}\n`)).toMatch(expected);
  });
});

describe('preflight init and observability', () => {
  it('writes the section commented out, never a logs command, and the config still loads', async () => {
    const { renderConfig } = await import('../../src/openapi/init.js');
    const { text } = renderConfig({ baseUrl: 'https://staging.example.com' });
    expect(text).toContain('# observability:');
    expect(text).not.toMatch(/^observability:/m);
    expect(text).not.toMatch(/command:/);
    const target = await loadConfigText(text, 'preflight.yaml', { env: { API_TOKEN: 'token-for-init-test' } });
    expect(target.observability).toBeUndefined();
  });
});

describe('config.example.yaml', () => {
  it('documents every observability key and loads with the section on', async () => {
    const { readFileSync } = await import('node:fs');
    const example = readFileSync('config.example.yaml', 'utf8');
    const schema = JSON.parse(readFileSync('schema/config.schema.json', 'utf8')) as {
      properties: { observability: { properties: Record<string, { properties: Record<string, unknown> }> } };
    };
    for (const [section, spec] of Object.entries(schema.properties.observability.properties)) {
      expect(example).toContain(`  ${section}:`);
      for (const key of Object.keys(spec.properties)) expect(example, `observability.${section}.${key}`).toMatch(new RegExp(`\\b${key}:`));
    }
    const target = await loadConfigFile('config.example.yaml', { env: { STAGING_TOKEN: 'example-token-123' } });
    expect(target.observability?.metrics?.url).toBe('https://staging.example.com/metrics');
    expect(target.observability?.logs?.file).toMatch(/\/api\.log$/);
  });
});
