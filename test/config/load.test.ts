import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfigFile, loadConfigText } from '../../src/config/load.js';

const minimal = 'target:\n  baseUrl: http://127.0.0.1:9\n';

async function errorOf(text: string, env: Record<string, string> = {}): Promise<string> {
  try {
    await loadConfigText(text, 'bad.yaml', { env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toMatch(/\n/);
    return message;
  }
  throw new Error('expected a ConfigError');
}

describe('config loading', () => {
  it('fills every default from the schema', async () => {
    const target = await loadConfigText(minimal, 'ok.yaml', { env: {} });
    expect(target.limits).toEqual({
      concurrency: 4,
      requestsPerSecond: 20,
      maxRequests: 2000,
      timeoutMs: 10000,
      maxResponseBytes: 1048576,
      maxDurationMs: 600000,
      recoveryMs: 30000,
    });
    expect(target.thresholds.failUnder).toBe(80);
    expect(target.requestId.header).toBe('X-Request-Id');
    expect(target.idempotency.header).toBe('Idempotency-Key');
    expect(target.name).toBe('127.0.0.1:9');
    expect(target.allowWrites).toBe(false);
  });

  it('validates config.example.yaml, which documents every key', async () => {
    const target = await loadConfigFile('config.example.yaml', { env: { STAGING_TOKEN: 'example-token-123' } });
    expect(target.endpoints.map((e) => e.label)).toEqual([
      'GET /api/orders',
      'POST /api/orders',
      'GET /api/orders/{id}',
      'POST /api/imports',
    ]);
    expect(target.endpoints[0]!.kind).toBe('list');
    expect(target.endpoints[2]!.kind).toBe('read');
    expect(target.secrets.some((s) => s.value === 'example-token-123' && s.envVar === 'STAGING_TOKEN')).toBe(true);
  });

  it('interpolates ${VAR} and ${VAR:-default}, keeping $${VAR} literal, and marks values as secrets', async () => {
    const target = await loadConfigText(
      `${minimal}auth:\n  headers: { Authorization: "Bearer \${TOKEN}", X-Lit: "$\${NOT_A_VAR}", X-Def: "\${UNSET:-fallback}" }\n`,
      'ok.yaml',
      { env: { TOKEN: 'sekret-value' } },
    );
    expect(target.auth.headers).toEqual({ Authorization: 'Bearer sekret-value', 'X-Lit': '${NOT_A_VAR}', 'X-Def': 'fallback' });
    expect(target.secrets).toContainEqual({ value: 'sekret-value', envVar: 'TOKEN' });
  });

  it('does not treat the base URL from the environment as a secret', async () => {
    const target = await loadConfigText('target:\n  baseUrl: ${URL}\n', 'ok.yaml', { env: { URL: 'http://127.0.0.1:8080' } });
    expect(target.baseUrl).toBe('http://127.0.0.1:8080');
    expect(target.secrets).toEqual([]);
  });

  it('marks endpoints on the allow-list as public, with /* prefixes', async () => {
    const target = await loadConfigText(
      `${minimal}publicPaths: [/health, /docs/*]\nendpoints:\n  - { path: /health }\n  - { path: /docs/api }\n  - { path: /api/orders }\n`,
      'ok.yaml',
      { env: {} },
    );
    expect(target.endpoints.map((e) => e.public)).toEqual([true, true, false]);
  });

  const cases: Array<[string, string, RegExp]> = [
    ['YAML syntax', 'target:\n  baseUrl: [unclosed\n', /^bad\.yaml:\d+:\d+: YAML syntax error/],
    ['not a mapping', '- just\n- a list\n', /^bad\.yaml:1:1: the config must be a YAML mapping/],
    ['missing target', 'endpoints: []\n', /^bad\.yaml:1:1: missing required key "target"/],
    ['missing baseUrl', 'target:\n  name: x\n', /^bad\.yaml:2:3: target: missing required key "baseUrl" \(add baseUrl:/],
    [
      'non-http URL',
      'target:\n  baseUrl: ftp://example.com\n',
      /^bad\.yaml:2:12: target\.baseUrl: must be an http:\/\/ or https:\/\/ URL.*got "ftp:\/\/example\.com"/,
    ],
    [
      'unknown top-level key (typo)',
      `${minimal}endpionts: []\n`,
      /^bad\.yaml:3:1: endpionts: unknown key "endpionts" \(did you mean "endpoints"\?\)/,
    ],
    [
      'unknown nested key',
      `${minimal}limits:\n  concurency: 3\n`,
      /^bad\.yaml:4:3: limits\.concurency: unknown key "concurency" \(did you mean "concurrency"\?\)/,
    ],
    ['wrong type', `${minimal}limits:\n  concurrency: many\n`, /^bad\.yaml:4:16: limits\.concurrency: must be an integer, got "many"/],
    ['negative limit', `${minimal}limits:\n  maxRequests: -5\n`, /^bad\.yaml:4:16: limits\.maxRequests: must be >= 1, got -5/],
    ['rps zero', `${minimal}limits:\n  requestsPerSecond: 0\n`, /limits\.requestsPerSecond: must be > 0, got 0/],
    [
      'unset env var',
      `${minimal}auth:\n  headers: { Authorization: "Bearer \${NOPE_TOKEN}" }\n`,
      /^bad\.yaml:4:29: environment variable NOPE_TOKEN is not set \(export NOPE_TOKEN=/,
    ],
    [
      'bad method',
      `${minimal}endpoints:\n  - { method: FETCH, path: /x }\n`,
      /endpoints\[0\]\.method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"/,
    ],
    ['path without slash', `${minimal}endpoints:\n  - { path: api/orders }\n`, /endpoints\[0\]\.path: must start with \//],
    [
      'placeholder without value',
      `${minimal}endpoints:\n  - { path: "/orders/{id}" }\n`,
      /endpoints\[0\]\.path: placeholder \{id\} has no value \(add params: \{ id:/,
    ],
    [
      'duplicate endpoint',
      `${minimal}endpoints:\n  - { path: /a }\n  - { method: GET, path: /a }\n`,
      /endpoints\[1\]: duplicate endpoint GET \/a/,
    ],
    ['list on POST', `${minimal}endpoints:\n  - { method: POST, path: /a, kind: list }\n`, /kind list needs method GET/],
    ['failUnder over 100', `${minimal}thresholds:\n  failUnder: 120\n`, /thresholds\.failUnder: must be <= 100, got 120/],
    ['p99 below p95', `${minimal}thresholds:\n  p95Ms: 500\n  p99Ms: 100\n`, /thresholds\.p99Ms: p99Ms \(100\) is below p95Ms \(500\)/],
    [
      'waiver bad date',
      `${minimal}waivers:\n  - { check: latency, reason: x, expires: 2027-02-30 }\n`,
      /waivers\[0\]\.expires: "2027-02-30" is not a real date/,
    ],
    [
      'waiver date format',
      `${minimal}waivers:\n  - { check: latency, reason: x, expires: next week }\n`,
      /waivers\[0\]\.expires: must be a date YYYY-MM-DD/,
    ],
    ['bad header name', `${minimal}requestId:\n  header: "X Request Id"\n`, /requestId\.header: is not a valid HTTP header name/],
    ['duplicate key', `${minimal}allowWrites: true\nallowWrites: false\n`, /^bad\.yaml:4:1: YAML syntax error: Map keys must be unique/],
    ['bad variable reference', `${minimal}auth:\n  headers: { X: "\${1BAD}" }\n`, /is not a valid variable reference/],
    [
      'verify names no endpoint',
      `${minimal}idempotency:\n  verify: GET /api/nothing\n`,
      /idempotency\.verify: no GET endpoint \/api\/nothing is configured/,
    ],
  ];
  it.each(cases)('rejects %s with one line naming file:line', async (_name, text, expected) => {
    expect(await errorOf(text)).toMatch(expected);
  });

  it('rejects missing, huge and binary files with a one-line error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-config-'));
    await expect(loadConfigFile(join(dir, 'nope.yaml'), { env: {} })).rejects.toThrow(/config file not found/);
    writeFileSync(join(dir, 'huge.yaml'), 'a'.repeat(1024 * 1024 + 1));
    await expect(loadConfigFile(join(dir, 'huge.yaml'), { env: {} })).rejects.toThrow(/over the 1 MiB limit/);
    writeFileSync(join(dir, 'bin.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    await expect(loadConfigFile(join(dir, 'bin.yaml'), { env: {} })).rejects.toThrow(/binary, not YAML/);
  });
});
