import { describe, expect, it } from 'vitest';
import check, { judgeUnknownRoutes } from '../../checks/unknown-route.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
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
      assert: (findings) => expect(byVerdict(findings, 'failed').evidence.map((e) => e.status)).toEqual([404, 500, 404]),
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

// The judge, in-process: the statuses the unknown paths answered in, one verdict out. The servers above cover the probing.
describe('judgeUnknownRoutes', () => {
  const answered = (...statuses: Array<number | undefined>) =>
    statuses.map((status, i) => ({ path: `/p${i}/${SEGMENT}`, ...(status === undefined ? {} : { status }) }));
  it.each([
    ['404 everywhere', [404, 404], 'notFound'],
    ['410 Gone counts as not found', [410, 404], 'notFound'],
    ['some 429s among 404s are not a problem', [429, 404], 'notFound'],
    ['all 429: rate limited, undecided', [429, 429, 429], 'rateLimited'],
    ['a 500 under one prefix', [404, 500, 404], 'failed'],
    ['no answer (timeout or reset)', [undefined, 404], 'failed'],
    ['a 500 outweighs a catch-all', [200, 502], 'failed'],
    ['a catch-all 200', [200, 200], 'catchAll'],
    ['a redirect to a login page', [404, 302], 'catchAll'],
    ['a catch-all outweighs a 403', [403, 200], 'catchAll'],
    ['403 for a path that does not exist (API gateway style)', [403, 403, 403], 'notA404'],
    ['401 at the root only', [401, 404], 'notA404'],
  ])('%s', (_name, statuses, verdict) => {
    const answers = answered(...statuses);
    const judged = judgeUnknownRoutes(answers);
    expect(judged.verdict).toBe(verdict);
    expect(judged.data).toEqual({
      answers: answers.map((a) => `GET ${a.path} → ${a.status ?? 'no answer'}`),
      paths: answers.map((a) => a.path),
    });
  });
});
