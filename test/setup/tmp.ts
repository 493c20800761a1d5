// Every temporary file of a test run goes into one folder made for the run and removed at its end: the
// suite's own (about 40 test files make temporary folders), those of the CLI processes and servers it
// starts, and npm's in the install test. A run used to leave a few hundred MB behind in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-tests-'));
  const previous = process.env.TMPDIR;
  // os.tmpdir() reads TMPDIR; the test workers and every process they start inherit it.
  process.env.TMPDIR = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
}
