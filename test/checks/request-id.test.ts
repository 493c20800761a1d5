import { randomUUID } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { expect } from 'vitest';
import check from '../../checks/request-id.js';
import { byVerdict, checkTester } from '../helpers/check-tester.js';
import { startMswServer } from '../helpers/msw.js';
import { json, startServer } from '../helpers/servers.js';

const authorised = (request: Request): boolean => request.headers.get('authorization') === 'Bearer t0ken-for-tests';

checkTester.run(check, {
  config: `
auth:
  headers: { Authorization: "Bearer t0ken-for-tests" }
endpoints:
  - { path: /api/items }
`,
  valid: [
    {
      name: 'echoes, generates and sets the id on errors',
      server: () =>
        startMswServer(
          http.all('*', ({ request }) => {
            const id = request.headers.get('x-request-id') ?? randomUUID();
            const url = new URL(request.url);
            if (url.pathname !== '/api/items')
              return HttpResponse.json({ error: { code: 'not_found' } }, { status: 404, headers: { 'X-Request-Id': id } });
            if (!authorised(request))
              return HttpResponse.json({ error: { code: 'unauthorized' } }, { status: 401, headers: { 'X-Request-Id': id } });
            return HttpResponse.json({ data: [] }, { headers: { 'X-Request-Id': id } });
          }),
        ),
      verdicts: ['echoed', 'generated', { verdict: 'presentOnErrors', data: { statuses: [404, 401] } }],
    },
  ],
  invalid: [
    {
      name: 'never sets one',
      server: () => startServer((req, res) => json(res, req.url === '/api/items' ? 200 : 404, {})),
      verdicts: ['notEchoed', 'notGenerated', 'missingOnErrors'],
      assert: (findings) => expect(byVerdict(findings, 'notEchoed').reproduce).toMatch(/^curl .*\/api\/items/),
    },
    {
      name: 'echoes only on 2xx',
      server: () =>
        startServer((req, res) => {
          if (req.url !== '/api/items') return json(res, 404, { error: 'nope' });
          if (req.headers.authorization !== 'Bearer t0ken-for-tests') return json(res, 401, { error: 'nope' });
          json(res, 200, { data: [] }, { 'x-request-id': (req.headers['x-request-id'] as string | undefined) ?? randomUUID() });
        }),
      verdicts: ['missingOnErrors'],
      assert: (findings) =>
        expect(byVerdict(findings, 'missingOnErrors').data!.answers).toEqual([expect.stringMatching(/→ 404$/), 'GET /api/items → 401']),
    },
    {
      name: 'generates the same id on every request',
      server: () =>
        startServer((req, res) =>
          json(res, 200, {}, { 'x-request-id': (req.headers['x-request-id'] as string | undefined) ?? 'static-id' }),
        ),
      verdicts: [{ verdict: 'notUnique', data: { id: 'static-id' } }],
    },
    {
      name: 'replaces the caller id with its own',
      server: () => startServer((_req, res) => json(res, 200, {}, { 'x-request-id': randomUUID() })),
      verdicts: ['replaced'],
    },
  ],
});
