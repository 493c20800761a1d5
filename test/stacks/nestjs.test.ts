import { describeProvenFix } from '../helpers/stack-apps.js';

// The request-id fix of stacks/nestjs.ts, proven on a real app (test/fixtures/stack-apps/nestjs.cjs).
describeProvenFix({
  stack: 'nestjs',
  app: 'nestjs.cjs',
  check: 'request-id',
  fails: ['request-id/notEchoed', 'request-id/notGenerated', 'request-id/missingOnErrors'],
  passes: ['request-id/echoed', 'request-id/generated', 'request-id/presentOnErrors'],
});
