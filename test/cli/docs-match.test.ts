// Issue 26 (8): the docs say what the tool does. Checked against the tool's own lists, not prose.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/report/render.js';
import { runCli } from '../helpers/cli.js';

const README = readFileSync('README.md', 'utf8');
const ACTION = readFileSync('action.yml', 'utf8');

describe('docs that match the tool', () => {
  it("the README's --format list names every format the CLI accepts", () => {
    const listed = /`--format ([a-z|]+)`/.exec(README)![1]!.split('|');
    expect(listed.sort()).toEqual([...FORMATS].sort());
  });

  it('nothing says SARIF is written "once the tool writes it": it does', () => {
    expect(`${README}\n${ACTION}`).not.toMatch(/once the tool writes/);
    expect(ACTION).toMatch(/\.sarif/);
  });

  it('-q says where the baseline verdict still goes', async () => {
    for (const command of ['audit', 'report']) {
      const help = (await runCli([command, '--help'])).stdout.replace(/\s+/g, ' ');
      expect(help, command).toMatch(/-q, --quiet .*still goes to stderr/);
    }
  });

  it('the README says how long npm test takes', () => {
    expect(README).toMatch(/^npm test .*\d+ minutes/m);
  });
});
