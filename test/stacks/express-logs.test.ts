import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeProvenFix } from '../helpers/stack-apps.js';

// The request-log fixes of stacks/express.ts (pino-http), proven on real apps whose stdout is the log.
const dir = mkdtempSync(join(tmpdir(), 'preflight-express-logs-'));
const config = (log: string): string => `endpoints:
  - { method: GET, path: /api/orders }
publicPaths: [/api/orders]
observability:
  logs: { file: ${JSON.stringify(log)}, settleMs: 300 }
`;

// test/fixtures/stack-apps/express-logs.mjs: plain-text request lines without the request id.
describeProvenFix({
  stack: 'express',
  app: 'express-logs.mjs',
  check: ['request-logs', 'request-id'],
  marker: 'logger',
  config: config(join(dir, 'plain.log')),
  stdoutFile: join(dir, 'plain.log'),
  fails: ['request-logs/plainText'],
  passes: ['request-logs/idsLogged', 'request-logs/fieldsLogged', 'request-logs/noCredentialsInLogs'],
});

// test/fixtures/stack-apps/express-pino-default.mjs: pino-http's defaults log the bearer token.
describeProvenFix({
  stack: 'express',
  app: 'express-pino-default.mjs',
  check: ['request-logs', 'request-id'],
  marker: 'logger',
  config: config(join(dir, 'pino.log')),
  stdoutFile: join(dir, 'pino.log'),
  fails: ['request-logs/credentialsLogged'],
  passes: ['request-logs/noCredentialsInLogs', 'request-logs/fieldsLogged'],
});
