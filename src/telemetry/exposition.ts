import type { MetricSample } from './types.js';

/**
 * Parses the Prometheus text exposition and OpenMetrics into flat samples. Written here because
 * parse-prometheus-text-format (the npm parser) collapses the series of a labelled histogram into one
 * (their labels, _sum and _count are lost) and files OpenMetrics' x_total apart from its family;
 * the delta and label checks need every series as it is.
 */
export function parseExposition(text: string): { samples: MetricSample[]; types: Record<string, string> } {
  const samples: MetricSample[] = [];
  const types: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const type = /^#\s+TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type?.[1] && type[2]) types[type[1]] = type[2].toLowerCase();
      continue;
    }
    const sample = parseSampleLine(line);
    if (sample) samples.push(sample);
  }
  return { samples, types };
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** `name{a="b",c="d\"e"} 12.5 [timestamp]`; a line that does not parse is skipped. */
function parseSampleLine(line: string): MetricSample | undefined {
  const name = NAME.exec(line)?.[0];
  if (!name) return undefined;
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    for (;;) {
      while (line[at] === ' ' || line[at] === ',') at++;
      if (line[at] === '}') {
        at++;
        break;
      }
      const label = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(at))?.[0];
      if (!label || line[at + label.length] !== '=' || line[at + label.length + 1] !== '"') return undefined;
      at += label.length + 2;
      let value = '';
      for (; at < line.length && line[at] !== '"'; at++) {
        if (line[at] === '\\') {
          at++;
          value += line[at] === 'n' ? '\n' : (line[at] ?? '');
        } else value += line[at];
      }
      if (line[at] !== '"') return undefined;
      at++;
      labels[label] = value;
    }
  }
  const valueText = line.slice(at).trim().split(/\s+/)[0] ?? '';
  const value = valueText === '+Inf' ? Number.POSITIVE_INFINITY : valueText === '-Inf' ? Number.NEGATIVE_INFINITY : Number(valueText);
  if (valueText === '' || Number.isNaN(value)) return undefined;
  return { name, labels, value };
}
