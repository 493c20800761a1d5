// Issue 27: the audit asks V8 for a small heap after start (src/runner/heap-policy.ts). Node warns that
// a flag set after start may do nothing; this holds that these two still do, on the Node in use: the
// same churn of ~10 MB live objects, once as V8 sizes it by default and once after the policy, each
// in a process of its own (the flags are per process). Not timed.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const helper = fileURLToPath(new URL('../helpers/heap-growth.mjs', import.meta.url));
const largestHeap = (...args: string[]): { youngMb: number; oldMb: number } =>
  JSON.parse(execFileSync(process.execPath, [helper, ...args], { encoding: 'utf8', timeout: 60_000 })) as {
    youngMb: number;
    oldMb: number;
  };

describe('the audit heap policy', () => {
  it('keeps the young generation at its first size and old space near what is live', () => {
    const byDefault = largestHeap();
    const withPolicy = largestHeap('policy');
    // By default V8 grows the young generation to 2 × 16 MB and old space to several times the ~10 MB live.
    expect(byDefault.youngMb).toBeGreaterThanOrEqual(16);
    expect(withPolicy.youngMb).toBeLessThanOrEqual(4);
    expect(withPolicy.oldMb).toBeLessThan(45);
    expect(byDefault.oldMb).toBeGreaterThan(withPolicy.oldMb * 1.4);
  }, 120_000);
});
