/** Examples and exit codes under a subcommand's --help. */
export function subcommandHelp(name: string, examples: Array<[string, string]>, exitCodes: string): string {
  const width = Math.max(...examples.map(([command]) => command.length));
  const lines = examples.map(([command, what]) =>
    command.length > 60 ? `  ${command}\n  ${' '.repeat(4)}${what}` : `  ${command.padEnd(Math.min(width, 60))}   ${what}`,
  );
  return `\nExamples (${name}):\n${lines.join('\n')}\n\n${exitCodes}`;
}
