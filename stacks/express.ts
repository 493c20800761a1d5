import { alertRulesFix, defineStack, each, V } from './api.js';

/** Express middleware: NestJS on Express (its default) takes the same in main.ts. */
export const REQUEST_ID_MIDDLEWARE = `app.use((req, res, next) => {
  const sent = req.get('x-request-id') ?? '';
  req.id = /^[\\w.:-]{1,128}$/.test(sent) ? sent : crypto.randomUUID();
  res.set('X-Request-Id', req.id);
  next();
});`;

/** A prom-client histogram of request durations: Express, Koa and NestJS record it the same way. */
export const PROM_CLIENT_HISTOGRAM = `import client from 'prom-client';

client.collectDefaultMetrics();
const httpDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration in seconds by method, route template and status',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], // around a 500 ms p95 target
});`;

/** Records the histogram after every response, whatever its status, and serves /metrics. */
export const PROM_CLIENT_MIDDLEWARE = `${PROM_CLIENT_HISTOGRAM}
// Before every other middleware and router: it sees each request and records once the response is sent.
app.use((req, res, next) => {
  const end = httpDuration.startTimer();
  res.on('finish', () => {
    const route = req.route ? req.baseUrl + req.route.path : 'unmatched';
    end({ method: req.method, route, status_code: res.statusCode });
  });
  next();
});
app.get('/metrics', async (req, res) => {
  res.set('Content-Type', client.register.contentType);
  res.send(await client.register.metrics());
});`;

/** pino-http's options: the request id it logs and returns, credentials redacted (Koa and nestjs-pino take the same). */
export const PINO_HTTP_OPTIONS = `{
  genReqId: (req, res) => {
    const sent = req.headers['x-request-id'];
    const id = typeof sent === 'string' && /^[\\w.:-]{1,128}$/.test(sent) ? sent : crypto.randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  },
  redact: ['req.headers.authorization', 'req.headers.cookie'],
}`;

/** The alerting rules over that histogram (its _count is the request counter). */
export const PROM_CLIENT_ALERTS = alertRulesFix(
  { requests: 'http_request_duration_seconds_count', errors: 'status_code=~"5.."', buckets: 'http_request_duration_seconds_bucket' },
  'the prom-client histogram',
);

/** The same text nested `depth` spaces deep (for options placed inside another object). */
export const indented = (text: string, depth: number): string => text.replaceAll('\n', `\n${' '.repeat(depth)}`);

