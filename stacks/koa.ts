import { defineStack, each, V } from './api.js';
import { PINO_HTTP_OPTIONS, PROM_CLIENT_ALERTS, PROM_CLIENT_HISTOGRAM } from './express.js';

export default defineStack({
  id: 'koa',
  name: 'Koa',
  kind: 'framework',
  version: 'Koa 3',
  signals: [
    {
      // Koa answers an unhandled path with exactly this; a bare node:http server sets no such type.
      says: "Koa's default 404 (`Not Found` as text/plain; charset=utf-8, no Server or X-Powered-By header)",
      status: 404,
      body: /^Not Found$/,
      header: ['content-type', /^text\/plain; charset=utf-8$/],
      without: ['server', 'x-powered-by'],
    },
  ],
  fixes: {
    ...each(V.requestId, {
      fix: "Add a first middleware that keeps a valid caller id (or makes a UUID), stores it in ctx.state and sets it on the response. Koa's default error handler drops headers set before a throw, so also set it in your error middleware.",
      language: 'js',
      snippet: `app.use(async (ctx, next) => {
  const sent = ctx.get('x-request-id');
  ctx.state.requestId = /^[\\w.:-]{1,128}$/.test(sent) ? sent : crypto.randomUUID();
  ctx.set('X-Request-Id', ctx.state.requestId);
  await next();
});`,
    }),
    ...each(V.bodySize, {
      fix: 'Give @koa/bodyparser a jsonLimit (its default is 1mb); over it the parser throws 413.',
      language: 'js',
      snippet: "app.use(bodyParser({ jsonLimit: '1mb', formLimit: '56kb', enableTypes: ['json'] }));",
    }),
    ...each(V.listCap, {
      fix: 'Clamp limit in the list route and throw 400 for a value that is not a positive integer.',
      language: 'js',
      snippet: `router.get('/api/orders', (ctx) => {
  const limit = ctx.query.limit === undefined ? 50 : Number(ctx.query.limit);
  ctx.assert(Number.isInteger(limit) && limit >= 1, 400, 'limit must be a positive integer');
  ctx.body = listOrders({ limit: Math.min(limit, 100), cursor: ctx.query.cursor });
});`,
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: "Put an error middleware first that answers one JSON shape (Koa's default answers text and exposes messages of 4xx errors only), and a JSON 404 after the routes.",
      language: 'js',
      snippet: `app.use(async (ctx, next) => {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) ctx.throw(404, 'no such route');
  } catch (err) {
    ctx.status = err.status ?? 500;
    ctx.body = { code: ctx.status >= 500 ? 'internal' : (err.code ?? 'bad_request'), message: err.expose ? err.message : 'internal error' };
    if (ctx.status >= 500) ctx.app.emit('error', err, ctx);
  }
});`,
    }),
    ...each(V.cors, {
      fix: 'Use @koa/cors with a function that allows only known origins.',
      language: 'js',
      snippet: "app.use(cors({ origin: (ctx) => (ALLOWED.has(ctx.get('Origin')) ? ctx.get('Origin') : ''), credentials: true }));",
    }),
    ...each(V.defaultDeny, {
      fix: 'Mount authentication before the router with an allow-list of public paths.',
      language: 'js',
      snippet: 'app.use(async (ctx, next) => (PUBLIC.has(ctx.path) ? next() : authenticate(ctx, next)));',
    }),
    ...each(V.metrics, {
      fix: 'Record every request in the first middleware with a prom-client histogram (method, route template, status), once the response is finished, so the status Koa sets after a throw counts; its _count is the request counter.',
      language: 'js',
      snippet: `${PROM_CLIENT_HISTOGRAM}
app.use(async (ctx, next) => {
  const end = httpDuration.startTimer();
  ctx.res.once('finish', () =>
    end({ method: ctx.method, route: ctx._matchedRoute ?? 'unmatched', status_code: ctx.res.statusCode }),
  );
  await next();
});
router.get('/metrics', async (ctx) => {
  ctx.type = client.register.contentType;
  ctx.body = await client.register.metrics();
});`,
    }),
    ...each(V.metricLabels, {
      fix: 'Label by the route template @koa/router matched (ctx._matchedRoute) and one fixed value for unmatched requests, never ctx.path.',
      language: 'js',
      snippet: "end({ method: ctx.method, route: ctx._matchedRoute ?? 'unmatched', status_code: ctx.res.statusCode }); // '/orders/:id'",
    }),
    ...each(V.alertRules, PROM_CLIENT_ALERTS),
    ...each(V.requestLogs, {
      fix: "Log one JSON line per request with pino-http on Koa's raw req/res (method, url, statusCode, responseTime and the request id); hand it the thrown error so the 5xx line carries it.",
      language: 'js',
      snippet: `import pinoHttp from 'pino-http';

const httpLogger = pinoHttp(${PINO_HTTP_OPTIONS});
app.use(async (ctx, next) => {
  httpLogger(ctx.req, ctx.res);
  ctx.log = ctx.req.log;
  try {
    await next();
  } catch (err) {
    ctx.res.err = err; // pino-http logs the 5xx at error level with it
    throw err;
  }
});`,
    }),
    ...each(V.logCredentials, {
      fix: 'pino-http logs the request headers: redact Authorization and cookies in its options, then rotate the credentials that reached the logs.',
      language: 'js',
      snippet: "const httpLogger = pinoHttp({ redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '***' } });",
    }),
  },
});
