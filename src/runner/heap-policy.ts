let applied = false;

/**
 * Asks V8 for a heap sized for memory rather than speed, once per process, before an audit (issue 27:
 * an audit's memory does not grow with the requests it sends).
 *
 * An audit keeps little (20–25 MB live after a full collection, at 100 endpoints as at 1,000), but it
 * allocates fast and V8 finds collecting cheap, so by default it lets old space grow to about 4× what
 * is live before a full collection and grows the young generation to 2 × 16 MB as soon as a run
 * builds anything that survives: 1,000 endpoints peaked at 205–240 MB RSS, 100 endpoints at 140–150 MB.
 *
 * - `--optimize-for-size`: the next full collection comes when old space reaches about 1.3–1.5× what the
 *   last one left (`--trace-gc` on a 1,000-endpoint audit: 22.7 → 33.1 MB), not 4×.
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial 1 MB per semi-space, the
 *   size V8 uses on small devices; scavenges are more frequent and each one cheaper.
 *
 * Together the same audits peak at 115–125 MB whatever their size, for about 20 % more CPU and 13–17 %
 * more wall time on an unpaced run (a paced audit waits on the network, not the CPU). V8 reads both flags
 * at each sizing decision, so setting them after start takes effect; Node warns that some flags do
 * nothing after start, and test/runner/heap-policy.test.ts fails if these stop acting on the Node in use.
 * Set late (collectAudit, after a large config or spec is read) the young generation has already grown:
 * the same 1,000-endpoint audit then peaks at about 138 MB.
 */
export async function preferSmallHeap(): Promise<void> {
  if (applied) return;
  applied = true;
  // Loaded here, not up front: `preflight --version` does not pay for node:v8.
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--semi-space-growth-factor=1');
}
