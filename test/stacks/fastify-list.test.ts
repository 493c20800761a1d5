import { describeProvenFix } from '../helpers/stack-apps.js';

// The list-cap fix of stacks/fastify.ts (limit bounded in the route's querystring schema) replaces the
// naive route of test/fixtures/stack-apps/fastify.cjs, which returns as many of its 250 orders as asked.
describeProvenFix({
  stack: 'fastify',
  app: 'fastify.cjs',
  marker: 'list',
  // Fastify shows itself in its default 404 body: list-limit-cap alone sees no 404 (a full audit does).
  check: ['list-limit-cap', 'unknown-route'],
  config:
    'endpoints:\n  - { method: GET, path: /api/orders, kind: list, pagination: { limitParam: limit, maxLimit: 100 } }\npublicPaths: [/api/orders]\n',
  fails: ['list-limit-cap/uncapped'],
  passes: ['list-limit-cap/capped'],
});
