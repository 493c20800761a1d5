import { describeProvenFix } from '../helpers/stack-apps.js';

// The request-id fix of stacks/flask.ts, proven on a real app (test/fixtures/stack-apps/flask_app.py).
describeProvenFix({
  stack: 'flask',
  app: 'flask_app.py',
  check: 'request-id',
  fails: ['request-id/notEchoed', 'request-id/notGenerated', 'request-id/missingOnErrors'],
  passes: ['request-id/echoed', 'request-id/generated', 'request-id/presentOnErrors'],
});
