// One fixed, hand-made report: every status, a waiver, hostile response bodies (markup, backticks,
// pipes, control characters, a CDATA end), latency samples, and notes. Every format test renders it.
import { gateOf, gradeOf, scoreItems, totalScore } from '../../src/scoring/score.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../../src/report/types.js';
import type { Exchange, Finding } from '../../src/types.js';
import type { CheckMeta } from '../../src/check-api/contract.js';

const BASE = 'http://127.0.0.1:8080';
let nextId = 1;

export function exchange(overrides: Partial<Exchange> = {}): Exchange {
  const method = overrides.method ?? 'GET';
  const url = overrides.url ?? `${BASE}/api/orders`;
  return {
    id: nextId++,
    method,
    url,
    requestHeaders: { authorization: '***', 'x-request-id': 'preflight-1' },
    status: 200,
    responseHeaders: { 'content-type': 'application/json' },
    responseBodyExcerpt: '{"data":[]}',
    responseBytes: 11,
    durationMs: 12,
    startedAt: '2026-01-15T09:00:00.000Z',
    curl: `curl -sS -i '${url}' -H 'Authorization: "\${API_TOKEN}"'`,
    ...overrides,
  };
}

function finding(f: Partial<Finding> & Pick<Finding, 'checkId' | 'item' | 'status' | 'message'>): Finding {
  const evidence = f.evidence ?? [];
  const endpoint = f.endpoint ?? 'GET /api/orders';
  // One probe per check and endpoint here: the key names it, the id names the outcome it had.
  return {
    id: `${f.checkId}/${f.status}`,
    key: `${f.checkId}/probe@${endpoint}`,
    severity: 'high',
    endpoint,
    evidence,
    ...(evidence[0] ? { reproduce: evidence[0].curl } : {}),
    ...f,
  };
}

const meta = (m: Pick<CheckMeta, 'id' | 'item' | 'severity' | 'title'> & Partial<CheckMeta>): CheckMeta => ({
  rationale: `Why ${m.id} matters: an unbounded list takes the database down at 3 am.`,
  remediation: `How to fix ${m.id}: cap it server-side.`,
  probes: 'a few GETs',
  writes: false,
  ...m,
});

export const CHECKS: CheckMeta[] = [
  meta({ id: 'list-limit-cap', item: 'list-caps', severity: 'critical', title: 'List endpoints cap the page size' }),
  meta({ id: 'error-leaks', item: 'error-hygiene', severity: 'high', title: 'Errors leak nothing' }),
  meta({ id: 'admin-surface', item: 'default-deny', severity: 'critical', title: 'No admin surface on the public host' }),
  meta({ id: 'request-id', item: 'request-id', severity: 'medium', title: 'Every response carries a request id' }),
  meta({ id: 'latency-percentiles', item: 'latency', severity: 'high', title: 'p95/p99 latency within thresholds', phase: 'measure' }),
  meta({ id: 'idempotency-replay', item: 'idempotency', severity: 'high', title: 'Replays have one effect', writes: true }),
];

const HOSTILE_BODY = [
  '<html><script>alert("x")</script><b>500</b> | pipe | ``` fence ``` ]]> &amp;',
  'error: invalid input syntax for type integer: "abc"',
  '    at OrdersRepository.list (/srv/orders-api/src/repositories/orders.js:41:23)',
  'bell:\u0007 nul:\u0000 esc:\u001b[31m',
].join('\n');

// Deterministic samples: a main hump between 20 and 80 ms and a slow tail near 450–500 ms.
const SAMPLES = Array.from({ length: 60 }, (_, i) => (i < 50 ? 20 + ((i * 37) % 60) : 200 + i * 5));

