// Which recorded answers count as a created record, and which URL cleanup may DELETE: never another
// origin, never a URL that holds a masked credential, and only a DELETE the API has.
import { describe, expect, it } from 'vitest';
import type { RecordedResponse } from '../../src/http/types.js';
import { findCreated } from '../../src/runner/created.js';
import { targetFor } from '../helpers/target.js';

const BASE = 'http://127.0.0.1:9/v1';
let nextId = 1;

function record(method: string, path: string, status: number, body: unknown, headers: Record<string, string> = {}): RecordedResponse {
  const url = `${BASE}${path}`;
  return {
    exchange: {
      id: nextId++,
      method,
      url,
      requestHeaders: {},
      status,
      responseHeaders: headers,
      durationMs: 1,
      startedAt: new Date(0).toISOString(),
      curl: `curl -X ${method} '${url}'`,
    },
    bodyText: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

const http = { authHeaders: { authorization: 'Bearer tok-5d7a1c9e3b2f' } };

describe('findCreated', () => {
  it('takes 201/202 with a same-origin Location, or an id in a 2xx JSON answer to POST, once each', async () => {
    const target = await targetFor(BASE, 'endpoints:\n  - { method: DELETE, path: "/notes/{id}", params: { id: x } }\n');
    const created = findCreated(
      [
        record('POST', '/items', 201, { id: 7 }, { location: '/v1/items/7' }),
        record('POST', '/items', 201, { id: 7 }, { location: '/v1/items/7' }),
        record('POST', '/notes', 200, { data: { id: 'n1' } }),
        record('POST', '/jobs', 202, 'accepted', { location: `${BASE}/jobs/j1` }),
        record('POST', '/search', 200, { results: [] }),
        record('GET', '/items', 200, { id: 1 }),
        record('POST', '/items', 400, { id: 'bad' }),
        record('POST', '/events', 201, { id: 'e1' }),
      ],
      target,
      http,
    );
    expect(created.map((r) => [r.request, r.id ?? null, r.delete?.url ?? null, r.delete?.from ?? null])).toEqual([
      [`POST ${BASE}/items`, '7', 'http://127.0.0.1:9/v1/items/7', 'location'],
      [`POST ${BASE}/notes`, 'n1', `${BASE}/notes/n1`, 'endpoint'],
      [`POST ${BASE}/jobs`, null, `${BASE}/jobs/j1`, 'location'],
      [`POST ${BASE}/events`, 'e1', null, null],
    ]);
    expect(created[0]!.delete!.curl).toContain("-X 'DELETE' 'http://127.0.0.1:9/v1/items/7'");
    // Written raw, as every created record is: buildReport is its redaction door (build-report.test.ts).
    expect(created[0]!.delete!.curl).toContain('tok-5d7a1c9e3b2f');
  });

  it('never uses a Location on another origin, nor one or an id that holds a masked credential', async () => {
    const target = await targetFor(BASE);
    const created = findCreated(
      [
        record('POST', '/a', 201, 'x', { location: 'http://evil.example/items/1' }),
        record('POST', '/b', 201, 'x', { location: '/v1/tokens/[Stripe live secret key, 32 chars, sk_l…]' }),
        record('POST', '/c', 200, { id: '[JWT, 140 chars, eyJh…]' }),
      ],
      target,
      http,
    );
    expect(created).toEqual([]);
  });
});
