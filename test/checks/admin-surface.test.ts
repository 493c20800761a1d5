import type { ServerResponse } from 'node:http';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import check from '../../checks/admin-surface.js';
import { ADMIN_PATHS, type AdminPath } from '../../checks/data/admin-paths.js';
import { assertCatalogueContract, byVerdict, checkTester } from '../helpers/check-tester.js';
import { startMswServer } from '../helpers/msw.js';
import { json, startServer } from '../helpers/servers.js';
import { runCheck, targetFor } from '../helpers/target.js';

const TOKEN = 'Bearer admin-surface-token';
const config = `
auth:
  headers: { Authorization: "${TOKEN}" }
publicPaths: [/health]
endpoints:
  - { path: /api/orders }
limits: { requestsPerSecond: 1000, concurrency: 8 }
`;

const pathOnly = (path: string): string => path.split('?')[0]!;
const SIGNED = ADMIN_PATHS.filter(
  (entry): entry is AdminPath & { signature: NonNullable<AdminPath['signature']> } => entry.signature !== undefined,
);

/** Serves one sample per product-specific entry at its own path (headers for a HEAD entry); 404 elsewhere. */
function serveSamples(which: 'positive' | 'negative') {
  const byPath = new Map(SIGNED.map((entry) => [decodeURIComponent(entry.path), entry]));
  return startServer((req, res) => {
    const entry = byPath.get(decodeURIComponent(req.url ?? ''));
    if (!entry) return json(res, 404, { error: 'not_found' });
    const sample = entry.signature[which];
    if (entry.method === 'HEAD') return headersOnly(res, sample);
    const type = /^\s*[{[]/.test(sample) ? 'application/json' : sample.trimStart().startsWith('<') ? 'text/html' : 'text/plain';
    res.writeHead(200, { 'content-type': type }).end(sample);
  });
}

function headersOnly(res: ServerResponse, lines: string): void {
  const headers = Object.fromEntries(
    lines.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
  );
  res.writeHead(200, headers).end();
}

describe('admin-surface wordlist', () => {
  it('has at least 60 unique tagged paths, with what real products serve (issue 13.10)', () => {
    expect(ADMIN_PATHS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ADMIN_PATHS.map((p) => p.path)).size).toBe(ADMIN_PATHS.length);
    for (const kind of ['action', 'secret', 'info']) expect(ADMIN_PATHS.some((p) => p.kind === kind)).toBe(true);
    const paths = ADMIN_PATHS.map((p) => pathOnly(p.path));
    for (const path of [
      '/db',
      '/api/v1/status/config',
      '/api/v1/status/flags',
      '/federate',
      '/api/v1/admin/tsdb/snapshot',
      '/debug/pprof/',
      '/debug/vars',
      '/actuator/env',
      '/actuator/heapdump',
      '/v2/members',
      '/v2/stats/self',
      '/__debug__/',
      '/rails/info/properties',
      '/_ignition/health-check',
      '/server-status',
      '/.git/config',
      '/graphql',
    ]) {
      expect(paths).toContain(path);
    }
    expect(ADMIN_PATHS.find((p) => p.path === '/actuator/heapdump')!.method).toBe('HEAD');
    expect(ADMIN_PATHS.find((p) => p.path.startsWith('/graphql'))!.path).toMatch(/__schema/);
  });

  describe.each(SIGNED.map((entry) => [entry.path, entry] as const))('%s', (_, entry) => {
    it('recognises its positive sample and not its negative one', () => {
      expect(entry.signature.looksLike.test(entry.signature.positive)).toBe(true);
      expect(entry.signature.looksLike.test(entry.signature.negative)).toBe(false);
    });
  });
});

checkTester.run(check, {
  config,
  valid: [
    {
      name: 'a default-deny API that answers 401 to everything',
      server: () => startServer((_req, res) => json(res, 401, { error: { code: 'unauthorized', request_id: crypto.randomUUID() } })),
      verdicts: [{ verdict: 'noneFound', data: { count: ADMIN_PATHS.length, unknown: '401' } }],
    },
    {
      name: 'a single-page app that answers its index to every path, .env and .git/config included',
      server: () =>
        startServer((_req, res) =>
          res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Orders</title><div id="root"></div>'),
        ),
      verdicts: ['noneFound'],
    },
    {
      name: 'paths on the allow-list are not probed',
      config: config.replace('[/health]', '[/health, /metrics]'),
      server: () => startServer((req, res) => (req.url === '/metrics' ? res.writeHead(200).end('# HELP up 1\n') : json(res, 404, {}))),
      verdicts: [{ verdict: 'noneFound', data: { skipped: '; 1 on the allow-list were not probed' } }],
      assert: (findings) =>
        expect(byVerdict(findings, 'noneFound').evidence.some((e) => new URL(e.url).pathname === '/metrics')).toBe(false),
    },
    {
      // Issue 13.5: GET /debug → 301 /debug/ was "behind auth"; the slash is followed, and /debug/ is not there.
      name: 'a trailing-slash redirect to a page that does not exist',
      server: () =>
        startServer((req, res) => {
          if (req.url === '/debug') return res.writeHead(301, { location: '/debug/' }).end();
          json(res, 404, { error: 'not_found' });
        }),
      verdicts: ['noneFound'],
    },
    {
      // Issue 13.5: GET /.env → 400 {"error":"invalid package"} was ".env file exists".
      name: 'a 4xx JSON error for dot-paths (a package registry rejecting the name)',
      server: () =>
        startServer((req, res) =>
          req.url?.startsWith('/.') ? json(res, 400, { error: 'invalid package' }) : json(res, 404, { error: 'not_found' }),
        ),
      verdicts: ['noneFound'],
    },
    {
      name: "every entry's negative sample is not taken for the product",
      server: () => serveSamples('negative'),
      verdicts: ['noneFound'],
    },
  ],
  invalid: [
    {
      name: 'an open /actuator/env: critical, each path sent once, anonymously, GET or HEAD',
      server: () =>
        startServer((req, res) => {
          if (req.url === '/actuator/env')
            return json(res, 200, {
              activeProfiles: ['prod'],
              propertySources: [{ name: 'systemEnvironment', properties: { DB_PASSWORD: { value: '******' } } }],
            });
          if (req.url === '/health') return json(res, 200, { status: 'ok' });
          json(res, 404, { error: 'not_found', path: req.url });
        }),
      verdicts: [
        {
          verdict: 'exposed',
          endpoint: 'GET /actuator/env',
          data: { status: 200, what: 'actuator env (configuration and secrets)', kind: 'secret' },
        },
      ],
      assert: (findings) => {
        const exposed = byVerdict(findings, 'exposed');
        expect(exposed.severity).toBe('critical');
        expect(exposed.reproduce).toMatch(/^curl -sS -i '.*\/actuator\/env'$/);
        // Bounded: the wordlist once; no calibration was needed, since every other answer was a 404.
        expect(exposed.evidence).toHaveLength(1);
      },
    },
    {
      name: 'an info endpoint (metrics) is high, not critical',
      server: () =>
        startMswServer(
          http.get(
            '/metrics',
            () =>
              new HttpResponse('# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total 1027\n', {
                headers: { 'Content-Type': 'text/plain' },
              }),
          ),
        ),
      verdicts: [{ verdict: 'exposedInfo', endpoint: 'GET /metrics' }],
      assert: (findings) => expect(byVerdict(findings, 'exposedInfo').severity).toBe('high'),
    },
    {
      name: 'a prefix rule named once: /admin, /adminer and every path below /admin answer the same',
      server: () =>
        startServer((req, res) => {
          // "Only ops know this URL": anything starting with /admin, any method, no auth.
          if ((req.url ?? '').startsWith('/admin')) return json(res, 200, { recalculated: true, accounts: 1832 });
          res.writeHead(404, { 'content-type': 'text/html' }).end(`<pre>Cannot GET ${req.url}</pre>`);
        }),
      verdicts: [{ verdict: 'exposed', endpoint: 'GET /admin' }],
      assert: (findings) =>
        expect(byVerdict(findings, 'exposed').data!.alike).toEqual(
          expect.arrayContaining(['/administrator', '/adminer', '/admin/users', '/admin/jobs', '/admin/queues', '/admin/config']),
        ),
    },
    {
      name: 'admin endpoints behind auth on the public host',
      server: () =>
        startMswServer(
          http.all('/admin*', ({ request }) =>
            request.headers.get('authorization') === TOKEN
              ? HttpResponse.json({ accounts: 1832 })
              : HttpResponse.json({ error: 'unauthorized' }, { status: 401 }),
          ),
          http.get('/health', () => HttpResponse.json({ status: 'ok' })),
        ),
      verdicts: [{ verdict: 'behindAuth', endpoint: 'GET /admin', data: { status: 401, unknown: '404' } }],
    },
    {
      name: 'a redirect to the sign-in page is behind auth',
      server: () =>
        startServer((req, res) => (req.url === '/sidekiq' ? res.writeHead(302, { location: '/users/sign_in' }).end() : json(res, 404, {}))),
      verdicts: [{ verdict: 'behindAuth', endpoint: 'GET /sidekiq', data: { status: 302 } }],
    },
    {
      name: 'a trailing-slash redirect to an open debug page is judged on the page',
      server: () =>
        startServer((req, res) => {
          if (req.url === '/debug') return res.writeHead(301, { location: '/debug/' }).end();
          if (req.url === '/debug/') return json(res, 200, { goroutines: 412, heapAlloc: 73400320 });
          json(res, 404, {});
        }),
      verdicts: [{ verdict: 'exposedInfo', endpoint: 'GET /debug', data: { status: 200 } }],
      assert: (findings) => expect(byVerdict(findings, 'exposedInfo').evidence.map((e) => e.status)).toEqual([301, 200]),
    },
    {
      name: 'the Prometheus TSDB admin API answers a read-only GET with 405 (the route is there)',
      server: () =>
        startServer((req, res) =>
          /^\/api\/v1\/admin\/tsdb\/(snapshot|delete_series)$/.test(req.url ?? '')
            ? res.writeHead(405, { 'content-type': 'text/plain' }).end('Method Not Allowed\n')
            : json(res, 404, {}),
        ),
      verdicts: [
        {
          verdict: 'exists',
          endpoint: 'GET /api/v1/admin/tsdb/snapshot',
          data: { status: 405, alike: ['/api/v1/admin/tsdb/delete_series'] },
        },
      ],
    },
  ],
});

describe('admin-surface on every product sample (issue 13.10)', () => {
  it("takes every product's positive sample for the product (HEAD for the heap dump)", async () => {
    const server = await serveSamples('positive');
    try {
      const { findings } = await runCheck(check, await targetFor(server.url, config));
      assertCatalogueContract(check, findings);
      const hits = findings.filter((f) => f.id === 'admin-surface/exposed' || f.id === 'admin-surface/exposedInfo');
      expect(findings.length).toBe(hits.length);
      const named = hits.flatMap((f) => [f.endpoint.slice(f.endpoint.indexOf(' ') + 1), ...(f.data!.alike as string[])]);
      expect(named.sort()).toEqual(SIGNED.map((e) => pathOnly(e.path)).sort());
      expect(hits.find((f) => f.endpoint === 'HEAD /actuator/heapdump')?.id).toBe('admin-surface/exposed');
      // Bounded: the wordlist once; no calibration was needed (every other answer was a 404).
      expect(server.requests).toHaveLength(ADMIN_PATHS.length);
      expect(
        server.requests.every(
          (r) => r.method === (r.url === '/actuator/heapdump' ? 'HEAD' : 'GET') && r.headers.authorization === undefined,
        ),
      ).toBe(true);
    } finally {
      await server.close();
    }
  });
});
