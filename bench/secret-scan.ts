// The cost of masking leaked credentials, per recorded response: every recorded string passes the
// leak scan (src/http/secret-scan.ts). Run: npm run build && node dist/bench/secret-scan.js
import { maskSecrets } from '../src/http/secret-scan.js';

function body(withSecrets: boolean): string {
  const rows = Array.from({ length: 120 }, (_, i) => ({
    id: `ord_${i.toString(36).padStart(8, '0')}`,
    uuid: `550e8400-e29b-41d4-a716-${String(446655440000 + i)}`,
    etag: '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12',
    note: 'ordinary text about an order, shipped on time',
    ...(withSecrets && i % 40 === 0 ? { debug: `postgres://app:S3cr3t-${i}@db/orders`, key: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' } : {}),
  }));
  return JSON.stringify({ data: rows }).slice(0, 16 * 1024);
}

for (const withSecrets of [false, true]) {
  const text = body(withSecrets);
  for (let i = 0; i < 200; i++) maskSecrets(text);
  const runs = 2000;
  const started = performance.now();
  for (let i = 0; i < runs; i++) maskSecrets(text);
  const perCall = (performance.now() - started) / runs;
  console.log(
    `maskSecrets on a ${(text.length / 1024).toFixed(0)} KiB JSON body ${withSecrets ? 'with 3 leaks' : 'with no leak'}: ${(perCall * 1000).toFixed(0)} µs per body`,
  );
}
