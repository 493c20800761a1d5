import { describeProvenFix } from '../helpers/stack-apps.js';

// The list-cap fix of stacks/fastapi.ts (limit bounded in the route's signature (Query with ge and le)) replaces the
// naive route of test/fixtures/stack-apps/fastapi_app.py, which returns as many of its 250 orders as asked.
describeProvenFix({
  stack: 'fastapi',
  app: 'fastapi_app.py',
  marker: 'list',
  check: 'list-limit-cap',
  config:
    'endpoints:\n  - { method: GET, path: /api/orders, kind: list, pagination: { limitParam: limit, maxLimit: 100 } }\npublicPaths: [/api/orders]\n',
  fails: ['list-limit-cap/uncapped'],
  passes: ['list-limit-cap/capped'],
});
