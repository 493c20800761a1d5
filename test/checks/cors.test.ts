import type { IncomingMessage, ServerResponse } from 'node:http';
import check from '../../checks/cors.js';
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
    {
      name: 'a wildcard without credentials (public data)',
      server: api(() => ({ 'access-control-allow-origin': '*' })),
      verdicts: ['foreignRefused', 'preflightRefused', { verdict: 'nullRefused', data: { allowOrigin: '*' } }],
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
    {
      name: 'allows null with credentials only',
      server: api((origin) =>
        origin === 'null' ? { 'access-control-allow-origin': 'null', 'access-control-allow-credentials': 'true' } : {},
      ),
      verdicts: ['nullAllowed'],
    },
  ],
});
