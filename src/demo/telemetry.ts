// The demo APIs' own telemetry, as real Node services have it: prom-client metrics on a separate
// metrics port, pino request logs to a file, a Prometheus rules file. The fixed API does it right;
// the broken one labels by raw path, has no histogram, logs every header (Authorization included)
// and ships no alert. prom-client and pino load only when the demo starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoTelemetryEnv, listen, type RunningServer } from './common.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** The route templates of the demo API: metrics are labelled with these, never the raw path. */
const ROUTES: Array<[RegExp, string]> = [
  [/^\/health$/, '/health'],
  [/^\/api\/orders$/, '/api/orders'],
  [/^\/api\/orders\/[^/]+$/, '/api/orders/:id'],
  [/^\/api\/reports\/summary$/, '/api/reports/summary'],
  [/^\/api\/imports$/, '/api/imports'],
  [/^\/api\/jobs\/[^/]+$/, '/api/jobs/:id'],
];

/** The fixed API's alerts: the 5xx share of its requests and its p95 latency (thresholds.p95Ms is 300 ms). */
export const FIXED_RULES = `groups:
  - name: orders-api
    rules:
      - alert: OrdersApiHighErrorRate
        expr: sum(rate(http_requests_total{status_code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.02
        for: 5m
        labels: { severity: page }
      - alert: OrdersApiSlowP95
        expr: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.3
        for: 10m
        labels: { severity: page }
`;

/** The broken API's rules: a recording rule, and no alert at all. */
export const BROKEN_RULES = `groups:
  - name: orders-api
    rules:
      - record: job:http_requests:rate5m
        expr: sum(rate(http_requests_total[5m]))
`;

export interface DemoTelemetry {
  handler: Handler;
  /** DEMO_METRICS_URL, DEMO_RULES_FILE, DEMO_LOG_FILE for the demo config. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Wraps a demo API's handler with its metrics and request logs, and starts its metrics port. */
export async function instrumentDemo(kind: 'fixed' | 'broken', handler: Handler): Promise<DemoTelemetry> {
  const [{ default: client }, { default: pino }, { pinoHttp }] = await Promise.all([
    import('prom-client'),
    import('pino'),
    import('pino-http'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), `preflight-demo-${kind}-`));
  const logFile = join(dir, 'api.log');
  const rulesFile = join(dir, 'rules.yml');
  writeFileSync(logFile, '');
  writeFileSync(rulesFile, kind === 'fixed' ? FIXED_RULES : BROKEN_RULES);

  const register = new client.Registry();
  const labelNames = ['method', 'route', 'status_code'];
  const requests = new client.Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames, registers: [register] });
  const durations =
    kind === 'fixed'
      ? new client.Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request durations', labelNames, registers: [register] })
      : undefined;
  const logger = pino(pino.destination({ dest: logFile, sync: true }));
  // The broken API uses pino-http as installed: its default serializers log every request header.
  const brokenLog = kind === 'broken' ? pinoHttp({ logger }) : undefined;

  const observed: Handler = (req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    brokenLog?.(req, res);
    let done = false;
    const record = (): void => {
      if (done) return;
      done = true;
      const route = kind === 'broken' ? path : (ROUTES.find(([regex]) => regex.test(path))?.[1] ?? 'unmatched');
      const labels = { method: req.method ?? 'GET', route, status_code: String(res.statusCode) };
      const seconds = (performance.now() - started) / 1000;
      requests.inc(labels);
      durations?.observe(labels, seconds);
      if (kind === 'fixed') {
        const line = {
          req_id: String(res.getHeader('x-request-id') ?? ''),
          method: req.method,
          route,
          path,
          status: res.statusCode,
          duration_ms: Math.round(seconds * 1000),
        };
        if (res.statusCode >= 500) logger.error({ ...line, err: { message: `answered ${res.statusCode}` } }, 'request failed');
        else logger.info(line, 'request completed');
      }
    };
    res.once('finish', record);
    res.once('close', record);
    return handler(req, res);
  };

  // Metrics on their own port, as a management port would be: not on the public API's origin.
  const metrics: RunningServer = await listen(async (_req, res) => {
    res.writeHead(200, { 'content-type': register.contentType });
    res.end(await register.metrics());
  });
  return {
    handler: observed,
    env: { DEMO_METRICS_URL: `${metrics.url}/metrics`, DEMO_RULES_FILE: rulesFile, DEMO_LOG_FILE: logFile },
    close: async () => {
      await metrics.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server with its telemetry registered for demoEnv, closing both. */
export function withTelemetry(server: RunningServer, telemetry: DemoTelemetry): RunningServer {
  demoTelemetryEnv.set(server.url, telemetry.env);
  return {
    ...server,
    close: async () => {
      demoTelemetryEnv.delete(server.url);
      await server.close();
      await telemetry.close();
    },
  };
}
