import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeProvenFix } from '../helpers/stack-apps.js';

// The request-log fix of stacks/fastify.ts (Fastify's own pino logger, with the caller's request id),
// proven on a real app (test/fixtures/stack-apps/fastify-logs.mjs) whose stdout is the log.
const log = join(mkdtempSync(join(tmpdir(), 'preflight-fastify-logs-')), 'app.log');

describeProvenFix({
  stack: 'fastify',
  app: 'fastify-logs.mjs',
  check: ['request-logs', 'request-id'],
  marker: 'app',
  config: `endpoints:
  - { method: GET, path: /api/orders }
publicPaths: [/api/orders]
observability:
  logs: { file: ${JSON.stringify(log)}, settleMs: 300 }
`,
  stdoutFile: log,
  fails: ['request-logs/idsMissing'],
  passes: ['request-logs/idsLogged', 'request-logs/fieldsLogged', 'request-logs/noCredentialsInLogs'],
});
