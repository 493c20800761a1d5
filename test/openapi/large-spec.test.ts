// GitHub's REST description (13 MB, 1,223 operations; the @octokit/openapi dev dependency) through
// `preflight init`, in a child process: it must stay lean (it peaked at 700-790 MB when the document
// went through the YAML parser and was dereferenced twice). Not timed: init time is a bench figure.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMeasured } from '../helpers/spawn-cli.js';

const spec = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');

describe("init from GitHub's OpenAPI description", () => {
  it('writes every operation as an endpoint and peaks under 300 MB RSS', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'preflight-gh-')), 'github.yaml');
    const run = await runMeasured(['init', '--from-openapi', spec, '--output', out], {}, 240_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/1223 endpoint\(s\) from .*\(350 list, 562 write, 22 async, 289 read\)/);
    expect((readFileSync(out, 'utf8').match(/^ {2}- method: /gm) ?? []).length).toBe(1223);
    expect(run.maxRssMb).toBeGreaterThan(0);
    expect(run.maxRssMb).toBeLessThan(300);
  }, 250_000);
});
