// Loopback services for checklist item 9 (observability), instrumented the way real Node services
// are: express with prom-client metrics and pino / pino-http logs to a file. Each option reproduces
// one way a service's telemetry can miss the traffic it serves.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import express from 'express';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import client from 'prom-client';
import { serveApp } from './serve-app.js';

export interface ObservedAppOptions {
  /**
   * correct: route templates, status label, histogram. raw-path: labels by req.path. counter-only: no
   * histogram. only-2xx: counts successes only. summary: a summary for durations. none: process metrics only.
   */
  metrics?: 'correct' | 'raw-path' | 'counter-only' | 'only-2xx' | 'summary' | 'none';
  /**
   * json: one pino-http line per request with id, method, url, status, duration. pino-http-default:
   * pino-http as installed, default serializers (headers included). plain: text lines without ids.
   */
  logs?: 'json' | 'pino-http-default' | 'plain' | 'logfmt' | 'ids-only' | 'none';
  logFile?: string;
  /** GET /api/boom answers 500 and writes no log line. */
  silent500?: boolean;
  /** false: the app neither reads nor sets X-Request-Id (its logs can only be matched by path and status). */
  requestIds?: boolean;
  /** /metrics answers 401 without Authorization: Bearer <token>. */
  metricsToken?: string;
}

/** GET /api/orders, GET /api/orders/:id (404 for ids starting with "missing"), GET /api/boom (500), /metrics. */
export async function startObservedApp(options: ObservedAppOptions): Promise<{ url: string; close(): Promise<void> }> {
  const register = new client.Registry();
  const labelNames = ['method', 'route', 'status_code'];
  const counter = new client.Counter({ name: 'http_requests_total', help: 'Requests', labelNames, registers: [register] });
  const histogram =
    options.metrics === 'correct' || options.metrics === 'raw-path' || options.metrics === 'only-2xx'
      ? new client.Histogram({ name: 'http_request_duration_seconds', help: 'Durations', labelNames, registers: [register] })
      : undefined;
  const summary =
    options.metrics === 'summary'
      ? new client.Summary({ name: 'http_request_duration_seconds', help: 'Durations', labelNames, registers: [register] })
      : undefined;
  // 'none': a service that exports only the process metrics prom-client collects by default.
  if (options.metrics === 'none') client.collectDefaultMetrics({ register });
  const app = express();
  app.use((req, res, next) => {
    if (options.requestIds === false) return next();
    const incoming = req.header('x-request-id');
    const id = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    // pino-http as installed numbers requests itself unless the app sets req.id; the default mode shows that.
    if (options.logs !== 'pino-http-default') (req as unknown as { id: string }).id = id;
    next();
  });
  if (options.metrics && options.metrics !== 'none') {
    app.use((req, res, next) => {
      if (req.path === '/metrics') return next();
      const end = histogram?.startTimer();
      res.on('finish', () => {
        if (options.metrics === 'only-2xx' && res.statusCode >= 400) return;
        const route = options.metrics === 'raw-path' ? req.path : req.route ? `${req.baseUrl}${req.route.path}` : 'unmatched';
        const labels = { method: req.method, route, status_code: String(res.statusCode) };
        counter.inc(labels);
        end?.(labels);
        summary?.observe(labels, 0.01);
      });
      next();
    });
  }
  const file = options.logFile;
  if (file && options.logs === 'json') {
    const logger = pino(pino.destination({ dest: file, sync: true }));
    app.use(
      pinoHttp({
        logger,
        genReqId: (req) => (req as unknown as { id: string }).id,
        autoLogging: { ignore: (req) => options.silent500 === true && req.url === '/api/boom' },
        serializers: {
          req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      }),
    );
  }
  if (file && options.logs === 'pino-http-default') app.use(pinoHttp({ logger: pino(pino.destination({ dest: file, sync: true })) }));
  if (file && options.logs === 'plain') {
    app.use((req, res, next) => {
      res.on('finish', () => {
        if (!(options.silent500 && req.path === '/api/boom'))
          appendFileSync(file, `${new Date().toISOString()} INFO ${req.method} ${req.path} ${res.statusCode}\n`);
      });
      next();
    });
  }
  if (file && (options.logs === 'logfmt' || options.logs === 'ids-only')) {
    // logfmt: a request logger in the Go/Heroku style. ids-only: JSON lines that carry the id and nothing else.
    app.use((req, res, next) => {
      const started = performance.now();
      res.on('finish', () => {
        const id = String(res.getHeader('x-request-id') ?? '');
        const level = res.statusCode >= 500 ? 'error' : 'info';
        const ms = Math.round(performance.now() - started);
        const line =
          options.logs === 'logfmt'
            ? `time=${new Date().toISOString()} level=${level} req_id=${id} method=${req.method} path=${req.path} status=${res.statusCode} duration_ms=${ms}`
            : JSON.stringify({ level, req_id: id, msg: 'handled' });
        appendFileSync(file, `${line}\n`);
      });
      next();
    });
  }
  app.get('/metrics', async (req, res) => {
    if (options.metricsToken && req.header('authorization') !== `Bearer ${options.metricsToken}`) return void res.status(401).end();
    res.setHeader('content-type', register.contentType);
    res.end(await register.metrics());
  });
  app.get('/api/orders', (_req, res) => void res.json({ data: [{ id: 'ord_1' }] }));
  app.get('/api/orders/:id', (req, res) =>
    req.params.id.startsWith('missing') ? void res.status(404).json({ error: 'not found' }) : void res.json({ id: req.params.id }),
  );
  app.get('/api/boom', (_req, res) => void res.status(500).json({ error: 'internal' }));
  app.use((_req, res) => void res.status(404).json({ error: 'not found' }));
  return serveApp(app);
}

/**
 * The traffic of an audit in small: list and item reads, distinct random ids, unknown paths, a 404
 * and a 500, each with an X-Request-Id, as the run's checks send them.
 */
export async function auditTraffic(http: import('../../src/http/types.js').HttpClient): Promise<void> {
  const send = (path: string): Promise<unknown> =>
    http.send({ method: 'GET', path, headers: { 'X-Request-Id': `preflight-${randomUUID()}` } });
  for (let i = 0; i < 4; i++) await send('/api/orders');
  for (let i = 0; i < 4; i++) await send(`/api/orders/ord_${randomUUID().slice(0, 8)}`);
  for (let i = 0; i < 3; i++) await send(`/preflight-unknown-${randomUUID().slice(0, 8)}`);
  await send('/api/orders/missing-1');
  await send('/api/boom');
}

/**
 * Requests Node's HTTP parser refuses before the app runs: an unknown method token (400) and
 * oversized headers (431). No metric and no log line can hold them.
 */
export async function parserRefusals(http: import('../../src/http/types.js').HttpClient): Promise<number[]> {
  const unknown = await http.send({
    method: 'PREFLIGHTPROBE',
    path: '/api/orders',
    headers: { 'X-Request-Id': `preflight-${randomUUID()}` },
  });
  const oversized = await http.send({
    method: 'GET',
    path: '/api/orders',
    headers: { 'X-Request-Id': `preflight-${randomUUID()}`, 'X-Padding': 'a'.repeat(20 * 1024) },
  });
  return [unknown.status, oversized.status];
}

/** The same traffic without request ids: nothing ties a log line to a request but its path and status. */
export async function trafficWithoutIds(http: import('../../src/http/types.js').HttpClient): Promise<void> {
  for (const path of ['/api/orders', '/api/orders/ord_1', '/api/orders/missing-1', '/api/boom']) await http.send({ method: 'GET', path });
}
