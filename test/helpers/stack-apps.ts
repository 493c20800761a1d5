// Real framework apps for the stack-pack tests: a naive app from test/fixtures/stack-apps, started as
// its own process on 127.0.0.1 (port 0; it prints "LISTENING <port>"), optionally with a pack's
// snippet put where its "STACK-FIX" marker line is. Node apps run with this Node; Python apps with
// Debian's /usr/bin/python3, where python3-fastapi, -uvicorn, -flask, -django and
// -djangorestframework are installed (.ci/run installs them when missing).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { runAudit } from '../../src/runner/run.js';
import { loadStacks } from '../../src/stack/registry.js';
import type { Finding, Target } from '../../src/types.js';
import { targetFor } from './target.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'stack-apps');
export const SYSTEM_PYTHON = '/usr/bin/python3';
const START_TIMEOUT_MS = 20_000;

export interface RunningApp {
  baseUrl: string;
  /** The source the process runs (the fixture, or the fixture with the snippet in place). */
  source: string;
  stop(): Promise<void>;
}

/**
 * The fixture's text with `snippet` in place of its marker, indented like the marker: the one line
 * `// STACK-FIX` (or `# STACK-FIX`) where a middleware or setting goes, or, for a named fix, the block
 * from `// STACK-FIX:name start` to `// STACK-FIX:name end` (the naive code the fix replaces).
 */
