import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import check from '../../checks/request-logs.js';
import type { Finding } from '../../src/types.js';
import { checkTester } from '../helpers/check-tester.js';
import { auditTraffic, startObservedApp, trafficWithoutIds, type ObservedAppOptions } from '../helpers/observability-apps.js';

const dir = mkdtempSync(join(tmpdir(), 'preflight-logs-'));
let cases = 0;
const TOKEN = 'test-token-3f9a1c';

/** A fresh log file per case; the app writes its request lines there, the check reads them back. */
function logging(logs: ObservedAppOptions['logs'], extra: Partial<ObservedAppOptions> = {}, how: 'file' | 'command' = 'file') {
  const logFile = join(dir, `case-${++cases}.log`);
  const source = how === 'file' ? `file: ${JSON.stringify(logFile)}` : `command: [cat, ${JSON.stringify(logFile)}]`;
  return {
    server: () => startObservedApp({ logs, logFile, ...extra }),
    config: `${config}observability:\n  logs: { ${source}, settleMs: 20 }\n`,
    before: auditTraffic,
    logFile,
  };
}

const config = `
auth:
  headers: { Authorization: "Bearer ${TOKEN}" }
endpoints:
  - { path: /api/orders }
limits: { requestsPerSecond: 1000 }
`;

/** Whatever was logged, no finding shows the canary or the configured token. */
const masked = (findings: Finding[]): void => {
  const text = JSON.stringify(findings);
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain('preflight-canary-');
};

const pinoDefault = logging('pino-http-default');
const emptyLog = join(dir, 'empty.log');

checkTester.run(check, {
  config,
  valid: [
    { name: 'logfmt lines', ...logging('logfmt'), verdicts: ['idsLogged', 'fieldsLogged', 'serverErrorsLogged', 'noCredentialsInLogs'] },
    {
      name: 'pino-http lines with the request id, method, url, status, duration; 500s at error level',
      ...logging('json'),
      verdicts: ['idsLogged', 'fieldsLogged', 'serverErrorsLogged', 'noCredentialsInLogs'],
    },
    {
      name: 'the logs read through a command (argv, no shell)',
      ...logging('json', {}, 'command'),
      verdicts: ['idsLogged', 'fieldsLogged', 'serverErrorsLogged', 'noCredentialsInLogs'],
    },
  ],
  invalid: [
    {
      name: 'JSON lines with the request id but no method, path, status or duration',
      ...logging('ids-only'),
      verdicts: [{ verdict: 'missingFields', data: { fields: 'method, path or route, status, duration' } }],
    },
    {
      name: 'an app that ignores request ids: its 500 is still found logged by path and status',
      ...logging('json', { requestIds: false }),
      before: trafficWithoutIds,
      verdicts: ['idsMissing'],
      assert: (findings) => expect(findings.map((f) => f.id)).toContain('request-logs/serverErrorsLogged'),
    },
    {
      name: 'an app that ignores request ids and logs nothing for its 500',
      ...logging('json', { requestIds: false, silent500: true }),
      before: trafficWithoutIds,
      verdicts: ['idsMissing', { verdict: 'silentServerError', data: { id: 'none' } }],
    },
    {
      name: 'pino-http with its default serializers logs every request header: the canary and the configured token',
      ...pinoDefault,
      verdicts: [{ verdict: 'credentialsLogged', data: { what: 'the canary bearer token the audit sent and a configured credential' } }],
      assert: (findings) => {
        masked(findings);
        // What the installed pino-http really wrote: the Authorization header, in clear.
        expect(readFileSync(pinoDefault.logFile, 'utf8')).toContain(`"authorization":"Bearer ${TOKEN}"`);
      },
    },
    { name: 'plain-text lines without request ids', ...logging('plain'), verdicts: ['plainText', 'silentServerError'], assert: masked },
    { name: 'a 500 that logs nothing', ...logging('json', { silent500: true }), verdicts: ['idsMissing', 'silentServerError'] },
    { name: 'a log file that was never written is undecided, not a pass', ...logging('none'), verdicts: ['undecided'] },
    {
      name: 'a log file with no line of the audit',
      ...logging('none'),
      server: () => {
        writeFileSync(emptyLog, '');
        return startObservedApp({ logs: 'none' });
      },
      config: `${config}observability:\n  logs: { file: ${JSON.stringify(emptyLog)}, settleMs: 20 }\n`,
      verdicts: ['idsMissing', 'silentServerError'],
    },
  ],
});
