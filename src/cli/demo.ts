import { loadConfigText } from '../config/load.js';
import { startBrokenApi } from '../demo/broken.js';
import { demoEnv } from '../demo/common.js';
import { DEMO_CONFIG } from '../demo/config.js';
import { startFixedApi } from '../demo/fixed.js';
import { makeColors, shouldColor } from '../report/color.js';
import type { Report } from '../report/types.js';
import { EXIT, type Io } from './io.js';
import type { DemoFlags } from './main.js';
import { checkOutputs, withSuffix } from './present.js';
import { auditAndPresent } from './run-report.js';
import { SIGNAL_EXIT } from './interrupt.js';
import { preferSmallHeap } from './small-heap.js';

/** `preflight demo`: the broken API, then the fixed one, then what changed. Exit 0 when both audits ran. */
export async function demoCommand(flags: DemoFlags, io: Io): Promise<number> {
  preferSmallHeap();
  const c = makeColors(shouldColor(io.stdout, io.env, flags.color));
  checkOutputs(
    flags.output.flatMap((file) => [withSuffix(file, 'broken'), withSuffix(file, 'fixed')]),
    io.cwd,
  );
  const reports: Report[] = [];
  const written: string[] = [];
  for (const [label, start, suffix] of [
    ['broken API', startBrokenApi, 'broken'],
    ['fixed API', startFixedApi, 'fixed'],
  ] as const) {
    const server = await start();
    try {
      io.stdout.write(`\n${c.bold(`━━ The ${label} (${server.url}) ━━`)}\n`);
      const target = await loadConfigText(DEMO_CONFIG, `demo config (${label})`, { env: demoEnv(server.url) });
      // One file per API: demo.html → demo-broken.html and demo-fixed.html.
      const outputs = flags.output.map((file) => withSuffix(file, suffix));
      written.push(...outputs);
      const report = await auditAndPresent(
        target,
        { format: 'terminal', outputs, progress: flags.progress, color: flags.color, verbose: flags.verbose === true, label },
        io,
      );
      if (report.interrupted) return SIGNAL_EXIT[report.interrupted];
      reports.push(report);
    } finally {
      await server.close();
    }
  }
  const [broken, fixed] = reports as [Report, Report];
  const verdict = (report: Report): string =>
    `${report.score ?? '–'}/100 (${report.grade}), gate ${report.gate.passed ? 'passed' : 'failed'}`;
  const cell = (report: Report, index: number): string => {
    const item = report.items[index]!;
    return c.status(item.status, `${item.status.toUpperCase()} ${item.score ?? '–'}`.padEnd(9));
  };
  const rows = broken.items.map(
    (item, index) => `  ${String(index + 1).padStart(2)}. ${item.title.padEnd(58)} ${cell(broken, index)} → ${cell(fixed, index)}`,
  );
  io.stdout.write(
    `\n${c.bold('━━ What the fixes changed ━━')}\n` +
      `${rows.join('\n')}\n` +
      `  broken: ${verdict(broken)} · ${broken.requests} requests\n` +
      `  fixed:  ${verdict(fixed)} · ${fixed.requests} requests\n` +
      `  Each ✗ above names what was sent, what came back, how to fix it and a curl line to see it yourself.\n` +
      `  Next: \`preflight init --from-openapi your-spec.yaml\` (or copy config.example.yaml), then \`preflight audit --config preflight.yaml\`\n` +
      (written.length ? `  Reports written: ${written.join(', ')}\n` : ''),
  );
  return EXIT.ok;
}
