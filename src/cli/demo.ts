import { loadConfigText } from '../config/load.js';
import { startBrokenApi } from '../demo/broken.js';
import { DEMO_CONFIG } from '../demo/config.js';
import { startFixedApi } from '../demo/fixed.js';
import { makeColors, shouldColor } from '../report/color.js';
import type { Report } from '../report/types.js';
import { EXIT, type Io } from './io.js';
import type { DemoFlags } from './main.js';
import { checkOutputs, withSuffix } from './present.js';
import { auditAndPresent } from './run-report.js';

/** `preflight demo`: the broken API, then the fixed one, then what changed. Exit 0 when both audits ran. */
export async function demoCommand(flags: DemoFlags, io: Io): Promise<number> {
  const c = makeColors(shouldColor(io.stdout, io.env, flags.color));
  checkOutputs(flags.output);
  const reports: Report[] = [];
  const written: string[] = [];
  for (const [label, start, suffix] of [
    ['broken API', startBrokenApi, 'broken'],
    ['fixed API', startFixedApi, 'fixed'],
  ] as const) {
    const server = await start();
    try {
      io.stdout.write(`\n${c.bold(`━━ The ${label} (${server.url}) ━━`)}\n`);
      const target = await loadConfigText(DEMO_CONFIG, `demo config (${label})`, { env: { DEMO_BASE_URL: server.url } });
      // One file per API: demo.html → demo-broken.html and demo-fixed.html.
      const outputs = flags.output.map((file) => withSuffix(file, suffix));
      written.push(...outputs);
      reports.push(await auditAndPresent(target, { format: 'terminal', outputs, progress: flags.progress, color: flags.color, verbose: flags.verbose === true, label }, io));
    } finally {
      await server.close();
    }
  }
  const [broken, fixed] = reports as [Report, Report];
  io.stdout.write(
    `\n${c.bold('━━ What the fixes changed ━━')}\n` +
      `  broken: ${broken.score ?? '–'}/100 (${broken.grade}), gate ${broken.gate.passed ? 'passed' : 'failed'}\n` +
      `  fixed:  ${fixed.score ?? '–'}/100 (${fixed.grade}), gate ${fixed.gate.passed ? 'passed' : 'failed'}\n` +
      `  Each ✗ above names what was sent, what came back, how to fix it and a curl line to see it yourself.\n` +
      `  Next: copy config.example.yaml, point it at your staging API, run preflight audit --config it.yaml\n` +
      (written.length ? `  Reports written: ${written.join(', ')}\n` : ''),
  );
  return EXIT.ok;
}
