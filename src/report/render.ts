import { extname } from 'node:path';
import { UsageError } from '../config/errors.js';
import type { Report } from './types.js';

export const FORMATS = ['terminal', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  verbose: boolean;
  width?: number;
}

/** Renders the one report object in any format; every format comes from the same object. */
export async function render(report: Report, format: Format, options: RenderOptions): Promise<string> {
  switch (format) {
    case 'terminal': {
      const { renderTerminal } = await import('./terminal.js');
      return renderTerminal(report, options);
    }
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
  }
}

const BY_EXTENSION: Record<string, Format> = { '.json': 'json', '.txt': 'terminal' };

/** The format of an --output file, from its extension. */
export function formatForFile(file: string): Format {
  const format = BY_EXTENSION[extname(file).toLowerCase()];
  if (!format) throw new UsageError(`cannot tell the format of --output ${file} (use one of: ${Object.keys(BY_EXTENSION).join(', ')})`);
  return format;
}
