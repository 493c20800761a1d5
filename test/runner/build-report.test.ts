// buildReport in-process, no server: the report an interrupted run and a discovered spec produce,
// built once from what the caller knows (the CLI no longer edits a report after it is built).
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { LeakMaskingRedactor } from '../../src/http/leak-redactor.js';
import { type AuditRun, buildReport, type ReportInputs } from '../../src/runner/build-report.js';
import { CHECKLIST, type Target } from '../../src/types.js';
import { targetFor } from '../helpers/target.js';

const SECRET = 'tok-0123456789abcdef';
const validate = (() => {
  const ajv = new Ajv.default({ allErrors: true, strict: false, allowUnionTypes: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')) as object);
})();

async function inputsFor(change: Partial<Target> = {}, run?: AuditRun): Promise<ReportInputs> {
  const loaded = await targetFor('http://127.0.0.1:9', 'auth:\n  headers: { Authorization: "Bearer ${TOKEN}" }\n', { TOKEN: SECRET });
  const target = { ...loaded, name: `orders ${SECRET}`, ...change };
  const redactor = new LeakMaskingRedactor(target.secrets);
  return {
    target,
    redact: (text) => redactor.text(text),
    options: { only: ['latency'] },
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
    durationMs: 12,
    ...(run ? { run } : {}),
  };
}

const emptyRun = (): AuditRun => ({
  requests: 7,
  findings: [],
  checks: [],
  notes: [`rate limited while sending ${SECRET}`],
  facts: { probed: 2 },
  coverage: { endpoints: 2, answered: 2, absent: 0, notProbed: 0 },
  writeScope: { configured: 0, specOnly: 0, specWritable: 0, specWrites: false },
  created: [],
  stack: { source: 'detected', stacks: [] },
});

describe('buildReport', () => {
  it('stopped before any check ran: every item error, no score, the gate failed by the signal, secrets redacted', async () => {
    const report = buildReport({ ...(await inputsFor()), interrupted: 'SIGINT' });
    expect(report.interrupted).toBe('SIGINT');
    expect(report.items.map((item) => [item.id, item.status])).toEqual(CHECKLIST.map((item) => [item.id, 'error']));
    expect(report).toMatchObject({ requests: 0, score: null, grade: 'F', checks: [], durationMs: 12 });
    expect(report.startedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(report.gate.passed).toBe(false);
    expect(report.gate.reasons).toHaveLength(1);
    expect(report.gate.reasons[0]).toContain('SIGINT');
    expect(report.options).toEqual({ allowWrites: false, only: ['latency'], skip: [] });
    expect(report.notes).toHaveLength(1);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(report.target.name).toBe('orders ***');
    expect(Object.keys(report).at(-1)).toBe('interrupted');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('an audit stopped part-way: the signal comes first among the gate reasons the findings give', async () => {
    const inputs = await inputsFor({}, emptyRun());
    const whole = buildReport(inputs);
    const partial = buildReport({ ...inputs, interrupted: 'SIGTERM' });
    expect(whole.interrupted).toBeUndefined();
    expect(whole.gate.reasons.length).toBeGreaterThan(0);
    expect(partial.gate.reasons.slice(1)).toEqual(whole.gate.reasons);
    expect(partial.gate.reasons[0]).toContain('SIGTERM');
    expect(partial.gate.passed).toBe(false);
    expect({ ...partial, interrupted: undefined, gate: whole.gate }).toEqual({ ...whole, interrupted: undefined });
    expect(partial).toMatchObject({ requests: 7, coverage: { endpoints: 2, answered: 2 } });
    expect(validate(partial), JSON.stringify(validate.errors)).toBe(true);
  });

  it('a discovered (and converted) spec: the report says where it came from, after the run notes, redacted once', async () => {
    const run = emptyRun();
    const spec = { source: 'openapi.json', title: 't', version: '1', openapi: '3.0.3', convertedFrom: 'Swagger 2.0' };
    const discovered = { url: `http://127.0.0.1:9/${SECRET}/openapi.json`, public: true };
    const report = buildReport({ ...(await inputsFor({ spec, discovered }, run)), interrupted: 'SIGINT' });
    expect(report.discovered).toEqual({ url: 'http://127.0.0.1:9/***/openapi.json', public: true });
    expect(report.notes).toHaveLength(3);
    expect(report.notes[0]).toBe('rate limited while sending ***');
    expect(report.notes[1]).toContain('Swagger 2.0');
    expect(report.notes[2]).toContain('http://127.0.0.1:9/***/openapi.json');
    expect(JSON.stringify(report)).not.toContain(SECRET);
    // The inputs are not edited: the run's own notes are as collected.
    expect(run.notes).toEqual([`rate limited while sending ${SECRET}`]);
    expect(Object.keys(report).slice(-2)).toEqual(['interrupted', 'discovered']);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the door for run-level text: notes, gate reasons and every string of a created record pass the redactor once', async () => {
    const inputs = await inputsFor();
    // Marks each pass, so a string redacted twice (or not at all) shows.
    const once = { ...inputs, redact: (text: string) => `<${inputs.redact(text)}>` };
    const record = {
      request: `POST http://127.0.0.1:9/api/keys?k=${SECRET}`,
      status: 201,
      exchangeId: 3,
      curl: `curl -X 'POST' -H 'Authorization: Bearer ${SECRET}'`,
      id: SECRET,
      delete: {
        url: `http://127.0.0.1:9/api/keys/${SECRET}`,
        curl: `curl -X 'DELETE' 'http://127.0.0.1:9/api/keys/${SECRET}'`,
        from: 'endpoint' as const,
      },
      cleanup: {
        deleted: false,
        message: `not deleted: DELETE answered 403 (${SECRET} is not yours)`,
        status: 403,
        reason: `${SECRET} is not yours`,
      },
    };
    const run: AuditRun = {
      ...emptyRun(),
      facts: { probed: 2, targetDown: `the target stopped answering after GET /${SECRET}` },
      created: [record],
    };
    const report = buildReport({ ...once, run });
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(report.notes).toEqual(['<rate limited while sending ***>']);
    expect(report.gate.reasons).toContain('<the target stopped answering after GET /***>');
    expect(report.created).toEqual([
      {
        request: '<POST http://127.0.0.1:9/api/keys?k=***>',
        status: 201,
        exchangeId: 3,
        curl: "<curl -X 'POST' -H 'Authorization: ***'>",
        id: '<***>',
        delete: {
          url: '<http://127.0.0.1:9/api/keys/***>',
          curl: "<curl -X 'DELETE' 'http://127.0.0.1:9/api/keys/***'>",
          from: '<endpoint>',
        },
        cleanup: {
          deleted: false,
          message: '<not deleted: DELETE answered 403 (*** is not yours)>',
          status: 403,
          reason: '<*** is not yours>',
        },
      },
    ]);
    // The run's own record is not edited: cleanup used (and a later report may use) the real id.
    expect(run.created[0]!.id).toBe(SECRET);
  });

  it('stopped before any check with a discovered spec: the discovery is still reported', async () => {
    const discovered = { url: 'http://127.0.0.1:9/openapi.json', public: false };
    const report = buildReport({ ...(await inputsFor({ discovered })), interrupted: 'SIGINT' });
    expect(report.discovered).toEqual(discovered);
    expect(report.notes).toHaveLength(2);
    expect(report.notes[1]).toContain('needed the configured credentials');
  });
});
