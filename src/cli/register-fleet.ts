import { Option, type Command } from 'commander';
import type { MergeFlags } from './merge.js';
import type { Io } from './io.js';
import type { PlanFlags } from './plan.js';
import { subcommandHelp } from './help.js';

/**
 * The commands for large APIs and many services: `preflight plan` (the budget plan, nothing sent)
 * and `preflight report merge` (one fleet view from many JSON reports). Registered here so main.ts
 * names them in one line; like every command, the engine is imported only when one runs.
 */
export function registerFleetCommands(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
  parse: {
    list: (v: string) => string[];
    intIn: (min: number, max: number) => (v: string) => number;
    numberIn: (min: number, max: number) => (v: string) => number;
  },
): void {
  program
    .command('plan')
    .description(
      'Print what an audit would send with these limits: checks × endpoints, estimated requests and time, what is sampled. Sends nothing.',
    )
    .requiredOption('-c, --config <file>', 'target config (YAML)')
    .option('--openapi <file>', 'plan for every operation in this OpenAPI 3.x document too, as audit --openapi does')
    .option('--only <ids>', 'only these checklist items or checks (comma-separated)', parse.list)
    .option('--skip <ids>', 'skip these checklist items or checks (comma-separated)', parse.list)
    .option('--rps <n>', 'requests per second at most', parse.numberIn(0.1, 10000))
    .option('--max-requests <n>', 'total requests at most', parse.intIn(1, 1_000_000))
    .option('--allow-writes', 'plan the state-changing probes too')
    .option('--allow-spec-writes', 'with --allow-writes: plan write probes to operations known only from the OpenAPI document too')
    .option('--json', 'print the plan as JSON')
    .addHelpText(
      'after',
      subcommandHelp(
        'plan',
        [
          ['preflight plan -c preflight.yaml', 'checks × endpoints and the estimated requests; no token needs to be set'],
          ['preflight plan -c preflight.yaml --openapi openapi.yaml --max-requests 5000', 'what a large spec costs, and what is sampled'],
          ['preflight plan -c preflight.yaml --only default-deny --json', 'the plan for one item, as JSON'],
        ],
        'Exit codes: 0 the plan was printed · 2 usage or config error, or an unreadable spec',
      ),
    )
    .action(async (opts: PlanFlags) => {
      const { planCommand } = await import('./plan.js');
      setExit(await planCommand(opts, io));
    });

  const report = program.commands.find((command) => command.name() === 'report');
  // `report merge -o fleet.html`: options after `merge` are merge's, not those of `report <file>`.
  // (commander applies this only when the program has it too; the program's own options are -V and -h.)
  program.enablePositionalOptions();
  report?.enablePositionalOptions();
  (report ?? program)
    .command('merge')
    .description(
      "Merge many services' JSON reports into one fleet view: score, grade, gate and top failures per service, worst first, and the items failing across the most services (exit 1 when any service failed its gate)",
    )
    .argument('<reports...>', 'JSON reports, one per service (e.g. the artifacts of a CI matrix)')
    .addOption(
      new Option('-f, --format <format>', 'what to print on stdout').choices(['terminal', 'markdown', 'html', 'json']).default('terminal'),
    )
    .option(
      '-o, --output <file>',
      'also write the fleet view to a file, format from the extension: .html .md .json .txt; repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('-q, --quiet', 'print nothing on stdout')
    .action(async (files: string[], opts: MergeFlags) => {
      const { mergeCommand } = await import('./merge.js');
      setExit(await mergeCommand(files, opts, io));
    });
}
