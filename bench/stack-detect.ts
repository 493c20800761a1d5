// What recognising the stack costs at the end of a run: loading the packs and matching their signals
// against every recorded answer of a full default budget (2000 answers, 16 KiB bodies each, none from a
// known framework, so every signal is tried on every answer). Also a row of npm run bench.
// Run alone: npm run build && node dist/bench/stack-detect.js
import type { RecordedResponse } from '../src/http/types.js';
import { detectStacks, observationsOf } from '../src/stack/detect.js';
import { loadStacks } from '../src/stack/registry.js';

export async function stackDetectionMs(answers = 2000): Promise<{ loadMs: number; detectMs: number; found: number }> {
  const body = JSON.stringify({ data: Array.from({ length: 200 }, (_, i) => ({ id: i, note: 'ordinary text about an order' })) }).slice(
    0,
    16 * 1024,
  );
  const recorded: RecordedResponse[] = Array.from({ length: answers }, (_, i) => ({
    bodyText: i % 10 === 0 ? '{"error":"not found"}' : body,
    exchange: {
      id: i,
      method: 'GET',
      url: `http://127.0.0.1:9/api/orders/${i}`,
      requestHeaders: {},
      status: i % 10 === 0 ? 404 : 200,
      responseHeaders: { 'content-type': 'application/json', date: 'Mon, 07 Dec 2026 15:00:00 GMT' },
      durationMs: 1,
      startedAt: '2026-12-07T15:00:00.000Z',
      curl: '',
    },
  }));
  let started = performance.now();
  const packs = await loadStacks();
  const loadMs = performance.now() - started;
  started = performance.now();
  const found = detectStacks(packs, observationsOf(recorded)).length;
  return { loadMs, detectMs: performance.now() - started, found };
}

if (process.argv[1]?.endsWith('stack-detect.js')) {
  const { loadMs, detectMs, found } = await stackDetectionMs();
  console.log(
    `loading the stack packs: ${loadMs.toFixed(1)} ms; detection over 2000 answers of 16 KiB: ${detectMs.toFixed(1)} ms (${found} stacks named)`,
  );
}
