import { loadReportFile } from '../report/load.js';
import { EXIT, type Io } from './io.js';
import { outputOptions, showReport, type OutputFlags } from './present.js';

/**
 * `preflight report saved.json`: re-render a saved JSON report (validated against the report schema)
 * in any format, optionally against a baseline. Nothing is probed. Exits per the report's gate, so
 * `preflight report new.json --baseline old.json --fail-on-regression` can gate a CI job on its own.
 */
export async function reportCommand(file: string, flags: OutputFlags, io: Io): Promise<number> {
  const options = await outputOptions(flags, io);
  const report = await showReport(await loadReportFile(file, io.cwd), options, io);
  return report.gate.passed ? EXIT.ok : EXIT.gateFailed;
}
