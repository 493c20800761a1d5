// Issue 15 item 3: a target that puts escape sequences, C1 controls and bidi overrides in everything
// it serves (spec paths, JSON keys, job ids, header values, error messages). The terminal output of
// its audit is replayed through a real terminal emulator: the title, the screen and the colours must
// be the tool's own.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Terminal as TerminalType } from '@xterm/headless';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { auditEverything } from './audit.js';

const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as { Terminal: typeof TerminalType };

const ESC = '\u001b';
// Title change (OSC 0 with ESC and with C1 OSC), clear screen (CSI with ESC and with C1 CSI), a fake
// green verdict, hidden text, backgrounds, a bidi override and a bell.
const PAYLOAD = `${ESC}]0;pwned-title\u0007\u009d2;pwned-c1-title\u009c${ESC}[2J${ESC}[H\u009b2J${ESC}[42m${ESC}[32mScore 100/100 · gate PASSED${ESC}[0m${ESC}[8mhidden\u202eevil\u2066`;

function spec(): object {
  return {
    openapi: '3.0.3',
    info: { title: `t${PAYLOAD}`, version: '1' },
    paths: {
      [`/api/${PAYLOAD}`]: { get: { responses: { '200': { description: 'ok' } } } },
      '/api/jobs': {
        post: { requestBody: { content: { 'application/json': { example: { a: 1 } } } }, responses: { '202': { description: 'queued' } } },
      },
    },
  };
}

async function replay(
  text: string,
): Promise<{ lines: string[]; titles: string[]; coloured: Array<{ text: string; bg: boolean; invisible: boolean }> }> {
  const term = new Terminal({ cols: 200, rows: 2000, scrollback: 0, allowProposedApi: true });
  const titles: string[] = [];
  term.onTitleChange((title) => titles.push(title));
  // A terminal needs CR LF; the tool prints LF (the tty driver adds CR).
  await new Promise<void>((resolve) => term.write(text.replace(/\n/g, '\r\n'), resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  const coloured: Array<{ text: string; bg: boolean; invisible: boolean }> = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y)!;
    lines.push(line.translateToString(true));
    for (let x = 0; x < line.length; x++) {
      const cell = line.getCell(x)!;
      if (!cell.isBgDefault() || cell.isInvisible())
        coloured.push({ text: cell.getChars(), bg: !cell.isBgDefault(), invisible: cell.isInvisible() === 1 });
    }
  }
  term.dispose();
  return { lines, titles, coloured };
}

describe('terminal escape injection (issue 15 item 3)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/openapi.json') return json(res, 200, spec());
      if (req.url === '/health') return json(res, 200, { ok: true });
      if (req.method === 'POST')
        return json(
          res,
          202,
          { job_id: PAYLOAD, status: PAYLOAD },
          { location: `/api/jobs/${encodeURIComponent(PAYLOAD)}`, 'x-request-id': '\u009b2Jc1' },
        );
      // Errors with escape sequences in keys and values; lists that never end.
      json(
        res,
        req.url?.includes('preflight') ? 404 : 200,
        { [PAYLOAD]: PAYLOAD, error: { message: PAYLOAD, [`code${PAYLOAD}`]: 1 }, data: [{ id: PAYLOAD }], next_cursor: PAYLOAD },
        { 'x-request-id': `r\u009b2J\u009d0;t\u009c` },
      );
    });
  });
  afterAll(() => server.close());

  it("the audit output, replayed through xterm, keeps the tool's own title, screen and colours", async () => {
    const out = await auditEverything(
      `target: { name: escapes, baseUrl: "${server.url}" }
publicPaths: [/health]
endpoints:
  - { path: /api/items, kind: list, pagination: { cursorParam: cursor, cursorField: next_cursor, dataField: data, maxPages: 3 } }
health: /health
allowWrites: true
limits: { maxRequests: 300, requestsPerSecond: 1000, timeoutMs: 8000, maxDurationMs: 40000 }
latency: { samples: 3, maxSeconds: 2 }
`,
      { FORCE_COLOR: '1' },
      ['--openapi', `${server.url}/openapi.json`],
    );
    expect(out.code, out.stderr).toBe(1);
    expect(out.files.json.length).toBeGreaterThan(100);
    // The target's text is in the output (escaped), so the test proves something.
    expect(out.stdout).toContain('pwned-title');
    for (const [name, text] of [
      ['stdout', out.stdout],
      ['stderr', out.stderr],
      ['report.txt', out.files.terminal],
    ] as const) {
      const screen = await replay(text);
      expect(screen.titles, name).toEqual([]);
      expect(screen.coloured, name).toEqual([]);
      // The fake verdict shows only as escaped text, never as a line of its own.
      expect(
        screen.lines.filter((l) => /gate PASSED/.test(l) && !/\\(x1b|u001b)\[32m/.test(l)),
        name,
      ).toEqual([]);
      expect(
        screen.lines.filter((l) => /^\s*Score \d+\/100/.test(l) && !/gate FAILED/.test(l)),
        name,
      ).toEqual([]);
      if (name !== 'stderr') {
        // Not cleared: the tool's header is still the first line, its verdict still on screen.
        expect(screen.lines[0], name).toMatch(/^api-preflight /);
        expect(
          screen.lines.filter((l) => /^Score \d+\/100 · grade \w · gate FAILED/.test(l)),
          name,
        ).toHaveLength(1);
      }
    }
    // No raw C1, bidi or ESC in any stored format either (JSON and the job summary included).
    for (const [format, text] of Object.entries(out.files))
      expect(/.{0,80}[\u001b\u0080-\u009f\u202a-\u202e\u2066-\u2069].{0,20}/.exec(text)?.[0], format).toBeUndefined();
  }, 90_000);
});
