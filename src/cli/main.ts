import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { toolVersion } from '../package-info.js';
import { ConfigError, UsageError } from '../config/errors.js';
import { EXIT, type Io, processIo, withSafeStderr } from './io.js';
import type { InitFlags } from './init.js';
import { FORMATS } from '../report/render.js';
import type { OutputFlags } from './present.js';
import type { AuditFlags } from './audit.js';
import type { DemoFlags } from './demo.js';
import { registerFleetCommands } from './register-fleet.js';
import { subcommandHelp } from './help.js';
import { preferSmallHeap } from '../runner/heap-policy.js';

/**
 * The command line. Only commander is loaded up front: the engine (undici, ajv, ora) is imported
 * inside each action, so `--version` and `--help` start fast.
 */
export async function main(argv: string[], rawIo: Io = processIo()): Promise<number> {
  const io = withSafeStderr(rawIo);
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name('preflight')
    .description('Audit a live HTTP API from the outside and tell its owners whether it is ready for production.')
    .version(toolVersion(), '-V, --version')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    // Before any command loads its input: V8 grows the young generation early and does not shrink it
    // while busy (src/runner/heap-policy.ts). --version and --help run no action and skip it.
    .hook('preAction', () => preferSmallHeap())
    .showHelpAfterError('(run preflight --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  preflight demo                                   audit the bundled broken and fixed demo APIs
  preflight init --from-openapi openapi.yaml       write preflight.yaml from your OpenAPI document
  preflight audit --config target.yaml             audit your API, print the checklist
  preflight audit -c target.yaml --format json --output report.json --fail-under 90
  preflight audit -c target.yaml --only default-deny,error-hygiene --verbose
  preflight checks                                 list every check
  preflight audit -c target.yaml -o report.html -o report.md -o junit.xml --baseline last.json --fail-on-regression
  preflight report last.json --format html --output last.html   re-render a saved JSON report, no probing

Exit codes: 0 gate passed · 1 gate failed · 2 usage or config error · 3 target unreachable · 130/143 interrupted
Each command's --help has its own examples.`,
    );

  program
    .command('audit')
    .description('Probe the API in the config and print a scored readiness checklist')
    .requiredOption('-c, --config <file>', 'target config (YAML); see config.example.yaml')
    .option(
      '--openapi <file-or-url>',
      "also probe every operation in this OpenAPI 3.x document: a file, or a URL on the target's own origin (the config wins where both speak)",
    )
    .option(
      '--no-discover',
      'without --openapi, do not look for an OpenAPI document the target serves itself (/openapi.json, /v3/api-docs, ...)',
    )
    .addOption(formatOption())
    .option('-o, --output <file>', OUTPUT_HELP, collect, [])
    .option(
      '-q, --quiet',
      "print nothing on stdout (files, job summary and exit code as usual; with --baseline the comparison's one-line verdict still goes to stderr)",
    )
    .option('--baseline <file>', 'compare with an earlier JSON report: what got worse, better, stayed the same')
    .option('--fail-on-regression', 'with --baseline: anything worse than the baseline fails the gate (exit 1), even above failUnder')
    .option(
      '--max-chars <n>',
      'with --format markdown: keep stdout under N characters (65536 for a GitHub comment): verdict, checklist, then failures by weight, then how many more',
      intIn(1000, 10_000_000),
    )
    .option('--fail-under <score>', 'gate: fail when the score is below this (0-100)', intIn(0, 100))
    .option('--only <ids>', 'run only these checklist items or checks (comma-separated)', list)
    .option('--skip <ids>', 'skip these checklist items or checks (comma-separated)', list)
    .option('--concurrency <n>', 'requests in flight at once', intIn(1, 64))
    .option('--rps <n>', 'requests per second at most', numberIn(0.1, 10000))
    .option('--max-requests <n>', 'total requests at most', intIn(1, 1_000_000))
    .option('--timeout <ms>', 'per-request timeout in milliseconds', intIn(100, 600_000))
    .option(
      '--allow-writes',
      'send state-changing probes (POST/PUT/PATCH/DELETE) to write endpoints; they store oversized and deeply nested records that may leave a staging collection broken (a list answering 500) until they are deleted: use a disposable environment',
    )
    .option('--allow-spec-writes', 'with --allow-writes: also send write probes to operations known only from an OpenAPI document')
    .option('--cleanup', 'with --allow-writes: delete what the write probes created at the end of the run')
    .option('--no-progress', 'no spinner (it is off anyway when not on a terminal or under CI)')
    .option('--no-color', 'no colors (NO_COLOR is honoured too)')
    .option('--verbose', 'print every finding and its exchanges, and debug logs on stderr')
    .addHelpText(
      'after',
      subcommandHelp(
        'audit',
        [
          ['preflight audit -c preflight.yaml', 'print the checklist'],
          ['preflight audit -c preflight.yaml -o report.json -o report.html --fail-under 90', 'also write files; gate at 90'],
          ['preflight audit -c preflight.yaml --openapi https://staging.example.com/openapi.json', "also probe the spec's operations"],
          ['preflight audit -c preflight.yaml --only default-deny,request-id', 'only these items or checks'],
          ['preflight audit -c preflight.yaml --baseline last.json --fail-on-regression', 'fail when anything got worse'],
          ['preflight audit -c preflight.yaml --format markdown --max-chars 65536', 'Markdown for a PR comment'],
        ],
        AUDIT_EXIT,
      ),
    )
    .action(async (opts: AuditFlags) => {
      const { auditCommand } = await import('./audit.js');
      exitCode = await auditCommand(opts, io);
    });

  program
    .command('report')
    .description('Re-render a saved JSON report in any format, without probing anything (exit 1 when its gate failed)')
    .argument('<file>', 'a JSON report (from --format json or --output report.json)')
    .addOption(formatOption())
    .option('-o, --output <file>', OUTPUT_HELP, collect, [])
    .option('-q, --quiet', "print nothing on stdout (with --baseline the comparison's one-line verdict still goes to stderr)")
    .option('--baseline <file>', 'compare with an earlier JSON report')
    .option('--fail-on-regression', 'with --baseline: anything worse than the baseline fails the gate (exit 1)')
    .option(
      '--max-chars <n>',
      'with --format markdown: keep stdout under N characters (65536 for a GitHub comment): verdict, checklist, then failures by weight, then how many more',
      intIn(1000, 10_000_000),
    )
    .option('--no-color', 'no colors')
    .option('--verbose', 'print every finding')
    .addHelpText(
      'after',
      subcommandHelp(
        'report',
        [
          ['preflight report last.json --format html -o last.html', 'the HTML of a saved report'],
          ['preflight report new.json --baseline old.json --fail-on-regression', 'gate on a comparison, no probing'],
        ],
        'Exit codes: 0 the saved gate passed · 1 it failed (or a regression with --fail-on-regression) · 2 usage error or unreadable file',
      ),
    )
    .action(async (file: string, opts: OutputFlags) => {
      const { reportCommand } = await import('./report.js');
      exitCode = await reportCommand(file, opts, io);
    });

  program
    .command('init')
    .description('Write a commented config, from an OpenAPI 3.x or Swagger 2.0 document, a Postman collection or a HAR when given one')
    .option('--base-url <url>', "the API's base URL (default: the spec's servers[0], else ${API_BASE_URL})")
    .option('--from-openapi <file-or-url>', 'an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML): every operation becomes an endpoint')
    .option('--from-postman <file>', 'a Postman Collection v2.0/v2.1: every request becomes an endpoint')
    .option(
      '--postman-environment <file>',
      'a Postman environment for --from-postman: values for {{variables}} (secrets are never written)',
    )
    .option('--from-har <file>', 'recorded traffic (HAR): the API calls to one origin become endpoints (choose it with --base-url)')
    .option('-o, --output <file>', 'where to write the config ("-" for stdout)', 'preflight.yaml')
    .option('--force', 'overwrite the output file if it exists')
    .addHelpText(
      'after',
      subcommandHelp(
        'init',
        [
          ['preflight init --from-openapi openapi.yaml', 'write preflight.yaml from a spec (OpenAPI 3.x or Swagger 2.0)'],
          [
            'preflight init --from-postman orders.postman_collection.json --postman-environment staging.postman_environment.json',
            'from a Postman collection',
          ],
          [
            'preflight init --from-har staging.har --base-url https://staging.example.com',
            'from recorded traffic (devtools, a proxy, recordHar)',
          ],
          [
            'preflight init --from-openapi https://staging.example.com/openapi.json --base-url https://staging.example.com',
            'from a spec URL',
          ],
          ['preflight init --base-url https://staging.example.com -o - > preflight.yaml', 'a starter config on stdout'],
        ],
        'Exit codes: 0 written · 2 usage error, unreadable spec, collection or HAR, or the file exists (use --force)',
      ),
    )
    .action(async (opts: InitFlags) => {
      const { initCommand } = await import('./init.js');
      exitCode = await initCommand(opts, io);
    });

  program
    .command('checks')
    .description('List every check: id, checklist item, severity and what it probes')
    .option('--verdicts', 'also list every verdict of every check: its id (check/verdict), status and message')
    .option('--json', 'print the checklist items, their checks and every verdict as JSON')
    .addHelpText(
      'after',
      subcommandHelp(
        'checks',
        [
          ['preflight checks', 'read the list'],
          ['preflight checks --verdicts', 'every verdict id (what waivers, baselines and SARIF rules name)'],
          ['preflight checks --json', 'for scripts: items, checks, severities, whether they write, verdicts'],
        ],
        'Exit codes: 0',
      ),
    )
    .action(async (opts: { verdicts?: boolean; json?: boolean }) => {
      const { checksCommand } = await import('./checks.js');
      exitCode = await checksCommand(io, opts);
    });

  program
    .command('demo')
    .description('Start the bundled broken and fixed demo APIs on 127.0.0.1 and audit both')
    .option('-o, --output <file>', `${OUTPUT_HELP}; one file per API: demo.html → demo-broken.html, demo-fixed.html`, collect, [])
    .option('--no-progress', 'no spinner')
    .option('--no-color', 'no colors')
    .option('--verbose', 'print every finding')
    .addHelpText(
      'after',
      subcommandHelp(
        'demo',
        [
          ['preflight demo', 'audit both demo APIs, print what the fixes changed'],
          ['preflight demo -o /tmp/preflight-demo/demo.html', 'also write demo-broken.html and demo-fixed.html there'],
        ],
        'Exit codes: 0 both audits ran · 2 usage error or an output that cannot be written',
      ),
    )
    .action(async (opts: DemoFlags) => {
      const { demoCommand } = await import('./demo.js');
      exitCode = await demoCommand(opts, io);
    });

  registerFleetCommands(program, io, (code) => (exitCode = code), { list, intIn, numberIn });
  // A usage error names the help of the command it happened in.
  for (const command of program.commands) command.showHelpAfterError(`(run preflight ${command.name()} --help for usage)`);

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return handleError(error, io);
  }
}

