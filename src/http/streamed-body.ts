import type { BodyPart, RequestBody } from './types.js';

export type { BodyPart };

const CHUNK_BYTES = 64 * 1024;

/**
 * A request body generated on the fly from parts, so a 10 MiB probe never sits in memory whole:
 * the stream yields chunks of at most 64 KiB, and its exact length is known up front (Content-Length).
 */
export function streamedBody(parts: readonly BodyPart[], describe: string): Extract<RequestBody, { stream: unknown }> {
  const bytes = parts.reduce(
    (sum, part) => sum + (typeof part === 'string' ? Buffer.byteLength(part) : Buffer.byteLength(part.repeat) * part.times),
    0,
  );
  return {
    bytes,
    describe,
    parts,
    stream: async function* () {
      for (const part of parts) {
        if (typeof part === 'string') {
          yield* slices(Buffer.from(part));
          continue;
        }
        const unit = Buffer.from(part.repeat);
        const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / unit.length));
        const chunk = Buffer.from(unit.toString('latin1').repeat(Math.min(perChunk, part.times)), 'latin1');
        let left = part.times;
        while (left > 0) {
          const now = Math.min(perChunk, left);
          yield now === perChunk ? chunk : chunk.subarray(0, now * unit.length);
          left -= now;
        }
      }
    },
  };
}

function* slices(buffer: Buffer): Generator<Uint8Array> {
  for (let at = 0; at < buffer.length; at += CHUNK_BYTES) yield buffer.subarray(at, at + CHUNK_BYTES);
}
