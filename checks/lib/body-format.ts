import { streamedBody, type BodyPart, type Endpoint, type RequestBody } from '../api.js';

/**
 * The media type a write endpoint really speaks, and its configured valid body in that format.
 * Probes that grow or break a body must speak it: JSON probes under a text Content-Type are refused
 * as unparseable, and that 400 says nothing about the size or the input the probe meant to test.
 */
export interface BodyFormat {
  /** The configured Content-Type, or the one endpointRequest would send (application/json for an object body). */
  contentType: string;
  /** "text/plain", "text/calendar", "application/json": without parameters, lower case. */
  mediaType: string;
  /** True for application/json and any +json type: JSON-shaped probes go only here. */
  json: boolean;
  /** The configured valid body as it goes on the wire. */
  text: string;
}

export function bodyFormat(endpoint: Endpoint): BodyFormat {
  const configured = Object.entries(endpoint.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  const body = endpoint.body;
  const contentType = configured ?? (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json');
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const json = mediaType === 'application/json' || mediaType.endsWith('+json');
  const text = body === undefined ? (json ? '{}' : '') : typeof body === 'string' ? body : JSON.stringify(body);
  return { contentType, mediaType, json, text };
}

/** The configured headers with `contentType` in place of any configured Content-Type, whatever its spelling. */
export function withContentType(headers: Record<string, string>, contentType: string): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type')),
    'content-type': contentType,
  };
}

/**
 * The part of a text body that can be repeated to make more of the same data, and what stays once
 * around it: a CSV header line is kept once and its records repeated; an iCalendar body keeps its
 * VCALENDAR frame and repeats its events; any other text (Prometheus exposition lines, log lines,
 * plain text) is repeated whole.
 */
function repeatable(format: BodyFormat): { before: string; unit: string; after: string } {
  const text = format.text.endsWith('\n') || format.text === '' ? format.text : `${format.text}\n`;
  if (format.mediaType === 'text/csv') {
    const newline = text.indexOf('\n');
    const rest = text.slice(newline + 1);
    if (newline >= 0 && rest.trim() !== '') return { before: text.slice(0, newline + 1), unit: rest, after: '' };
  }
  if (format.mediaType === 'text/calendar') {
    const start = text.search(/^BEGIN:VEVENT\r?$/m);
    const endMatch = /^END:VEVENT\r?\n/m.exec(text);
    if (start >= 0 && endMatch && endMatch.index > start) {
      const end = endMatch.index + endMatch[0].length;
      return { before: text.slice(0, start), unit: text.slice(start, end), after: text.slice(end) };
    }
  }
  return { before: '', unit: text === '' ? '\n' : text, after: '' };
}

/**
 * The configured text body grown to at least `bytes` by repeating its records (lines, CSV rows,
 * calendar events), generated while it is sent. Every repeat is as valid as the configured body,
 * so a server that accepts the small body has no format reason to refuse the big one.
 */
export function grownTextBody(format: BodyFormat, bytes: number): { body: Extract<RequestBody, { stream: unknown }>; what: string } {
  const { before, unit, after } = repeatable(format);
  const fixed = Buffer.byteLength(before) + Buffer.byteLength(after);
  const times = Math.max(1, Math.ceil((bytes - fixed) / Buffer.byteLength(unit)));
  const parts: BodyPart[] = [before, { repeat: unit, times }, after];
  const what = `the configured ${format.mediaType} body${before || after ? "'s records" : ''} repeated ${times.toLocaleString('en-US')} times`;
  return { body: streamedBody(parts, what), what };
}
