// A small, well-built Fastify API with bodyLimit, used by the determinism test and the flap bench:
// an auth hook, capped cursor pages, schema validation, one error shape and idempotent writes.
import Fastify from 'fastify';

/** A small, well-built Fastify API: auth hook, capped cursor pages, bodyLimit, idempotent writes. */
export async function startFastifyApi(): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ bodyLimit: 64 * 1024 });
  const items = Array.from({ length: 30 }, (_, i) => ({ id: `it_${i + 1}`, owner: 'alice', name: `item ${i + 1}` }));
  const seen = new Map<string, { body: string; item: (typeof items)[number] }>();
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', (request.headers['x-request-id'] as string | undefined) ?? request.id);
    if (request.url === '/health') return;
    if (request.headers.authorization !== 'Bearer fastify-token')
      return reply.code(401).send({ error: { code: 'unauthorized', message: 'missing or bad token' } });
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    void reply
      .code(status)
      .send({ error: { code: status === 500 ? 'internal' : 'bad_request', message: status === 500 ? 'internal error' : error.message } });
  });
  app.setNotFoundHandler((_request, reply) => void reply.code(404).send({ error: { code: 'not_found', message: 'no such route' } }));
  app.get('/health', async () => ({ ok: true }));
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/items',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 100 }, cursor: { type: 'string', pattern: '^[0-9]+$' } },
        },
      },
    },
    async (request) => {
      const limit = Number(request.query.limit ?? 10);
      const start = Number(request.query.cursor ?? 0);
      const page = items.slice(start, start + limit);
      return { data: page, next_cursor: start + limit < items.length ? String(start + limit) : null };
    },
  );
  app.get<{ Params: { id: string } }>(
    '/items/:id',
    async (request, reply) =>
      items.find((i) => i.id === request.params.id) ?? reply.code(404).send({ error: { code: 'not_found', message: 'no such item' } }),
  );
  app.post<{ Body: { name: string } }>(
    '/items',
    {
      schema: {
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', maxLength: 200 } } },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'] as string | undefined;
      const body = JSON.stringify(request.body);
      const earlier = key ? seen.get(key) : undefined;
      if (earlier && earlier.body !== body)
        return reply.code(422).send({ error: { code: 'idempotency_mismatch', message: 'key reused with another body' } });
      if (earlier) return reply.code(201).header('idempotent-replayed', 'true').send(earlier.item);
      const item = { id: `it_${items.length + 1}`, owner: 'alice', name: request.body.name };
      items.push(item);
      if (key) seen.set(key, { body, item });
      return reply.code(201).send(item);
    },
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

/** The config that audits it (the token is the app's own, for loopback tests only). */
export const FASTIFY_CONFIG = `
auth:
  headers: { Authorization: "Bearer fastify-token" }
publicPaths: [/health]
health: /health
allowWrites: true
idempotency: { verify: GET /items }
limits: { requestsPerSecond: 500 }
endpoints:
  - { path: /items, kind: list, pagination: { limitParam: limit, cursorParam: cursor, cursorField: next_cursor, dataField: data, maxLimit: 100 } }
  - { path: "/items/{id}", params: { id: it_1 } }
  - { method: POST, path: /items, kind: write, body: { name: widget } }
`;
