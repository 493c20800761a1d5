import { describeProvenFix } from '../helpers/stack-apps.js';

// The request-id fix of stacks/koa.ts, proven on a real app (test/fixtures/stack-apps/koa.cjs).
describeProvenFix({
  stack: 'koa',
  app: 'koa.cjs',
  check: 'request-id',
  fails: ['request-id/notEchoed', 'request-id/notGenerated', 'request-id/missingOnErrors'],
  passes: ['request-id/echoed', 'request-id/generated', 'request-id/presentOnErrors'],
});
