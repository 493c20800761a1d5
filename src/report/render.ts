import { extname } from 'node:path';
import { UsageError } from '../config/errors.js';
import type { BaselineDiff } from './baseline.js';
import type { Report } from './types.js';
import { unicodeEscapes } from './escape.js';

export const FORMATS = ['terminal', 'json', 'markdown', 'html', 'junit', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  verbose: boolean;
  width?: number;
  /** A comparison with a saved report (--baseline), shown by the Markdown and HTML reports. */
  baseline?: { diff: BaselineDiff; file: string };
}

/** Renders the one report object in any format; every format comes from the same object. */
export async function render(report: Report, format: Format, options: RenderOptions): Promise<string> {
  switch (format) {
    case 'terminal': {
      const { renderTerminal } = await import('./terminal.js');
      return renderTerminal(report, options);
    }
    case 'json':
      // C1, DEL and bidi controls as \u escapes (same JSON, nothing a terminal or editor acts on).
      return `${unicodeEscapes(JSON.stringify(report, null, 2))}\n`;
    case 'markdown': {
      const { renderMarkdown } = await import('./markdown.js');
      return renderMarkdown(report, options.baseline ? { baseline: options.baseline } : {});
    }
    case 'html': {
      const { renderHtml } = await import('./html.js');
      return renderHtml(report, options.baseline ? { baseline: options.baseline } : {});
    }
    case 'junit': {
      const { renderJunit } = await import('./junit.js');
      return renderJunit(report);
    }
    case 'sarif': {
      const { renderSarif } = await import('./sarif.js');
      return renderSarif(report);
    }
  }
}

const BY_EXTENSION: Record<string, Format> = {
  '.json': 'json',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xml': 'junit',
  '.txt': 'terminal',
  '.sarif': 'sarif',
};

/** The format of an --output file, from its extension. */
export function formatForFile(file: string): Format {
  const format = BY_EXTENSION[extname(file).toLowerCase()];
  if (!format) throw new UsageError(`cannot tell the format of --output ${file} (use one of: ${Object.keys(BY_EXTENSION).join(', ')})`);
  return format;
}