function handleError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof ConfigError || error instanceof UsageError) {
    io.stderr.write(`preflight: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof Error && error.name === 'TargetUnreachable') {
    io.stderr.write(`preflight: ${error.message}\n`);
    return EXIT.unreachable;
  }
  // A file that could not be read or written is the caller's to fix (exit 2), never "target unreachable".
  const fsError = error as NodeJS.ErrnoException;
  if (typeof fsError?.path === 'string' && typeof fsError.code === 'string') {
    io.stderr.write(`preflight: ${fsError.syscall ?? 'file'} ${fsError.path} failed (${fsError.code})\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`preflight: the audit could not complete: ${message.split('\n')[0]}\n`);
  return EXIT.unreachable;
}

const AUDIT_EXIT =
  'Exit codes: 0 gate passed · 1 gate failed · 2 usage or config error, or an output that cannot be written · 3 target unreachable or credentials refused · 130/143 interrupted (partial report written)';

const OUTPUT_HELP =
  'also write the report to a file, format from the extension: .json .md .html .xml (JUnit) .sarif (code scanning) .txt; repeatable';

function formatOption(): Option {
  return new Option('-f, --format <format>', 'what to print on stdout').choices(FORMATS).default('terminal');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

function intIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

function numberIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be a number from ${min} to ${max}`);
    return n;
  };
}
