// Issue 21 item 4: report files the tool reads back (report merge, report, --baseline) are untrusted.
// A tampered file is a clear line (merge: a row of its own; elsewhere exit 2 naming the file), never
// exit 3 or a crash, and no text in one reaches the terminal as a control sequence.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { fixtureReport } from '../report/fixture.js';

// Window title, clear screen, bell; C1 CSI too.
const ESCAPES = '\u001b]0;pwned\u0007\u001b[2J\u001b[H\u009b31m';
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('report files are untrusted input (issue 21 item 4)', () => {
  let dir: string;
  let server: TestServer;
  const file = (name: string, content: unknown): string => {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    return name;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-report-inputs-'));
    server = await startServer((_req, res) => json(res, 200, { ok: true }));
    const good = fixtureReport();
    file('good.json', good);
    const hostile = JSON.parse(JSON.stringify(good));
    hostile.target.name = `svc${ESCAPES}`;
    for (const item of hostile.items) for (const f of item.findings) f.message = `boom${ESCAPES}`;
    file('escapes.json', hostile);
    const v1 = JSON.parse(JSON.stringify(good));
    v1.schemaVersion = 1;
    v1.items[0].findings = [null];
    file('v1-null.json', v1);
    // 200,000 levels of nesting inside a finding's data.
    const deep = JSON.stringify(good).replace('"data":{', `"data":{"x":${'['.repeat(200_000)}${']'.repeat(200_000)},`);
    file('deep.json', deep);
  });
  afterAll(() => server.close());

  it('merge: each bad file is a row "could not read …", the others are merged; no control character reaches the terminal', async () => {
    const result = await runCli(['report', 'merge', 'good.json', 'v1-null.json', 'deep.json', 'escapes.json'], { cwd: dir });
    expect([0, 1], result.stderr).toContain(result.code);
    expect(result.stdout).toMatch(/could not read v1-null\.json: /);
    expect(result.stdout).toMatch(/could not read deep\.json: .*nested/);
    expect(result.stdout).toContain('svc\\x1b]0;pwned\\x07');
    expect(result.stdout).not.toMatch(CONTROL);
    expect(result.stdout.match(/^\S.*\s+\d+\s+[A-F]\s/gm)?.length).toBe(2);
  });

  it.each([
    ['v1-null.json', /v1-null\.json: not a valid preflight report: .*items\/0\/findings\/0/],
    ['deep.json', /deep\.json: .*nested more than \d+ levels/],
  ])('report %s: exit 2 with the file and the problem', async (name, problem) => {
    const result = await runCli(['report', name], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(problem);
  });

  it.each(['v1-null.json', 'deep.json'])('audit --baseline %s: exit 2 before any probe', async (name) => {
    const config = file('p.yaml', `target: { baseUrl: "${server.url}" }\nendpoints: [{ path: /x }]\ndiscover: false\n`);
    const before = server.requests.length;
    const result = await runCli(['audit', '--config', config, '--baseline', name], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(name);
    expect(server.requests.length).toBe(before);
  });
});
