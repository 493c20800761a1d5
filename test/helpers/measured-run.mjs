// Runs the built CLI in this process and reports its exit code and peak RSS on the last stderr line,
// so tests can check memory bounds of a whole run from outside.
import { main } from '../../dist/src/cli/main.js';

const code = await main(process.argv);
process.stderr.write(
  `\n@@measure ${JSON.stringify({ code, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000) })}\n`,
);
process.exit(code);
