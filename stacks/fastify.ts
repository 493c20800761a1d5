import { alertRulesFix, defineStack, each, V } from './api.js';

export default defineStack({
  id: 'fastify',
  name: 'Fastify',
  kind: 'framework',
  version: 'Fastify 5',
  signals: [
    {
      says: "Fastify's default 404 body `Route GET:/… not found`",
      status: 404,
      body: /^\{"message":"Route [A-Z]+:\/[^"]* not found","error":"Not Found","statusCode":404\}$/,
    },
    {
      says: "Fastify's error shape `{statusCode, code: FST_…}`",
      status: [400, 413, 415],
      body: /"code":"FST_[A-Z_]+"/,
    },
  ],
  fixes: {
    ...each(V.requestId, {
      fix: "Make Fastify's request.id (already on every log line) the caller's valid id or a UUID, and send it back from an onRequest hook, which also runs for 404s.",
      language: 'js',
      snippet: `app.setGenReqId((req) => {
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && /^[\\w.:-]{1,128}$/.test(sent) ? sent : crypto.randomUUID();
});
app.addHook('onRequest', async (request, reply) => {
  reply.header('X-Request-Id', request.id);
});`,
    }),
    ...each(V.bodySize, {
      fix: 'Set bodyLimit (default 1 MiB) on the instance or per route; Fastify answers 413 FST_ERR_CTP_BODY_TOO_LARGE before parsing. Cap arrays with maxItems in the route schema.',
      language: 'js',
      snippet: `const app = Fastify({ bodyLimit: 1024 * 1024 });
app.post('/api/orders', { bodyLimit: 64 * 1024, schema: { body: { type: 'object', properties: { items: { type: 'array', maxItems: 100 } } } } }, createOrder);`,
    }),
    ...each(V.headerSize, {
      fix: "Set maxHeaderSize on the instance (it is passed to Node's HTTP server, which answers 431).",
      language: 'js',
      snippet: 'const app = Fastify({ http: { maxHeaderSize: 16 * 1024 } });',
    }),
    ...each(V.listCap, {
      fix: "Declare limit in the route's querystring schema with minimum and maximum: Fastify validates it and answers 400 before the handler runs.",
      language: 'js',
      snippet: `app.get('/api/orders', {
  schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 } } } },
}, async (request) => listOrders({ limit: request.query.limit, cursor: request.query.cursor }));`,
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: 'Set one error handler and one not-found handler that answer the same JSON shape and never the stack.',
      language: 'js',
      snippet: `app.setNotFoundHandler((request, reply) => reply.code(404).send({ code: 'not_found', message: 'no such route' }));
app.setErrorHandler((error, request, reply) => {
  const status = error.statusCode ?? 500;
  if (status >= 500) request.log.error(error);
  reply.code(status).send({ code: status >= 500 ? 'internal' : (error.code ?? 'bad_request'), message: status >= 500 ? 'internal error' : error.message });
});`,
    }),
    ...each(V.cors, {
      fix: 'Register @fastify/cors with an explicit origin list.',
      language: 'js',
      snippet: "await app.register(import('@fastify/cors'), { origin: ['https://app.example.com'], credentials: true });",
    }),
    ...each(V.defaultDeny, {
      fix: 'Authenticate in a root onRequest hook with an allow-list of public routes, so every new route is private by default.',
      language: 'js',
      snippet: `const PUBLIC = new Set(['/health', '/api/login']);
app.addHook('onRequest', async (request, reply) => {
  if (!PUBLIC.has(request.routeOptions.url)) await app.authenticate(request, reply);
});`,
    }),
    ...each(V.idempotency, {
      fix: 'Use an idempotency plugin backed by a shared store (or a preHandler that replays the stored reply for a known Idempotency-Key and answers 422 when the body differs).',
      language: 'js',
      snippet: `app.addHook('preHandler', async (request, reply) => {
  const key = request.headers['idempotency-key'];
  const seen = key && (await store.get(key));
  if (seen) return seen.hash === hash(request.body) ? reply.code(seen.status).send(seen.body) : reply.code(422).send({ code: 'idempotency_key_reused' });
});`,
    }),
    ...each(V.adminSurface, {
      fix: 'Register @fastify/swagger-ui only outside production.',
      language: 'js',
      snippet: "if (process.env.NODE_ENV !== 'production') await app.register(import('@fastify/swagger-ui'), { routePrefix: '/docs' });",
    }),
    ...each(V.background, {
      fix: 'Queue the slow work (BullMQ) and answer 202 with a status URL.',
      language: 'js',
      snippet: `app.post('/api/imports', async (request, reply) => {
  const job = await imports.add('import', request.body);
  return reply.code(202).header('Location', \`/api/imports/\${job.id}\`).send({ id: job.id, status: 'queued' });
});`,
    }),
    ...each(V.metrics, {
      fix: 'Register fastify-metrics: a prom-client histogram http_request_duration_seconds by method, route and status_code on every route (its _count counts requests); count unknown routes under one label so 404s are seen, with buckets around your p95 target.',
      language: 'js',
      snippet: `import fastifyMetrics from 'fastify-metrics';

await app.register(fastifyMetrics, {
  endpoint: '/metrics',
  routeMetrics: {
    registeredRoutesOnly: false, // 404s of unknown routes count too, all under invalidRouteGroup
    invalidRouteGroup: 'unmatched',
    overrides: { histogram: { buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] } },
  },
});`,
    }),
    ...each(V.metricLabels, {
      fix: 'Label by the route template (fastify-metrics does by default; a hand-made metric uses request.routeOptions.url), never request.url, which carries every id.',
      language: 'js',
      snippet: `routeMetrics: {
  overrides: { labels: { getRouteLabel: (request) => request.routeOptions.url ?? 'unmatched' } }, // '/orders/:id'
},`,
    }),
    ...each(
      V.alertRules,
      alertRulesFix(
        { requests: 'http_request_duration_seconds_count', errors: 'status_code=~"5.."', buckets: 'http_request_duration_seconds_bucket' },
        'fastify-metrics',
      ),
    ),
    ...each(V.requestLogs, {
      fix: "Turn on Fastify's built-in pino logger (JSON lines: incoming request with method and url, request completed with statusCode and responseTime, both with reqId), take the id from X-Request-Id and return it; a custom setErrorHandler must still call request.log.error(err).",
      language: 'js',
      snippet: `import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

const app = Fastify({
  logger: { redact: ['req.headers.authorization', 'req.headers.cookie'] },
  requestIdHeader: 'x-request-id', // Fastify 5 ignores the header unless named
  genReqId: () => randomUUID(), // when the caller sent none
});
app.addHook('onSend', async (request, reply) => {
  reply.header('X-Request-Id', request.id);
});`,
    }),
    ...each(V.logCredentials, {
      fix: "Fastify's default request serializer logs no headers; a custom serializers.req (or a hook that logs request.headers) must redact them: pino's redact paths in the logger options. Rotate what was logged.",
      language: 'js',
      snippet: `const app = Fastify({
  logger: { redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '***' } },
});`,
    }),
  },
});
