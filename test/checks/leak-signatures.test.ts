import { describe, expect, it } from 'vitest';
import { BODY_SIGNATURES, HEADER_SIGNATURES } from '../../checks/data/leak-signatures.js';
import { HEADER_PROBES, INJECTION_VALUES, NUMBER_BREAKERS, fieldBodies, syntaxBodies } from '../../checks/data/malformed-inputs.js';
import { excerptAround, maskCredentials, readableText, scanBody, scanHeaders } from '../../checks/lib/leak-scan.js';
import { CLEAN_JSON_RESPONSES } from '../fixtures/clean-json-responses.js';

/** Every signature that matched, whether reported or folded into an overlapping one. */
const ids = (body: string, hosts: string[] = []): string[] =>
  scanBody(body, hosts)
    .flatMap((leak) => [leak, ...leak.alsoMatched.map((signature) => ({ signature }))])
    .map((leak) => leak.signature.id);

describe('leak signature library', () => {
  it('has unique ids and the families the issue asks for', () => {
    const all = [...BODY_SIGNATURES, ...HEADER_SIGNATURES].map((s) => s.id);
    expect(new Set(all).size).toBe(all.length);
    for (const id of [
      'python-traceback',
      'jvm-stack-frame',
      'dotnet-stack',
      'go-panic',
      'node-stack',
      'ruby-backtrace',
      'php-error',
      'rust-panic',
      'postgres-error',
      'sqlstate',
      'mysql-error',
      'oracle-error',
      'sqlite-error',
      'mssql-error',
      'sequelize-error',
      'prisma-error',
      'sqlalchemy-error',
      'hibernate-error',
      'werkzeug-debugger',
      'django-debug-page',
      'rails-debug-page',
      'express-error-page',
      'absolute-file-path',
      'private-ip',
      'internal-hostname',
      'environment-dump',
      'server-version',
      'x-powered-by',
      'x-aspnet-version',
    ]) {
      expect(all).toContain(id);
    }
  });

  describe.each(BODY_SIGNATURES.map((s) => [s.id, s] as const))('%s', (_, signature) => {
    it('matches its positive sample', () => {
      expect(signature.regex.test(readableText(signature.positive))).toBe(true);
      expect(ids(signature.positive)).toContain(signature.id);
    });

    it('matches its positive sample inside a JSON string (escaped quotes and newlines)', () => {
      expect(ids(JSON.stringify({ error: signature.positive }))).toContain(signature.id);
    });

    it('does not match its negative sample', () => {
      expect(signature.regex.test(readableText(signature.negative))).toBe(false);
      expect(ids(signature.negative)).not.toContain(signature.id);
    });

    it('stays fast on 16 KiB of adversarial text', () => {
      const inputs = [
        'a'.repeat(16384),
        'at '.repeat(5461),
        'a.'.repeat(8192),
        '/home/a'.repeat(2340),
        ' '.repeat(16384),
        'SELECT a, '.repeat(1638),
        'x-1.'.repeat(4096),
        '<pre>'.repeat(3276),
      ];
      const start = performance.now();
      for (const input of inputs) signature.regex.test(input);
      expect(performance.now() - start).toBeLessThan(200);
    });
  });

  describe.each(HEADER_SIGNATURES.map((s) => [s.id, s] as const))('header %s', (_, signature) => {
    it('matches its positive sample and not its negative one', () => {
      expect(scanHeaders({ [signature.header]: signature.positive }).map((l) => l.signature.id)).toContain(signature.id);
      expect(scanHeaders({ [signature.header]: signature.negative }).map((l) => l.signature.id)).not.toContain(signature.id);
    });
  });

  it(`finds nothing in ${CLEAN_JSON_RESPONSES.length} clean, realistic JSON responses`, () => {
    expect(CLEAN_JSON_RESPONSES.length).toBeGreaterThanOrEqual(50);
    const matches = CLEAN_JSON_RESPONSES.flatMap(({ name, body }) =>
      scanBody(JSON.stringify(body)).map(
        (leak) => `${name}: ${[leak.signature, ...leak.alsoMatched].map((m) => m.id).join(', ')} (${leak.excerpt})`,
      ),
    );
    expect(matches).toEqual([]);
  });

  it("counts only unmistakable signatures in 2xx data: paths, hosts and queries there are the API's own", () => {
    const data = JSON.stringify({
      data: [
        {
          file: '/src/some-dir/kernel.rs',
          host: 'db-1.internal.corp',
          ip: '10.0.3.17',
          dsn: 'postgres://svc@db/app',
          query: 'SELECT id FROM items',
          code: 'ORA-01756',
          kind: 'java.lang.IllegalStateException',
        },
      ],
    });
    expect(ids(data).length).toBeGreaterThan(0);
    expect(scanBody(data, [], { dataOnly: true })).toEqual([]);
    const stack = JSON.stringify({ debug: 'TypeError: boom\n    at list (/srv/app/src/items.js:12:9)' });
    expect(scanBody(stack, [], { dataOnly: true }).map((l) => l.signature.id)).toEqual(['node-stack']);
  });

  it('a header value that names no product or version is not a leak', () => {
    const powered = (value: string): string[] => scanHeaders({ 'x-powered-by': value }).map((l) => l.signature.id);
    for (const value of ['Express', 'PHP/8.1', 'ASP.NET', 'Next.js', 'Phusion Passenger 6.0.10', 'Servlet/3.0 JSP/2.2'])
      expect(powered(value), value).toEqual(['x-powered-by']);
    for (const value of ['hidden', '-', 'none', 'unicorns and rainbows', 'our-team']) expect(powered(value), value).toEqual([]);
    expect(scanHeaders({ 'x-aspnet-version': 'hidden' })).toEqual([]);
  });

  it('finds nothing in clean response headers', () => {
    const leaks = scanHeaders({
      server: 'nginx',
      'content-type': 'application/json',
      'x-request-id': 'abc',
      via: '1.1 varnish',
      'x-runtime': '0.012',
    });
    expect(leaks).toEqual([]);
  });

  it('finds nothing when a server echoes any of the malformed inputs back', () => {
    const sent = [
      ...INJECTION_VALUES.map((v) => v.wire),
      ...NUMBER_BREAKERS.map((v) => v.wire),
      ...HEADER_PROBES.map((h) => h.value),
      ...[...syntaxBodies({ sku: 'A1', qty: 1 }), ...fieldBodies({ sku: 'A1', qty: 1, gift: true })].map((b) =>
        Buffer.from(b.body).toString('utf8').slice(0, 500),
      ),
    ];
    const matches = sent.flatMap((value) =>
      ids(JSON.stringify({ error: { code: 'invalid', message: `invalid value: ${value}` } })).map((id) => `${value}: ${id}`),
    );
    expect(matches).toEqual([]);
  });

  it("ignores the audited target's own host", () => {
    const body = JSON.stringify({ next: 'http://10.1.2.3:8080/api/orders?cursor=abc', self: 'https://api.staging.internal/api/orders' });
    expect(ids(body, ['10.1.2.3', 'api.staging.internal'])).toEqual([]);
    expect(ids(body)).toEqual(expect.arrayContaining(['private-ip', 'internal-hostname']));
  });

  it('reports a match inside another (the path in a stack frame, the host in a connection string) once', () => {
    const [frame, ...rest] = scanBody('    at handler (/srv/app/src/index.js:10:5)');
    expect(rest).toEqual([]);
    expect(frame!.signature.id).toBe('node-stack');
    expect(frame!.alsoMatched.map((m) => m.id)).toEqual(['absolute-file-path']);
    const [connection] = scanBody('could not connect to postgres://orders_rw@db-primary.internal.corp:5432/orders');
    expect(connection!.signature.id).toBe('connection-string');
    expect(connection!.alsoMatched.map((m) => m.id)).toEqual(['internal-hostname']);
  });

  it('quotes the line around a match, cut to 200 characters', () => {
    const long = `${'x'.repeat(300)} at handler (/srv/app/src/index.js:10:5) ${'y'.repeat(300)}`;
    const [leak] = scanBody(long).filter((l) => l.signature.id === 'node-stack');
    expect(leak!.excerpt.length).toBeLessThanOrEqual(200);
    expect(leak!.excerpt).toContain('/srv/app/src/index.js:10:5');
    expect(excerptAround('first\nsecond line with match\nthird', 13, 5)).toBe('second line with match');
  });

  it("masks the target's leaked passwords and tokens in excerpts", () => {
    expect(maskCredentials('redis://default:s3cr3t@cache-1.internal.corp:6379')).toBe('redis://default:***@cache-1.internal.corp:6379');
    expect(maskCredentials('AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG')).toBe('AWS_SECRET_ACCESS_KEY: ***');
    const [leak] = scanBody('Redis connection to redis://default:s3cr3tPassw0rd@cache-1.internal.corp:6379 failed').filter(
      (l) => l.signature.id === 'credentials-in-url',
    );
    expect(leak!.excerpt).not.toContain('s3cr3tPassw0rd');
  });
});
