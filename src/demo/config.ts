/**
 * The config the demo audits both APIs with: the same file a user would write for their own API
 * (see config.example.yaml). ${DEMO_BASE_URL} is filled in with each server's loopback address, ${DEMO_TOKEN}
 * and ${DEMO_OTHER_TOKEN} with the JWTs it signed (demoEnv in common.ts).
 */
export const DEMO_CONFIG = `
target:
  name: orders-api (demo)
  baseUrl: \${DEMO_BASE_URL}
auth:
  headers: { Authorization: "Bearer \${DEMO_TOKEN}" }
  # A second user: cross-user reads alice's orders as bob.
  identities:
    other: { headers: { Authorization: "Bearer \${DEMO_OTHER_TOKEN}" } }
publicPaths: [/health]
endpoints:
  - { method: GET, path: /api/orders, kind: list, pagination: { limitParam: limit, cursorParam: cursor, cursorField: next_cursor, dataField: data, maxLimit: 100, maxPages: 30 } }
  - { method: GET, path: "/api/orders/{id}", params: { id: ord_00001 } }
  - { method: POST, path: /api/orders, kind: write, body: { sku: A1, qty: 1 } }
  - { method: GET, path: /api/reports/summary }
  - { method: POST, path: /api/imports, kind: async, body: { source: "s3://demo/orders.csv" } }
health: /health
# The demo servers are our own, on loopback: write probes are safe here.
allowWrites: true
limits: { concurrency: 8, requestsPerSecond: 200, maxRequests: 3000, timeoutMs: 5000 }
thresholds: { p95Ms: 300, p99Ms: 800, slowMs: 1000, failUnder: 80 }
latency: { samples: 20, maxSeconds: 4 }
idempotency: { verify: "GET /api/orders" }
# Item 9: the API's own metrics (on its metrics port), alert rules and request logs.
observability:
  metrics: { url: "\${DEMO_METRICS_URL}" }
  alertRules: { files: ["\${DEMO_RULES_FILE}"] }
  logs: { file: "\${DEMO_LOG_FILE}", settleMs: 200 }
`;
