// The credential scanner on hostile bodies (issue 21 item 5): every recorded body passes it, so a
// target must not be able to make it slow. Two figures: the slowest of a set of crafted 1 MiB bodies
// scanned (warm, median of 5), and the wall time of one audit whose every answer is a 16 KiB
// "pwd=pwd=…" note over the same audit answered with the same JSON holding plain text (median of 9).
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfigText } from '../src/config/load.js';
import { LeakMaskingRedactor } from '../src/http/leak-redactor.js';
import { runAudit } from '../src/runner/run.js';

interface Row {
  figure: string;
  measured: string;
  goal: string;
  met: boolean | undefined;
}

const MiB = 1024 * 1024;
const fill = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const CRAFTED: Record<string, string> = {
  'pwd=pwd=…': 'pwd=',
  'token=token=…': 'token=',
  '"password":"…': '"password":"',
  'AKIA keys': 'AKIAAKIAAKIAAKIAAKIA ',
  'pwd=Xy7$kQ&…': 'pwd=Xy7$kQ&',
  'postgres://a:b@…': 'postgres://a:b@',
  'Bearer …': 'Bearer ',
  'eyJ…': 'eyJhbGciOi.',
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function slowestScan(): Row {
  const redactor = new LeakMaskingRedactor([]);
  let worst = { name: '', ms: 0 };
  for (const [name, unit] of Object.entries(CRAFTED)) {
    const body = fill(unit, MiB);
    redactor.scan(body);
    const times = Array.from({ length: 5 }, () => {
      const started = performance.now();
      redactor.scan(body);
      return performance.now() - started;
    });
    const ms = median(times);
    if (ms > worst.ms) worst = { name, ms };
  }
  return {
    figure: 'credential scanner, slowest crafted 1 MiB body',
    measured: `${worst.ms.toFixed(1)} ms (${worst.name}; ${Object.keys(CRAFTED).length} shapes)`,
    goal: '< 50 ms',
    met: worst.ms < 50,
  };
}

async function auditMs(body: string): Promise<number> {
  const server = createServer((req, res: ServerResponse) => {
    if (req.url === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const config = `target: { baseUrl: "${url}" }\nhealth: /health\ndiscover: false\nendpoints:\n${Array.from({ length: 6 }, (_, i) => `  - { path: /api/r${i} }`).join('\n')}\nlimits: { requestsPerSecond: 10000, maxRequests: 400 }\nlatency: { samples: 10 }\n`;
    const target = await loadConfigText(config, 'bench.yaml', { env: {}, cwd: process.cwd() });
    const started = performance.now();
    await runAudit(target);
    return performance.now() - started;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function craftedAudit(): Promise<Row> {
  // The same JSON document both times: only the text of one field differs, so only the scanner's cost does.
  const body = (unit: string): string => JSON.stringify({ data: [], note: fill(unit, 16 * 1024) });
  const plain = body('note');
  const crafted = body('pwd=');
  const plainMs: number[] = [];
  const craftedMs: number[] = [];
  await auditMs(plain);
  // Nine pairs: one audit is about 250 ms, and with three the ratio moved between 1.03× and 1.37× run to run.
  for (let i = 0; i < 9; i++) {
    plainMs.push(await auditMs(plain));
    craftedMs.push(await auditMs(crafted));
  }
  const ratio = median(craftedMs) / median(plainMs);
  return {
    figure: 'audit answered with 16 KiB "pwd=pwd=…" bodies vs plain JSON',
    measured: `${ratio.toFixed(2)}× (${median(craftedMs).toFixed(0)} vs ${median(plainMs).toFixed(0)} ms, median of 9)`,
    goal: '< 1.2×',
    met: ratio < 1.2,
  };
}

export async function scannerCost(): Promise<Row[]> {
  return [slowestScan(), await craftedAudit()];
}

// node dist/bench/scanner.js: these two rows alone.
if (process.argv[1]?.endsWith('scanner.js'))
  for (const row of await scannerCost()) console.log(`${row.figure}: ${row.measured} (goal ${row.goal})`);
