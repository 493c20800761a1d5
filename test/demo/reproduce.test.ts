// Issue 26 (2): every finding's reproduce line is the request that shows the problem. Each line of
// the broken demo's report is run with bash and curl (the token variables set, as a user would) and
// must get the answer the finding's own evidence recorded, with the right identity's variable.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokenApi } from '../../src/demo/broken.js';
import { demoEnv, type RunningServer } from '../../src/demo/common.js';
import { allFindings } from '../../src/report/common.js';
import type { Report } from '../../src/report/types.js';
import type { Finding } from '../../src/types.js';
import { auditDemo } from '../helpers/demo.js';

const run = promisify(execFile);

/** The status line curl -i printed last (a 100 Continue comes first). */
function statusOf(output: string): number | undefined {
  const lines = [...output.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)];
  return lines.length ? Number(lines.at(-1)![1]) : undefined;
}

describe('reproduce lines of the broken demo', () => {
  let server: RunningServer;
  let report: Report;
  beforeAll(async () => {
    await run('curl', ['--version']).catch(() => {
      throw new Error('curl not found: this test runs every reproduce line with curl (.ci/run installs it when missing)');
    });
    server = await startBrokenApi({ slowMs: 20 });
    report = await auditDemo(server);
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  it("the other identity's findings carry its own request and token variable", () => {
    const crossUser = allFindings(report).filter((f) => ['cross-user/readLeaked', 'cross-user/writeAccepted'].includes(f.id));
    expect(crossUser.length).toBeGreaterThan(0);
    for (const finding of crossUser) {
      expect(finding.reproduce).toContain('${DEMO_OTHER_TOKEN}');
      expect(finding.reproduce).not.toContain('${DEMO_TOKEN}');
      const method = (finding.data as { method?: string }).method ?? 'GET';
      if (method !== 'GET') expect(finding.reproduce).toContain(`-X '${method}'`);
    }
  });

  it('evidence labels say what a request was, never the tool\'s own question ("is the target reachable?")', () => {
    const notes = new Set(allFindings(report).flatMap((f) => f.evidence.map((e) => e.note ?? '')));
    expect([...notes].filter((note) => note.includes('?'))).toEqual([]);
    expect(notes).toContain('existence probe, before the checks');
  });

  it('each line, run with the variables set, gets the answer its finding recorded', async () => {
    const env = { ...process.env, ...demoEnv(server.url) };
    const withLines = allFindings(report).filter((f): f is Finding & { reproduce: string } => Boolean(f.reproduce));
    expect(withLines.length).toBeGreaterThan(50);
    const mismatches: string[] = [];
    for (const finding of withLines) {
      const exchange = finding.evidence.find((e) => e.curl === finding.reproduce);
      if (!exchange) {
        mismatches.push(`${finding.key}: reproduce is none of its evidence`);
        continue;
      }
      const { stdout } = await run('bash', ['-c', `${finding.reproduce} --max-time 10`], { env, maxBuffer: 8 * 1024 * 1024 }).catch(
        (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
      );
      const got = statusOf(stdout);
      if (got !== exchange.status) mismatches.push(`${finding.key}: recorded ${exchange.status}, the line got ${got}`);
      // A generated body (10 MiB, 10,000 deep) is made again in the shell: the same number of bytes.
      const generated = /--data-binary @<\((.*)\)$/.exec(finding.reproduce)?.[1];
      if (generated) {
        const bytes = Number((await run('bash', ['-c', `(${generated}) | wc -c`], { env })).stdout.trim());
        if (bytes !== exchange.requestBodyBytes)
          mismatches.push(`${finding.key}: sent ${exchange.requestBodyBytes} bytes, the line ${bytes}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(withLines.filter((f) => f.reproduce.includes('@body.bin')).map((f) => f.key)).toEqual([]);
  }, 120_000);
});
