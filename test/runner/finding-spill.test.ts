// Issue 27: findings beyond a bounded window keep their message, evidence, remediation and data in a
// temporary file. Every reader must see the same finding: each report format renders the same bytes.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { types } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/demo/common.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import { allFindings } from '../../src/report/common.js';
import { runAudit } from '../../src/runner/run.js';
import { demoTarget } from '../helpers/demo.js';
import { jsonReportChunks } from '../../src/report/json-stream.js';
import { FORMATS, render } from '../../src/report/render.js';
import type { PrivateFile } from '../../src/http/private-file.js';
import { packageRoot } from '../../src/package-info.js';
import { FindingSpill } from '../../src/runner/finding-spill.js';
import { applyWaivers } from '../../src/scoring/score.js';
import type { Finding } from '../../src/types.js';
import { FINDINGS, fixtureReport } from '../report/fixture.js';

const options = { color: false, verbose: true, width: 120 };

describe('a finding with its bulk on disk', () => {
  it('renders every report format byte for byte as the in-memory finding does', async () => {
    const spill = new FindingSpill(0);
    const spilled = FINDINGS.map((finding) => spill.keep(finding));
    expect(spilled.every((finding) => types.isProxy(finding))).toBe(true);
    expect(spill.spilledCount).toBe(FINDINGS.length);
    for (const format of FORMATS) {
      expect(await render(fixtureReport({}, spilled), format, options), format).toBe(await render(fixtureReport(), format, options));
    }
    expect([...jsonReportChunks(fixtureReport({}, spilled))].join('')).toBe([...jsonReportChunks(fixtureReport())].join(''));
  });

  it('reads as the same object: keys in order, spread, `in`, and fields set later', () => {
    const spill = new FindingSpill(0);
    const original = FINDINGS.find((finding) => finding.evidence.length && finding.data)!;
    const finding = spill.keep(original);
    expect(Object.keys(finding)).toEqual(Object.keys(original));
    expect({ ...finding }).toEqual(original);
    expect('evidence' in finding && 'message' in finding).toBe(true);
    expect('reproduce' in finding).toBe('reproduce' in original);
    finding.stackRemediation = [{ stack: 'express', name: 'Express', fix: 'x' }];
    finding.message = 'changed';
    expect(finding.message).toBe('changed');
    expect(Object.keys(finding)).toEqual([...Object.keys(original), 'stackRemediation']);
    expect(JSON.parse(JSON.stringify(finding))).toEqual({ ...original, message: 'changed', stackRemediation: finding.stackRemediation });
  });

  it('keeps the first `window` findings as they are, and waivers copy a spilled one whole', () => {
    const spill = new FindingSpill(2);
    const kept = FINDINGS.map((finding) => spill.keep(finding));
    expect(kept.slice(0, 2)).toEqual(FINDINGS.slice(0, 2));
    expect(kept.slice(0, 2).some((finding) => types.isProxy(finding))).toBe(false);
    const failing = kept.findIndex((finding, i) => i >= 2 && finding.status === 'fail');
    const target = kept[failing]!;
    const waived = applyWaivers(
      kept,
      [{ check: target.checkId, endpoint: target.endpoint, reason: 'known', expires: '2999-01-01' }],
      new Date(),
    );
    const copy = waived.findings[failing]! as Finding;
    expect(copy.status).toBe('waived');
    expect(copy.evidence).toEqual(FINDINGS[failing]!.evidence);
    expect(copy.message).toBe(FINDINGS[failing]!.message);
  });

  it('writes them to a file only this user can read, which no path leads to', () => {
    const spill = new FindingSpill(0);
    spill.keep(FINDINGS[0]!);
    expect((spill as unknown as { file: PrivateFile }).file.mode).toBe(0o600);
  });

  it('leaves nothing on disk when the process is killed', () => {
    const prefix = `preflight-kill-test-${process.pid}`;
    const module = pathToFileURL(join(packageRoot(), 'dist', 'src', 'http', 'private-file.js')).href;
    // The child writes to a spill file and kills itself, so no exit handler and no close() runs.
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { PrivateFile } = await import(${JSON.stringify(module)}); const f = new PrivateFile(${JSON.stringify(prefix)}); f.append('x'.repeat(4096)); process.kill(process.pid, 'SIGKILL');`,
      ],
      { encoding: 'utf8' },
    );
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(prefix))).toEqual([]);
  });
});

describe('an audit whose findings all go to disk', () => {
  let fixed: RunningServer;
  beforeAll(async () => {
    fixed = await startFixedApi();
  });
  afterAll(async () => {
    await fixed?.close();
  });

  it('reports the same verdicts, and its JSON carries every finding whole', async () => {
    // Two items are enough findings (with evidence) to go to disk, and keep the test quick.
    const only = ['default-deny', 'request-id'];
    const inMemory = await runAudit(await demoTarget(fixed.url), { only });
    const onDisk = await runAudit(await demoTarget(fixed.url), { only, findingWindow: 0 });
    const verdicts = (report: typeof inMemory) => Object.fromEntries(allFindings(report).map((f) => [f.key, `${f.id} ${f.status}`]));
    expect(allFindings(onDisk).filter((finding) => types.isProxy(finding)).length).toBeGreaterThan(20);
    expect(verdicts(onDisk)).toEqual(verdicts(inMemory));
    const saved = JSON.parse([...jsonReportChunks(onDisk)].join('')) as typeof inMemory;
    for (const finding of allFindings(saved)) {
      expect(typeof finding.message, finding.key).toBe('string');
      expect(Array.isArray(finding.evidence), finding.key).toBe(true);
    }
    const withEvidence = (report: typeof inMemory) => allFindings(report).filter((f) => f.evidence.length).length;
    expect(withEvidence(saved)).toBe(withEvidence(inMemory));
  }, 60_000);
});
