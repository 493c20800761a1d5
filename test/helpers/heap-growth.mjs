// Churns a steady ~10 MB of live objects (each lives long enough to be promoted, then dies) and prints
// the largest young- and old-generation sizes V8 committed meanwhile, as JSON. With the argument
// `policy` it first applies the audit's heap policy (src/runner/heap-policy.ts), as an audit does.
import { getHeapSpaceStatistics } from 'node:v8';

if (process.argv[2] === 'policy') {
  const { preferSmallHeap } = await import('../../dist/src/runner/heap-policy.js');
  await preferSmallHeap();
}
const ring = new Array(100_000);
const largest = { new_space: 0, old_space: 0 };
for (let round = 0; round < 300; round++) {
  for (let i = 0; i < 5_000; i++) ring[(round * 5_000 + i) % ring.length] = { round, i, text: `item ${round}-${i}` };
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name in largest) largest[space.space_name] = Math.max(largest[space.space_name], space.space_size);
  }
  // A turn of the event loop, as an audit takes between answers (V8 sizes the heap between tasks too).
  await new Promise((resolve) => setImmediate(resolve));
}
const mb = (bytes) => Math.round(bytes / 2 ** 20);
process.stdout.write(`${JSON.stringify({ youngMb: mb(largest.new_space), oldMb: mb(largest.old_space) })}\n`);
