import type { Target } from '../../src/types.js';
import { describeProvenFix } from '../helpers/stack-apps.js';

// The metrics fixes of stacks/express.ts (prom-client), proven on real apps: unknown-route sends
// the 404s and unknown paths the errors and labels probes need.
const config = `endpoints:
  - { method: GET, path: /api/orders }
  - { method: GET, path: "/api/orders/{id}", params: { id: ord_1 } }
publicPaths: [/api/orders, "/api/orders/{id}"]
observability:
  metrics: { url: "http://placeholder.invalid/metrics" }
`;
/** The app's own /metrics: its port is known only once it listens. */
const metricsOnTarget = (target: Target): Target => ({
  ...target,
  observability: { ...target.observability!, metrics: { ...target.observability!.metrics!, url: `${target.baseUrl}/metrics` } },
});

// test/fixtures/stack-apps/express-metrics.mjs: a /metrics page with process metrics only.
describeProvenFix({
  stack: 'express',
  app: 'express-metrics.mjs',
  check: ['request-metrics', 'unknown-route'],
  marker: 'metrics',
  config,
  target: metricsOnTarget,
  fails: ['request-metrics/noCounter', 'request-metrics/noHistogram'],
  passes: ['request-metrics/counted', 'request-metrics/errorsCounted', 'request-metrics/histogram', 'request-metrics/boundedLabels'],
});

// test/fixtures/stack-apps/express-raw-path.mjs: a histogram labelled with req.path.
describeProvenFix({
  stack: 'express',
  app: 'express-raw-path.mjs',
  check: ['request-metrics', 'unknown-route'],
  marker: 'labels',
  config,
  target: metricsOnTarget,
  fails: ['request-metrics/rawPathLabels'],
  passes: ['request-metrics/boundedLabels', 'request-metrics/counted', 'request-metrics/errorsCounted'],
});
