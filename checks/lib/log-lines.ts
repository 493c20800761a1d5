// Reads service log lines as the request-logs check needs them: structured (JSON or logfmt) or not,
// the values they hold, and which of the fields a request log needs they carry.

export interface LogLine {
  raw: string;
  /** Flattened fields (a.b.c → value) of a JSON or logfmt line; undefined for plain text. */
  fields?: Map<string, unknown>;
}

/** The fields a request line needs, by the names common loggers give them (last key segment, lower case). */
export const REQUEST_FIELDS = {
  method: ['method', 'http_method', 'request_method', 'verb'],
  'path or route': ['path', 'url', 'route', 'uri', 'originalurl', 'target', 'url_path', 'http_route', 'pathname', 'request_uri'],
  status: ['status', 'statuscode', 'status_code', 'http_status', 'response_status', 'http_status_code'],
  duration: [
    'duration',
    'duration_ms',
    'responsetime',
    'response_time',
    'elapsed',
    'elapsed_ms',
    'latency',
    'took',
    'request_time',
    'time_ms',
    'ms',
  ],
} as const;

const ERROR_KEYS = new Set(['err', 'error', 'exception', 'stack', 'stack_trace', 'stacktrace', 'exc_info', 'error.message', 'err.message']);
const ERROR_LEVELS = new Set(['error', 'err', 'fatal', 'critical', 'crit', 'alert', 'emerg', '50', '60']);

type Logfmt = { parse(line: string): Partial<Record<string, string | boolean | null>> };

/** Parses each line: JSON objects and logfmt lines (at least two key=value pairs) are structured. */
export async function parseLogLines(lines: readonly string[]): Promise<LogLine[]> {
  const { default: logfmt } = (await import('logfmt')) as unknown as { default: Logfmt };
  return lines.map((raw) => {
    const text = raw.trim();
    if (text.startsWith('{')) {
      try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed && typeof parsed === 'object') return { raw, fields: flatten(parsed as Record<string, unknown>) };
      } catch {
        // not JSON after all: maybe logfmt or plain text
      }
    }
    const pairs = Object.entries(logfmt.parse(text)).filter(([, value]) => value !== true);
    if (pairs.length >= 2) return { raw, fields: new Map(pairs) };
    return { raw };
  });
}

function flatten(object: Record<string, unknown>, prefix = '', out = new Map<string, unknown>(), depth = 0): Map<string, unknown> {
  for (const [key, value] of Object.entries(object)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value) && depth < 6)
      flatten(value as Record<string, unknown>, name, out, depth + 1);
    else out.set(name, value);
  }
  return out;
}

/** The field groups of REQUEST_FIELDS that a set of lines carries between them. */
export function fieldsPresent(lines: readonly LogLine[]): Set<keyof typeof REQUEST_FIELDS> {
  const present = new Set<keyof typeof REQUEST_FIELDS>();
  for (const line of lines) {
    for (const key of line.fields?.keys() ?? []) {
      const last = key.split('.').pop()?.toLowerCase() ?? '';
      for (const [group, names] of Object.entries(REQUEST_FIELDS) as Array<[keyof typeof REQUEST_FIELDS, readonly string[]]>)
        if (names.includes(last)) present.add(group);
    }
  }
  return present;
}

/** True when the line reports an error: an error level, or an err/error/stack field. */
export function reportsError(line: LogLine): boolean {
  if (!line.fields) return /\b(error|exception|traceback|fatal)\b/i.test(line.raw);
  for (const [key, value] of line.fields) {
    const lower = key.toLowerCase();
    if (ERROR_KEYS.has(lower) || ERROR_KEYS.has(lower.split('.')[0] ?? '')) return true;
    if (
      (lower === 'level' || lower === 'severity' || lower === 'levelname' || lower === 'log.level') &&
      ERROR_LEVELS.has(String(value).toLowerCase())
    )
      return true;
  }
  return false;
}

/** Every string and number value of a line (structured), or its words (plain text): what an id is looked up in. */
export function lineValues(line: LogLine): string[] {
  if (line.fields) return [...line.fields.values()].filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
  return line.raw.split(/[\s"'=,;[\]()]+/);
}

/** The part of a line around `needle` (a leaked credential), short enough to quote in a finding. */
export function quoteAround(raw: string, needle: string, max = 240): string {
  const at = raw.indexOf(needle);
  if (at < 0 || raw.length <= max) return quoteLine(raw, max);
  const start = Math.max(0, at - Math.floor((max - needle.length) / 2));
  return `${start > 0 ? '…' : ''}${raw.slice(start, start + max)}${start + max < raw.length ? '…' : ''}`;
}

/** A line short enough to quote in a finding. */
export function quoteLine(raw: string, max = 240): string {
  return raw.length > max ? `${raw.slice(0, max)}…` : raw;
}
