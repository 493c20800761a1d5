// Class 1 of issue 28: an endpoint configured with a text body (Prometheus exposition text, CSV,
// iCalendar) gets size and malformed probes in its own format, never JSON under a text Content-Type.
// Before: the push server's 400 to JSON ("invalid metric name") read as "10 MiB body refused", while
// 10 MiB of real metrics lines were accepted.
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bodySizeCaps from '../../checks/body-size-caps.js';
import { grownTextBody, bodyFormat } from '../../checks/lib/body-format.js';
import malformedBody from '../../checks/malformed-body.js';
import type { Endpoint } from '../../src/types.js';
import { byVerdict } from '../helpers/check-tester.js';
import { sameEveryRun, verdictIds } from '../helpers/repeat.js';
import { startServer, type TestServer } from '../helpers/servers.js';

const config = `
endpoints:
  - method: POST
    path: /metrics/job/preflight
    kind: write
    headers: { Content-Type: "text/plain; version=0.0.4" }
    body: "preflight_requests_total{route=\\"/a\\"} 12\\n"
allowWrites: true
limits: { requestsPerSecond: 1000, timeoutMs: 10000 }
thresholds: { slowMs: 5000 }
`;

const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.e+]+( \d+)?$/;

async function linesOf(req: IncomingMessage, cap: number): Promise<{ bad: boolean; bytes: number; over: boolean; first: string }> {
  let rest = '';
  let bytes = 0;
  let bad = false;
  let first = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (!first) first = chunk.subarray(0, 1).toString('latin1');
    if (bytes > cap) continue;
    const lines = (rest + chunk.toString('latin1')).split('\n');
    rest = lines.pop() ?? '';
    bad ||= lines.some((line) => line !== '' && !line.startsWith('#') && !SAMPLE.test(line));
  }
  bad ||= rest !== '' && !SAMPLE.test(rest);
  return { bad, bytes, over: bytes > cap, first };
}

/** A Pushgateway-like push endpoint: Prometheus text lines only; anything else is 400 "invalid metric name". */
function pushServer(cap: number, stored: number[], firstBytes: string[]): Promise<TestServer> {
  return startServer(async (req, res) => {
    const { bad, bytes, over, first } = await linesOf(req, cap);
    firstBytes.push(first);
    if (over) return void res.writeHead(413).end('body too large');
    if (bad) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('text format parsing error: invalid metric name');
    stored.push(bytes);
    res.writeHead(200).end();
  });
}

describe('text-bodied write endpoints (a Prometheus-text push endpoint)', () => {
  const stored: number[] = [];
  const firstBytes: string[] = [];
  let uncapped: TestServer;
  beforeAll(async () => (uncapped = await pushServer(Number.POSITIVE_INFINITY, stored, firstBytes)));
  afterAll(() => uncapped.close());

  it('without a cap, 10 MiB of metrics lines are accepted: a fail, the same in three audits, and no JSON is ever sent', async () => {
    const findings = await sameEveryRun(bodySizeCaps, uncapped, config);
    expect(verdictIds(findings)).toEqual(['accepted']);
    expect(byVerdict(findings, 'accepted').key).toBe('body-size-caps/cap@POST /metrics/job/preflight#size');
    expect(byVerdict(findings, 'accepted').data?.sent).toMatch(
      /^a 10 MiB text\/plain body \(the configured text\/plain body repeated [\d,]+ times\)$/,
    );
    expect(Math.max(...stored)).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    expect(firstBytes.filter((byte) => byte === '{' || byte === '[')).toEqual([]);
  });

  it('with a cap, the 413 passes', async () => {
    const capped = await pushServer(1024 * 1024, [], []);
    try {
      expect(verdictIds(await sameEveryRun(bodySizeCaps, capped, config))).toEqual(['refused']);
    } finally {
      await capped.close();
    }
  });

  it('a 400 is no size refusal when the configured valid body gets a 400 too: undecided', async () => {
    const refusesAll = await startServer(async (req, res) => {
      for await (const _ of req as AsyncIterable<Buffer>);
      res.writeHead(400).end('invalid metric name');
    });
    try {
      const findings = await sameEveryRun(bodySizeCaps, refusesAll, config);
      expect(verdictIds(findings)).toEqual(['validBodyRefusedToo']);
      expect(byVerdict(findings, 'validBodyRefusedToo').status).toBe('error');
    } finally {
      await refusesAll.close();
    }
  });

  it('malformed-body sends malformed metrics text, not JSON, and a parser that answers 400 passes', async () => {
    firstBytes.length = 0;
    const findings = await sameEveryRun(malformedBody, uncapped, config);
    expect(verdictIds(findings)).toEqual(['inputsHandled']);
    expect(byVerdict(findings, 'inputsHandled').data?.answers).toMatch(/400×\d/);
    expect(firstBytes.filter((byte) => byte === '{' || byte === '[')).toEqual([]);
  });
});

describe('the body grower keeps a format whole', () => {
  const endpoint = (contentType: string, body: string): Endpoint =>
    ({ headers: { 'Content-Type': contentType }, body }) as unknown as Endpoint;
  const text = async (grown: ReturnType<typeof grownTextBody>): Promise<string> => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of grown.body.stream()) chunks.push(chunk);
    return Buffer.concat(chunks).toString();
  };

  it('CSV keeps its header once and repeats the records', async () => {
    const grown = grownTextBody(bodyFormat(endpoint('text/csv', 'sku,qty\nA1,1\n')), 60);
    const csv = await text(grown);
    expect(csv.startsWith('sku,qty\nA1,1\nA1,1\n')).toBe(true);
    expect(csv.match(/sku,qty/g)).toHaveLength(1);
    expect(grown.body.bytes).toBe(Buffer.byteLength(csv));
  });

  it('iCalendar keeps its VCALENDAR frame and repeats the events', async () => {
    const ics = 'BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n';
    const grown = await text(grownTextBody(bodyFormat(endpoint('text/calendar', ics)), 400));
    expect(grown.match(/BEGIN:VCALENDAR/g)).toHaveLength(1);
    expect(grown.match(/BEGIN:VEVENT/g)!.length).toBeGreaterThan(3);
    expect(grown.endsWith('END:VEVENT\nEND:VCALENDAR\n')).toBe(true);
  });
});
