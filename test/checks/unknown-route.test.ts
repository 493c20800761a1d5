import { expect } from 'vitest';
import check from '../../checks/unknown-route.js';
import { checkTester } from '../helpers/check-tester.js';
import { json, startServer } from '../helpers/servers.js';

const config = `
endpoints:
  - { path: /api/orders }
  - { path: "/v2/users/{id}", params: { id: u1 } }
`;
const SEGMENT = 'preflight-no-such-route-7f3a';

checkTester.run(check, {
  config,
  valid: [
    {
      name: 'unknown routes get 404, asked at the root and under each API prefix',
      server: () =>
        startServer((req, res) =>
          req.url === '/api/orders' ? json(res, 200, { data: [] }) : json(res, 404, { error: { code: 'not_found' } }),
        ),
      verdicts: [
        {
          verdict: 'notFound',
          data: {
            paths: [`/${SEGMENT}`, `/api/${SEGMENT}`, `/v2/${SEGMENT}`],
            answers: [`GET /${SEGMENT} → 404`, `GET /api/${SEGMENT} → 404`, `GET /v2/${SEGMENT} → 404`],
          },
        },
      ],
    },
    {
      // Issue 13.3: /user/<segment> is the API's own GET /user/{username}, which answers any name.
      name: 'a configured template (/user/{username}) is not taken for an unknown route: the probe goes one segment deeper',
      config: 'endpoints:\n  - { path: "/user/{username}", params: { username: alice } }\n',
      server: () =>
        startServer((req, res) => {
          if (/^\/user\/[^/]+$/.test(req.url ?? '')) return json(res, 200, { username: req.url!.slice(6) });
          json(res, 404, { code: 404, message: 'not found' });
        }),
      verdicts: [{ verdict: 'notFound', data: { paths: [`/${SEGMENT}`, `/user/${SEGMENT}/${SEGMENT}`] } }],
    },
  ],
  invalid: [
    {
      name: 'a router that falls through to a 500 under the API prefix',
      server: () =>
        startServer((req, res) => (req.url?.startsWith('/api/') ? json(res, 500, { error: 'handler is undefined' }) : json(res, 404, {}))),
      verdicts: [
        { verdict: 'failed', data: { answers: [`GET /${SEGMENT} → 404`, `GET /api/${SEGMENT} → 500`, `GET /v2/${SEGMENT} → 404`] } },
      ],
      assert: (findings) => expect(findings[0]!.evidence.map((e) => e.status)).toEqual([404, 500, 404]),
    },
    {
      name: 'a catch-all that answers 200',
      server: () => startServer((_req, res) => json(res, 200, { ok: true })),
      verdicts: ['catchAll'],
    },
    {
      name: 'a 403 for a path that does not exist (API gateway style)',
      server: () => startServer((_req, res) => json(res, 403, { message: 'Missing Authentication Token' })),
      verdicts: [
        { verdict: 'notA404', data: { answers: [`GET /${SEGMENT} → 403`, `GET /api/${SEGMENT} → 403`, `GET /v2/${SEGMENT} → 403`] } },
      ],
    },
    {
      name: 'unknown routes get 429 from a rate limiter (undecided)',
      server: () => startServer((_req, res) => json(res, 429, {}, { 'retry-after': '0' })),
      verdicts: ['rateLimited'],
    },
    {
      name: 'an unknown route that hangs',
      config: `${config}limits: { timeoutMs: 300 }\n`,
      server: () =>
        startServer((req, res) => {
          if (req.url === `/${SEGMENT}`) return; // never answers
          json(res, 404, {});
        }),
      verdicts: [
        { verdict: 'failed', data: { answers: [`GET /${SEGMENT} → no answer`, `GET /api/${SEGMENT} → 404`, `GET /v2/${SEGMENT} → 404`] } },
      ],
    },
  ],
});