export const FINDINGS: Finding[] = [
  finding({
    checkId: 'list-limit-cap',
    item: 'list-caps',
    severity: 'critical',
    status: 'fail',
    message: 'GET /api/orders?limit=1000000 → 200 with 2503 items, over the cap of 100',
    evidence: [
      exchange({
        url: `${BASE}/api/orders?limit=1000000`,
        responseBytes: 250_000,
        responseBodyExcerpt: `{"data":[${'{"id":"ord_1"},'.repeat(130)}`,
        truncated: true,
      }),
    ],
  }),
  finding({
    checkId: 'list-limit-cap',
    item: 'list-caps',
    severity: 'critical',
    status: 'pass',
    endpoint: 'GET /api/users',
    message: 'GET /api/users?limit=1000000 → 200 with 100 items: capped',
    evidence: [exchange({ url: `${BASE}/api/users?limit=1000000` })],
  }),
  finding({
    checkId: 'error-leaks',
    item: 'error-hygiene',
    status: 'fail',
    message: 'GET /api/orders?limit=abc answered 500 with a stack trace and SQL | `pipe` *stars* <b>tag</b>',
    evidence: [
      exchange({
        url: `${BASE}/api/orders?limit=abc`,
        status: 500,
        responseHeaders: { 'content-type': 'text/html', server: 'nginx/1.18.0' },
        responseBodyExcerpt: HOSTILE_BODY,
        responseBytes: HOSTILE_BODY.length,
      }),
    ],
    remediation: 'Return {"error":{"code":"bad_request"}} with 400 and log the details server-side.',
  }),
  finding({
    checkId: 'error-leaks',
    item: 'error-hygiene',
    status: 'warn',
    endpoint: 'GET /api/orders/{id}',
    message: 'GET /api/orders/nope answered 404 as text/html instead of JSON',
    evidence: [exchange({ url: `${BASE}/api/orders/nope`, status: 404, responseBodyExcerpt: '<h1>Not Found</h1>' })],
  }),
  finding({
    checkId: 'admin-surface',
    item: 'default-deny',
    severity: 'critical',
    status: 'waived',
    endpoint: 'GET /metrics',
    message: 'GET /metrics answered 200 to an anonymous caller',
    evidence: [exchange({ url: `${BASE}/metrics`, responseBodyExcerpt: 'process_cpu_seconds_total 12.5' })],
    waiver: { reason: 'scraped from the VPC only; ticket OPS-42', expires: '2026-03-31' },
  }),
  finding({
    checkId: 'request-id',
    item: 'request-id',
    severity: 'medium',
    status: 'pass',
    message: 'GET /api/orders echoed the X-Request-Id it was sent',
    evidence: [exchange()],
  }),
  finding({
    checkId: 'request-id',
    item: 'request-id',
    severity: 'medium',
    status: 'error',
    endpoint: 'GET /api/slow',
    message: 'could not decide: GET /api/slow timed out after 5000 ms',
    evidence: [
      exchange({
        url: `${BASE}/api/slow`,
        status: undefined,
        responseHeaders: undefined,
        responseBodyExcerpt: undefined,
        responseBytes: undefined,
        durationMs: 5000,
        error: { code: 'timeout', message: 'no response within 5000 ms' },
      }),
    ],
  }),
  finding({
    checkId: 'latency-percentiles',
    item: 'latency',
    status: 'fail',
    message:
      'GET /api/orders: p50 55 ms, p95 480 ms, p99 495 ms, max 495 ms over 60 requests one at a time; p95 is over thresholds.p95Ms (300 ms)',
    evidence: [exchange({ durationMs: 495 })],
    data: {
      latency: { samplesMs: SAMPLES, count: 60, p50: 55, p95: 480, p99: 495, max: 495, measured: 'time to last byte', concurrency: 1 },
    },
  }),
  finding({
    checkId: 'idempotency-replay',
    item: 'idempotency',
    status: 'skip',
    endpoint: 'POST /api/orders',
    message: 'sends state-changing requests; runs only with allowWrites: true in the config or --allow-writes',
  }),
];

/** The fixture report, or one like it with other findings (scored by the real scoring code). */
export function fixtureReport(overrides: Partial<Report> = {}, findings: Finding[] = FINDINGS): Report {
  const items = scoreItems(findings);
  const score = totalScore(items);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'api-preflight', version: '0.1.0' },
    target: { name: 'orders-api staging', baseUrl: BASE },
    startedAt: '2026-01-15T09:00:00.000Z',
    durationMs: 8421,
    requests: 312,
    score,
    grade: gradeOf(score),
    gate: gateOf(score, items, 80),
    items,
    checks: CHECKS,
    notes: ['waiver for latency on GET /api/reports expired on 2026-01-01; its failures count again (renew it or fix them)'],
    options: { allowWrites: false, only: [], skip: [] },
    ...overrides,
  };
}
