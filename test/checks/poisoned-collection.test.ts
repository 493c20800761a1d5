// Class 7 of issue 28: one malformed write that gets a 5xx can poison the collection (it was stored,
// and now every later write trips over it). Before: every later probe was blamed on its own input
// ("title: null → 500, title: 12345 → 500, …"). After: the configured valid body is sent again, and
// when it fails too the endpoint is reported broken once, naming the write that did it.
import { describe, expect, it } from 'vitest';
import malformedBody from '../../checks/malformed-body.js';
import { byVerdict } from '../helpers/check-tester.js';
import { sameEveryRun, verdictIds } from '../helpers/repeat.js';
import { json, startServer } from '../helpers/servers.js';

const config = `
endpoints:
  - { method: POST, path: /api/notes, kind: write, body: { title: hello, pages: 3 } }
allowWrites: true
limits: { requestsPerSecond: 1000, timeoutMs: 5000 }
`;

/** Stores whatever parses, then renders every stored title in upper case: a stored non-string title breaks every later write. */
const poisonable = () => {
  const notes: Array<{ title: unknown }> = [];
  return startServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    let note: { title?: unknown };
    try {
      note = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return json(res, 400, { error: 'invalid JSON' });
    }
    if (typeof note !== 'object' || note === null || Array.isArray(note)) return json(res, 400, { error: 'not an object' });
    notes.push({ title: note.title });
    json(res, 201, { count: notes.length, titles: notes.map((n) => (n.title as string).toUpperCase()) });
  });
};

/** The same app with the title checked before it is stored: a 5xx is the input's own, the collection stays whole. */
const unpoisonable = () =>
  startServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.includes('1e400')) return json(res, 500, { error: 'overflow' });
    json(res, text.startsWith('{"title":"') ? 201 : 400, {});
  });

describe('a collection poisoned by one malformed write', () => {
  it('is one brokeEndpoint finding naming the write, not a list of inputs blamed for it, the same in three audits', async () => {
    const findings = await sameEveryRun(malformedBody, poisonable, config);
    expect(verdictIds(findings)).toEqual(['brokeEndpoint']);
    const broke = byVerdict(findings, 'brokeEndpoint');
    expect(broke.status).toBe('fail');
    expect(broke.data).toMatchObject({ requests: ['POST /api/notes'], endpoint: 'POST /api/notes', status: '500', before: '201' });
    expect(broke.evidence[1]!.requestBodyExcerpt).toBe('{"title":null,"pages":3}');
  });

  it('a 5xx that leaves the valid body working is still judged as the input failing', async () => {
    const findings = await sameEveryRun(malformedBody, unpoisonable, config);
    expect(verdictIds(findings)).toEqual(['inputsFailed']);
    expect(byVerdict(findings, 'inputsFailed').data?.list).toMatch(/pages: 1e400 → 500/);
  });
});
