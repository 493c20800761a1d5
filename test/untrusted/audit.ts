// Runs one audit in-process against a hostile loopback target and collects everything it wrote:
// the terminal output (--verbose), the five report formats, the GitHub job summary and stderr.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

export interface AuditOutputs {
  code: number;
  wallMs: number;
  stdout: string;
  stderr: string;
  /** json, markdown, html, junit, terminal (a .txt file), summary (GITHUB_STEP_SUMMARY). */
  files: Record<'json' | 'markdown' | 'html' | 'junit' | 'terminal' | 'summary', string>;
  /** Every text above joined, for "appears nowhere" assertions. */
  all: string;
  dir: string;
}

const FILES = { json: 'r.json', markdown: 'r.md', html: 'r.html', junit: 'r.xml', terminal: 'r.txt' } as const;

export async function auditEverything(
  configYaml: string,
  env: Record<string, string> = {},
  extraArgs: string[] = [],
): Promise<AuditOutputs> {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-untrusted-'));
  const config = join(dir, 'preflight.yaml');
  writeFileSync(config, configYaml);
  const summary = join(dir, 'summary.md');
  const outputs = Object.values(FILES).flatMap((name) => ['--output', join(dir, name)]);
  const started = performance.now();
  const result = await runCli(['audit', '--config', config, '--verbose', '--no-progress', ...outputs, ...extraArgs], {
    env: { ...env, GITHUB_STEP_SUMMARY: summary },
    cwd: dir,
  });
  const wallMs = performance.now() - started;
  const read = (file: string): string => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '');
  const files = {
    json: read(FILES.json),
    markdown: read(FILES.markdown),
    html: read(FILES.html),
    junit: read(FILES.junit),
    terminal: read(FILES.terminal),
    summary: read('summary.md'),
  };
  return {
    code: result.code,
    wallMs,
    stdout: result.stdout,
    stderr: result.stderr,
    files,
    all: [result.stdout, result.stderr, ...Object.values(files)].join('\n'),
    dir,
  };
}
