import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ok = 'target:\n  baseUrl: http://127.0.0.1:9\n';

/** Malformed configs through the real command: each is exit 2 and one line with file:line, never a stack. */
const CASES: Array<[string, string | Buffer, RegExp]> = [
  ['empty file', '', /c\.yaml:1:1: the config must be a YAML mapping/],
  ['a bare string', 'hello\n', /c\.yaml:1:1: the config must be a YAML mapping/],
  ['tab indentation', 'target:\n\tbaseUrl: http://x\n', /c\.yaml:2:\d+: YAML syntax error/],
  ['unclosed quote', 'target:\n  baseUrl: "http://x\n', /c\.yaml:\d+:\d+: YAML syntax error/],
  ['duplicate key', `${ok}health: /a\nhealth: /b\n`, /c\.yaml:4:1: YAML syntax error: Map keys must be unique/],
  ['target is a list', 'target: [a, b]\n', /c\.yaml:1:9: target: must be a mapping, got a list/],
  ['baseUrl is a number', 'target:\n  baseUrl: 8080\n', /c\.yaml:2:12: target\.baseUrl: must be a string, got 8080/],
  [
    'baseUrl with a query',
    'target:\n  baseUrl: http://x/api?key=1\n',
    /target\.baseUrl: must be an http:\/\/ or https:\/\/ URL without query or fragment/,
  ],
  ['baseUrl without host', 'target:\n  baseUrl: "http://"\n', /target\.baseUrl: must be an http/],
  ['baseUrl with spaces', 'target:\n  baseUrl: "http://exa mple.com"\n', /target\.baseUrl: must be an http/],
  ['baseUrl relative', 'target:\n  baseUrl: /api\n', /target\.baseUrl: must be an http/],
  ['endpoints is a mapping', `${ok}endpoints: { path: /x }\n`, /c\.yaml:3:12: endpoints: must be a list, got a mapping/],
  ['endpoint without path', `${ok}endpoints:\n  - { method: GET }\n`, /c\.yaml:4:5: endpoints\[0\]: missing required key "path"/],
  [
    'unknown kind',
    `${ok}endpoints:\n  - { path: /x, kind: stream }\n`,
    /endpoints\[0\]\.kind: must be one of list, read, write, async, got "stream"/,
  ],
  [
    'unknown endpoint key',
    `${ok}endpoints:\n  - { path: /x, paginaton: {} }\n`,
    /endpoints\[0\]\.paginaton: unknown key "paginaton" \(did you mean "pagination"\?\)/,
  ],
  [
    'maxLimit zero',
    `${ok}endpoints:\n  - { path: /x, kind: list, pagination: { maxLimit: 0 } }\n`,
    /endpoints\[0\]\.pagination\.maxLimit: must be >= 1, got 0/,
  ],
  ['concurrency zero', `${ok}limits: { concurrency: 0 }\n`, /limits\.concurrency: must be >= 1, got 0/],
  ['maxResponseBytes tiny', `${ok}limits: { maxResponseBytes: 10 }\n`, /limits\.maxResponseBytes: must be >= 1024, got 10/],
  [
    'timeout longer than the run',
    `${ok}limits: { timeoutMs: 60000, maxDurationMs: 5000 }\n`,
    /limits\.timeoutMs: one request may take 60000 ms but the whole run only 5000 ms/,
  ],
  ['requestsPerSecond absurd', `${ok}limits: { requestsPerSecond: 1000000 }\n`, /limits\.requestsPerSecond: must be <= 10000/],
  ['samples as text', `${ok}latency: { samples: lots }\n`, /latency\.samples: must be an integer, got "lots"/],
  ['allowWrites as text', `${ok}allowWrites: "yes please"\n`, /allowWrites: must be a boolean, got "yes please"/],
  ['publicPaths not a list', `${ok}publicPaths: /health\n`, /publicPaths: must be a list, got "\/health"/],
  ['publicPaths entry without slash', `${ok}publicPaths: [health]\n`, /publicPaths\[0\]: must start with \//],
  ['auth header not a string', `${ok}auth: { headers: { X-Key: [1, 2] } }\n`, /auth\.headers\.X-Key: must be a string, got a list/],
  [
    'auth header from an unset variable',
    `${ok}auth: { headers: { Authorization: "Bearer \${PREFLIGHT_TEST_UNSET_VAR}" } }\n`,
    /environment variable PREFLIGHT_TEST_UNSET_VAR is not set/,
  ],
  ['waiver without reason', `${ok}waivers:\n  - { check: latency, expires: 2027-01-01 }\n`, /waivers\[0\]: missing required key "reason"/],
  ['tls ca missing', `${ok}tls: { ca: ./no-such-ca.pem }\n`, /tls\.ca: CA file \.\/no-such-ca\.pem not found/],
  ['health without slash', `${ok}health: healthz\n`, /health: must start with \//],
  [
    'binary file',
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
    /c\.yaml: config file is binary, not YAML text/,
  ],
  ['huge file', `${ok}#${'x'.repeat(1024 * 1024)}\n`, /c\.yaml: config file is \d+ bytes, over the 1 MiB limit/],
  [
    'alias bomb',
    `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n${ok}`,
    /c\.yaml(:\d+:\d+)?: /,
  ],
];

describe('malformed configs through `preflight audit`', () => {
  it.each(CASES)('%s → exit 2, one line with file:line', async (_name, content, expected) => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-bad-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, content);
    const result = await runCli(['audit', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^preflight: /);
    expect(lines[0]).toMatch(expected);
    expect(result.stderr).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });
});
