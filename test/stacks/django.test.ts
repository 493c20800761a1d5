import { describeProvenFix } from '../helpers/stack-apps.js';

// The list-cap fix of stacks/django.ts (DRF pagination settings), proven on a real Django + DRF app
// (test/fixtures/stack-apps/django_app.py, which is its own settings module) holding 250 orders.
describeProvenFix({
  stack: 'django',
  app: 'django_app.py',
  check: 'list-limit-cap',
  config:
    'endpoints:\n  - { method: GET, path: /api/orders, kind: list, pagination: { limitParam: limit, maxLimit: 100 } }\npublicPaths: [/api/orders]\n',
  fails: ['list-limit-cap/uncapped'],
  passes: ['list-limit-cap/capped'],
});
