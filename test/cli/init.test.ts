import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/servers.js';
import { FIXTURES } from '../openapi/fixtures.js';

describe('preflight init (CLI)', () => {
  let dir: string;
  const servers: TestServer[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-init-'));
    for (const file of ['petstore.json', 'demo-api.yaml', 'swagger-2.0-petstore.json']) copyFileSync(join(FIXTURES, file), join(dir, file));
  });
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });
  const init = (...args: string[]) => runCli(['init', ...args], { cwd: dir });

  it('writes preflight.yaml from a spec, says what to set and what to run next', async () => {
    const result = await init('--from-openapi', 'petstore.json');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'wrote preflight.yaml: 20 endpoint(s) from petstore.json (2 list, 12 write, 6 read), 0 public path(s)',
        '  11 endpoint(s) have 12 TODO value(s) (parameters the spec gives no example for): fill them in, or audit skips those endpoints',
        '  set API_TOKEN: an access token from the OAuth2 flow (scheme petstore_auth)',
        'next: preflight audit --config preflight.yaml --openapi petstore.json',
        '',
      ].join('\n'),
    );
    const target = await loadConfigFile('preflight.yaml', { cwd: dir, env: { API_TOKEN: 'x' } });
    expect(target.endpoints).toHaveLength(20);
  });

  it('never overwrites an existing file without --force', async () => {
    writeFileSync(join(dir, 'preflight.yaml'), '# mine\n');
    const refused = await init('--from-openapi', 'petstore.json');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('preflight: preflight.yaml already exists; pass --force to overwrite it, or --output another file\n');
    expect(readFileSync(join(dir, 'preflight.yaml'), 'utf8')).toBe('# mine\n');

    const forced = await init('--from-openapi', 'petstore.json', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'preflight.yaml'), 'utf8')).toContain('# Written by `preflight init` from petstore.json');
  });

  it('writes where --output says, and to stdout with -o -', async () => {
    expect((await init('--base-url', 'https://staging.example.com', '-o', 'configs/staging.yaml')).code).toBe(0);
    expect(readFileSync(join(dir, 'configs/staging.yaml'), 'utf8')).toContain('baseUrl: https://staging.example.com\n');

    const printed = await init('--from-openapi', 'demo-api.yaml', '--base-url', 'http://127.0.0.1:8080', '-o', '-');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^# yaml-language-server/);
    expect(printed.stdout).toContain('idempotency: { verify: GET /api/orders }');
    expect(printed.stderr).toContain(
      'wrote the config: 6 endpoint(s) from demo-api.yaml (1 list, 1 write, 1 async, 3 read), 1 public path(s), health /health',
    );
    expect(existsSync(join(dir, 'preflight.yaml'))).toBe(false);
  });

  it('exits 2 with one clear line for a broken spec, a missing file or a bad base URL', async () => {
    writeFileSync(
      join(dir, 'broken.yaml'),
      'openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths:\n  /a:\n    get:\n      responses:\n        "200": { $ref: "#/components/responses/Nope" }\n',
    );
    const cases: Array<[string[], RegExp]> = [
      [
        ['--from-openapi', 'broken.yaml'],
        /^preflight: broken\.yaml: has a \$ref that cannot be resolved: Missing \$ref pointer "#\/components\/responses\/Nope"/,
      ],
      [['--from-openapi', 'missing.yaml'], /^preflight: missing\.yaml: OpenAPI file not found/],
      [
        ['--from-openapi', 'petstore.json', '--from-har', 'x.har'],
        /^preflight: give one of --from-openapi, --from-postman and --from-har, not several/,
      ],
      [['--from-har', 'x.har'], /^preflight: x\.har: HAR file not found \(check the path\)/],
      [['--from-postman', 'x.json'], /^preflight: x\.json: Postman collection not found \(check the path\)/],
      [['--base-url', 'staging.example.com'], /^preflight: --base-url "staging\.example\.com" must be an http:\/\/ or https:\/\/ URL/],
    ];
    for (const [args, message] of cases) {
      const result = await init(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(dir, 'preflight.yaml'))).toBe(false);
  });

  it('fetches a spec by URL from a loopback server', async () => {
    const text = readFileSync(join(FIXTURES, 'petstore-expanded.yaml'), 'utf8');
    const server = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/yaml' }).end(text));
    servers.push(server);
    const result = await init('--from-openapi', `${server.url}/openapi.yaml`, '--base-url', server.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`4 endpoint(s) from ${server.url}/openapi.yaml`);
    expect(server.requests.map((r) => r.url)).toEqual(['/openapi.yaml']);
  });

  it('is listed in --help', async () => {
    const help = await runCli(['init', '--help']);
    expect(help.stdout).toContain('--from-openapi <file-or-url>');
    expect(help.stdout).toContain('--force');
  });
});
