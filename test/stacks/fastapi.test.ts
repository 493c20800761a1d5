import { describeProvenFix } from '../helpers/stack-apps.js';

// The request-id fix of stacks/fastapi.ts, proven on a real app (test/fixtures/stack-apps/fastapi_app.py).
describeProvenFix({
  stack: 'fastapi',
  app: 'fastapi_app.py',
  check: 'request-id',
  fails: ['request-id/notEchoed', 'request-id/notGenerated', 'request-id/missingOnErrors'],
  passes: ['request-id/echoed', 'request-id/generated', 'request-id/presentOnErrors'],
});
