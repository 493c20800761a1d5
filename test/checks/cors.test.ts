import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import check, { judgeForeignOrigin, judgeNullOrigin, judgePreflight } from '../../checks/cors.js';
import { checkTester } from '../helpers/check-tester.js';
import { json, startServer } from '../helpers/servers.js';

const ALLOWED = 'https://app.example.com';

/** A small API whose CORS headers come from `cors(origin)`. */
function api(cors: (origin: string | undefined) => Record<string, string>) {
  return () =>
    startServer((req: IncomingMessage, res: ServerResponse) => {
      const headers = cors(req.headers.origin);
      if (req.method === 'OPTIONS') {
        res.writeHead(204, headers);
        return res.end();
      }
      json(res, 200, { data: [{ id: 'a1' }] }, headers);
    });
}

checkTester.run(check, {
  config: `
auth:
  headers: { Authorization: "Bearer t0ken-for-tests" }
endpoints:
  - { path: /api/items, kind: list }
`,
  valid: [
    {
      name: 'an allow-list of its own front end',
      server: api((origin) =>
        origin === ALLOWED ? { 'access-control-allow-origin': ALLOWED, 'access-control-allow-credentials': 'true', vary: 'Origin' } : {},
      ),
      verdicts: ['foreignRefused', 'preflightRefused', 'nullRefused'],
    },
  ],
  invalid: [
    {
      name: 'reflects any origin, null included, with credentials',
      server: api((origin) => (origin ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' } : {})),
      verdicts: [
        { verdict: 'foreignAllowed', data: { allowOrigin: 'https://preflight-foreign-origin.example' } },
        'preflightAllowed',
        'nullAllowed',
      ],
    },
  ],
});

// The judges, in-process: one answer in, one verdict and its data out. The real servers above cover the probing.
const FOREIGN = 'https://preflight-foreign-origin.example';
const answer = (headers: Record<string, string>, status = 200) => ({ status, headers });
const withCredentials = (origin: string) => answer({ 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' });

describe('cors judges', () => {
  it.each([
    ['no CORS headers', answer({}), 'foreignRefused', { allowOrigin: '(none)', credentials: '(none)' }],
    [
      'a wildcard without credentials (public data)',
      answer({ 'access-control-allow-origin': '*' }),
      'foreignRefused',
      { allowOrigin: '*' },
    ],
    ['a wildcard with credentials (browsers refuse it)', withCredentials('*'), 'foreignRefused', { allowOrigin: '*', credentials: 'true' }],
    ['its own front end only', withCredentials('https://app.example.com'), 'foreignRefused', { allowOrigin: 'https://app.example.com' }],
    [
      'the foreign origin reflected, credentials allowed',
      withCredentials(FOREIGN),
      'foreignAllowed',
      { origin: FOREIGN, allowOrigin: FOREIGN },
    ],
    [
      'reflected in a list, credentials " TRUE "',
      answer({ 'access-control-allow-origin': `https://a.example, ${FOREIGN}`, 'access-control-allow-credentials': ' TRUE ' }),
      'foreignAllowed',
      {},
    ],
    ['reflected without credentials', answer({ 'access-control-allow-origin': FOREIGN }), 'foreignRefused', { credentials: '(none)' }],
  ])('GET with a foreign Origin, %s', (_name, response, verdict, data) => {
    const judged = judgeForeignOrigin('/api/items', response);
    expect(judged.verdict).toBe(verdict);
    expect(judged.data).toMatchObject({ path: '/api/items', ...data });
  });

  it.each([
    ['refused with 403', answer({}, 403), 'preflightRefused', { status: 403, allowOrigin: '(none)' }],
    ['a wildcard answer', answer({ 'access-control-allow-origin': '*' }, 204), 'preflightRefused', { status: 204, allowOrigin: '*' }],
    ['the foreign origin allowed with credentials', { ...withCredentials(FOREIGN), status: 204 }, 'preflightAllowed', { origin: FOREIGN }],
  ])('preflight OPTIONS, %s', (_name, response, verdict, data) => {
    const judged = judgePreflight('/api/items', response);
    expect(judged.verdict).toBe(verdict);
    expect(judged.data).toMatchObject({ path: '/api/items', ...data });
  });

  it.each([
    ['a wildcard', answer({ 'access-control-allow-origin': '*' }), 'nullRefused', { allowOrigin: '*' }],
    ['null without credentials', answer({ 'access-control-allow-origin': 'null' }), 'nullRefused', { allowOrigin: 'null' }],
    ['null with credentials', withCredentials('null'), 'nullAllowed', {}],
  ])('GET with Origin: null, %s', (_name, response, verdict, data) => {
    const judged = judgeNullOrigin('/api/items', response);
    expect(judged.verdict).toBe(verdict);
    expect(judged.data).toMatchObject({ path: '/api/items', ...data });
  });
});