export function withSnippet(source: string, snippet: string, name?: string): string {
  const lines = source.split('\n');
  const find = (suffix: string): number[] =>
    lines.flatMap((line, index) => (line.trim().replace(/^(\/\/|#) /, '') === `STACK-FIX${suffix}` ? [index] : []));
  const [start, end] = name ? [find(`:${name} start`), find(`:${name} end`)] : [find(''), find('')];
  if (start.length !== 1 || end.length !== 1 || end[0]! < start[0]!)
    throw new Error(`the app must have exactly one STACK-FIX${name ? `:${name} start/end block` : ' marker line'}`);
  const indent = /^\s*/.exec(lines[start[0]!]!)![0];
  lines.splice(start[0]!, end[0]! - start[0]! + 1, ...snippet.split('\n').map((line) => (line ? indent + line : line)));
  return lines.join('\n');
}

/**
 * Starts the fixture app (with the snippet applied to a copy when given) and waits until it listens;
 * with stdoutFile, what it prints after that is appended there (its log stream, as a container's logs).
 */
export async function startApp(fixture: string, snippet?: string, marker?: string, stdoutFile?: string): Promise<RunningApp> {
  const original = readFileSync(join(FIXTURES, fixture), 'utf8');
  const source = snippet === undefined ? original : withSnippet(original, snippet, marker);
  // Inside the repository, so a Node app resolves express, fastify, … from its node_modules.
  const cache = join(ROOT, 'node_modules', '.cache', 'stack-apps');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'app-'));
  const file = join(dir, fixture);
  writeFileSync(file, source);
  const python = fixture.endsWith('.py');
  const child = spawn(python ? SYSTEM_PYTHON : process.execPath, [file], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'development', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cleanup = async (): Promise<void> => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await listeningPort(child);
    if (stdoutFile) {
      appendFileSync(stdoutFile, '');
      child.stdout?.on('data', (chunk: Buffer) => appendFileSync(stdoutFile, chunk));
    }
    return { baseUrl: `http://127.0.0.1:${port}`, source, stop: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => done(new Error(`the app did not listen within ${START_TIMEOUT_MS} ms: ${err.slice(-2000)}`)),
      START_TIMEOUT_MS,
    );
    const done = (error: Error | undefined, port?: number): void => {
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      child.removeAllListeners('exit');
      if (error) reject(error);
      else resolve(port!);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\d+)/.exec(out);
      if (match) done(undefined, Number(match[1]));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-8000);
    });
    child.on('exit', (code) => done(new Error(`the app exited (${code}) before listening: ${err.slice(-2000)}`)));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface ProvenFix {
  /** The pack under test (stacks/<stack>.ts). */
  stack: string;
  /** The naive app in test/fixtures/stack-apps. */
  app: string;
  /** The check audited (--only), so the test stays fast; with another whose answers show the stack when this one's may not. */
  check: string | string[];
  /** Extra config under target: (endpoints etc.). */
  config?: string;
  /** Adds what the config cannot know before the app listens (its own /metrics URL). */
  target?: (target: Target) => Target;
  /** Where the apps' stdout (their logs) goes, for observability.logs.file in the config. */
  stdoutFile?: string;
  /** The fixture's named STACK-FIX block the snippet replaces (default: its one STACK-FIX line). */
  marker?: string;
  /** Verdicts the naive app gets (status fail) and the fixed copy does not. */
  fails: string[];
  /** Verdicts the fixed copy gets (status pass). */
  passes: string[];
}

const DEFAULT_CONFIG = 'endpoints:\n  - { method: GET, path: /api/orders }\npublicPaths: [/api/orders]\n';

/**
 * The pack's fix is proven on the real framework: the naive app is recognised as this stack and
 * fails the verdicts; the snippet the report shows under the finding, put at the app's marker in a
 * copy, makes the same audit pass them.
 */
export function describeProvenFix(spec: ProvenFix): void {
  describe(`stack pack ${spec.stack} on a real ${spec.app} app: ${spec.check}`, () => {
    let naive: RunningApp | undefined;
    let fixed: RunningApp | undefined;
    let before: Report;
    let after: Report;
    let snippet: string;

    beforeAll(async () => {
      naive = await startApp(spec.app, undefined, undefined, spec.stdoutFile);
      before = await audit(naive.baseUrl, spec);
      const finding = findingsOf(before).find((f) => f.id === spec.fails[0]);
      snippet = finding?.stackRemediation?.find((fix) => fix.stack === spec.stack)?.snippet ?? '';
      if (!snippet)
        throw new Error(`the naive app's report has no ${spec.stack} fix for ${spec.fails[0]} (stack: ${JSON.stringify(before.stack)})`);
      fixed = await startApp(spec.app, snippet, spec.marker, spec.stdoutFile);
      after = await audit(fixed.baseUrl, spec);
    }, 90_000);
    afterAll(async () => {
      await Promise.all([naive?.stop(), fixed?.stop()]);
    });

    it('recognises the stack from the answers, with the evidence', () => {
      expect(before.stack?.source).toBe('detected');
      expect(before.stack?.stacks.map((s) => s.id)).toEqual([spec.stack]);
      expect(before.stack?.stacks[0]?.evidence.length).toBeGreaterThan(0);
      expect(after.stack?.stacks.map((s) => s.id)).toEqual([spec.stack]);
    });

    it("fails the naive app, and each finding carries the pack's fix", async () => {
      const pack = (await loadStacks()).find((p) => p.id === spec.stack)!;
      for (const id of spec.fails) {
        const finding = findingsOf(before).find((f) => f.id === id);
        expect(finding?.status, id).toBe('fail');
        expect(finding?.stackRemediation).toEqual([{ stack: spec.stack, name: pack.name, ...pack.fixes[id] }]);
      }
      expect(snippet.length).toBeGreaterThan(0);
    });

    it("passes once the report's snippet is applied to a copy of the app", () => {
      const trimmed = (text: string): string =>
        text
          .split('\n')
          .map((line) => line.trim())
          .join('\n');
      expect(trimmed(fixed?.source ?? '')).toContain(trimmed(snippet));
      const ids = findingsOf(after).map((f) => `${f.id}:${f.status}`);
      for (const id of spec.fails) expect(ids.filter((i) => i.startsWith(`${id}:`))).toEqual([]);
      for (const id of spec.passes) expect(ids).toContain(`${id}:pass`);
    });
  });
}

async function audit(baseUrl: string, spec: ProvenFix): Promise<Report> {
  const loaded = await targetFor(baseUrl, spec.config ?? DEFAULT_CONFIG);
  const target = spec.target ? spec.target(loaded) : loaded;
  return runAudit(target, { only: typeof spec.check === 'string' ? [spec.check] : spec.check });
}

function findingsOf(report: Report): Finding[] {
  return report.items.flatMap((item) => item.findings);
}
