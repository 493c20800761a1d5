import { pipeline } from 'node:stream';
import zlib from 'node:zlib';

/** The error code of an error or of one of its causes (undici wraps socket errors). */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

interface CappedBody {
  body: Buffer;
  truncated: boolean;
  /** performance.now() as the last byte was taken, before the chunks are joined: the end of the timed exchange. */
  endedAt: number;
  decodeError?: string;
}

/**
 * Reads at most `cap` decoded bytes, decompressing gzip/deflate/br on the way, then drops the
 * connection. A gzip bomb or an endless body costs at most `cap` bytes of memory.
 */
export async function readCapped(
  source: AsyncIterable<Buffer> & { destroy(error?: Error): void },
  encoding: string | undefined,
  cap: number,
): Promise<CappedBody> {
  const decoder = makeDecoder(encoding);
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const take = (chunk: Buffer): boolean => {
    const room = cap - size;
    if (chunk.length >= room) {
      chunks.push(chunk.subarray(0, room));
      size += room;
      truncated = chunk.length > room;
      return truncated;
    }
    chunks.push(chunk);
    size += chunk.length;
    return false;
  };
  if (!decoder) {
    for await (const chunk of source) {
      if (take(chunk)) {
        source.destroy();
        break;
      }
    }
    const endedAt = performance.now();
    return { body: Buffer.concat(chunks, size), truncated, endedAt };
  }
  let decodeError: string | undefined;
  let endedAt = 0;
  // pipeline() carries an abort or reset of the source into the decoder, so the loop below ends.
  pipeline(source as unknown as NodeJS.ReadableStream, decoder, () => undefined);
  try {
    for await (const chunk of decoder as AsyncIterable<Buffer>) {
      if (take(chunk)) break;
    }
    endedAt = performance.now();
  } catch (error) {
    const name = (error as Error).name;
    const code = errorCode(error);
    if (name === 'AbortError' || code === 'UND_ERR_ABORTED' || (code && !code.startsWith('Z_') && code !== 'ERR_STREAM_PREMATURE_CLOSE'))
      throw error;
    // A body that claims an encoding it does not have: keep what decoded and say so.
    decodeError = error instanceof Error ? error.message : String(error);
    endedAt = performance.now();
  } finally {
    decoder.destroy();
    source.destroy();
  }
  return { body: Buffer.concat(chunks, size), truncated, endedAt, ...(decodeError ? { decodeError } : {}) };
}

function makeDecoder(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush);
    case 'deflate':
      return zlib.createInflate(flush);
    case 'br':
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      return undefined;
  }
}