export default defineStack({
  id: 'express',
  name: 'Express',
  kind: 'framework',
  version: 'Express 5 (4.x the same unless noted)',
  signals: [
    { says: '`X-Powered-By: Express`', header: ['x-powered-by', /^Express$/i] },
    { says: "Express's default 404 body `Cannot GET /…`", status: 404, body: /<pre>Cannot [A-Z]+ \/[^<]*<\/pre>/ },
  ],
  fixes: {
    ...each(V.requestId, {
      fix: 'Add a middleware before the routes that keeps a valid caller id (or makes a UUID) and sets it on every response; 404s and errors keep it.',
      language: 'js',
      snippet: REQUEST_ID_MIDDLEWARE,
    }),
    ...each(V.bodySize, {
      fix: 'Give the body parsers an explicit limit (the default is 100 kB); bodies over it get 413 before they are parsed.',
      language: 'js',
      snippet: `app.use(express.json({ limit: '1mb' }));
app.use(express.urlencoded({ extended: false, limit: '1mb' }));`,
    }),
    ...each(V.headerSize, {
      fix: "Node's HTTP server caps headers (--max-http-header-size, 16 KiB by default) and answers 431; set it explicitly where the server is created.",
      language: 'js',
      snippet: `const server = http.createServer({ maxHeaderSize: 16 * 1024 }, app);
server.listen(3000);`,
    }),
    ...each(V.listCap, {
      fix: 'Clamp limit in the list handler (or a shared middleware) and answer 400 to a value that is not a positive integer.',
      language: 'js',
      snippet: `app.get('/api/orders', (req, res) => {
  const limit = req.query.limit === undefined ? 50 : Number(req.query.limit);
  if (!Number.isInteger(limit) || limit < 1) return res.status(400).json({ code: 'bad_limit', message: 'limit must be a positive integer' });
  res.json(listOrders({ limit: Math.min(limit, 100), cursor: req.query.cursor }));
});`,
    }),
    ...each(V.pagination, {
      fix: 'Page by a key (the last id seen) and return it as next_cursor, null on the last page; offsets skip and repeat rows while the data changes.',
      language: 'js',
      snippet: `const rows = await db.query('SELECT * FROM orders WHERE id > $1 ORDER BY id LIMIT $2', [cursor ?? 0, limit + 1]);
res.json({ data: rows.slice(0, limit), next_cursor: rows.length > limit ? String(rows[limit - 1].id) : null });`,
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: 'End the middleware chain with a JSON 404 and a four-argument error handler that logs the error and answers one shape without the stack (Express prints stacks unless NODE_ENV=production).',
      language: 'js',
      snippet: `app.use((req, res) => res.status(404).json({ code: 'not_found', message: 'no such route' }));
app.use((err, req, res, next) => {
  const status = err.status ?? err.statusCode ?? 500;
  if (status >= 500) req.log?.error(err);
  res.status(status).json({ code: status >= 500 ? 'internal' : (err.code ?? 'bad_request'), message: status >= 500 ? 'internal error' : err.message });
});`,
    }),
    ...each(V.versionHeader, {
      fix: 'Turn off the X-Powered-By header (or use helmet, which does it).',
      language: 'js',
      snippet: "app.disable('x-powered-by');",
    }),
    ...each(V.cors, {
      fix: 'Use the cors package with an explicit list of origins; never reflect the request Origin when credentials are allowed.',
      language: 'js',
      snippet: `import cors from 'cors';
app.use(cors({ origin: ['https://app.example.com'], credentials: true }));`,
    }),
    ...each(V.defaultDeny, {
      fix: 'Mount the authentication middleware before every router and list the public routes as exceptions, so a new route is private by default.',
      language: 'js',
      snippet: `const PUBLIC = new Set(['/health', '/api/login']);
app.use((req, res, next) => (PUBLIC.has(req.path) ? next() : requireAuth(req, res, next)));`,
    }),
    ...each(V.idempotency, {
      fix: 'Store the first response per Idempotency-Key (with a hash of the body) in a shared store and replay it; a key reused with another body gets 422.',
      language: 'js',
      snippet: `app.post('/api/orders', idempotent(redis), createOrder); // e.g. express-idempotency or your own middleware:
// look up the key; if found and the body hash matches, replay status+body; if it differs, 422; else run and store.`,
    }),
    ...each(V.adminSurface, {
      fix: 'Mount the API docs (swagger-ui-express) and admin routers only outside production, or behind the auth middleware.',
      language: 'js',
      snippet: "if (process.env.NODE_ENV !== 'production') app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapiDocument));",
    }),
    ...each(V.background, {
      fix: 'Queue the slow work (BullMQ) and answer 202 with a status URL.',
      language: 'js',
      snippet: `app.post('/api/imports', async (req, res) => {
  const job = await imports.add('import', req.body);
  res.status(202).location(\`/api/imports/\${job.id}\`).json({ id: job.id, status: 'queued' });
});`,
    }),
    ...each(V.metrics, {
      fix: 'Record every request in the first middleware with a prom-client histogram (method, route template, status), after the response is sent, so 404s and errors count; its _count is the request counter. Buckets around your p95 target.',
      language: 'js',
      snippet: PROM_CLIENT_MIDDLEWARE,
    }),
    ...each(V.metricLabels, {
      fix: 'Label by the matched route template (req.baseUrl + req.route.path, set once Express has routed) and one fixed value for unmatched requests, never req.path or req.originalUrl.',
      language: 'js',
      snippet: `res.on('finish', () => {
  const route = req.route ? req.baseUrl + req.route.path : 'unmatched'; // '/api/orders/:id', not '/api/orders/42'
  end({ method: req.method, route, status_code: res.statusCode });
});`,
    }),
    ...each(V.alertRules, PROM_CLIENT_ALERTS),
    ...each(V.requestLogs, {
      fix: 'Log one JSON line per request with pino-http (method, url, statusCode, responseTime) carrying the request id it returns; in the error handler set res.err so the 5xx line has the error and its stack.',
      language: 'js',
      snippet: `import pinoHttp from 'pino-http';

app.use(pinoHttp(${PINO_HTTP_OPTIONS}));
// In the error handler, before answering: res.err = err; (pino-http then logs the 5xx at error level with the stack)`,
    }),
    ...each(V.logCredentials, {
      fix: "pino-http logs the request headers: redact Authorization and cookies in its options (pino's redact paths), then rotate the credentials that reached the logs.",
      language: 'js',
      snippet: `app.use(pinoHttp({
  redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '***' },
}));`,
    }),
  },
});
