import { PrivateFile } from './private-file.js';
import type { RecordedResponse } from './types.js';

/**
 * The run's recorded responses beyond a bounded in-memory window (issue 27: memory does not grow with
 * the requests sent). The most recent `window` records stay in memory; older ones are appended, as one
 * JSON line each, to a private temporary file (private-file.ts, unlinked as soon as it is open) that
 * is read back one record at a time by the whole-run analyses and closed with the client. The records
 * are already redacted of configured secrets; a credential the target itself leaked is in them as in
 * memory.
 */
export class RecordSpill {
  private readonly window: RecordedResponse[] = [];
  private readonly file = new PrivateFile('preflight-records');
  private spilled = 0;

  private readonly batch: number;

  constructor(private readonly windowSize = 500) {
    // Spilled in batches (a quarter of the window), so a write to the file is rare and large.
    this.batch = Math.max(1, Math.floor(windowSize / 4));
  }

  push(record: RecordedResponse): void {
    this.window.push(record);
    if (this.window.length >= this.windowSize + this.batch) this.spillOldest();
  }

  /** The most recent records, in memory (the liveness watch and recentExchanges read these). */
  recent(): readonly RecordedResponse[] {
    return this.window;
  }

  /** How many records the run holds, spilled and in memory. */
  get size(): number {
    return this.spilled + this.window.length;
  }

  /** Every record, in order: the spilled ones read back from disk one at a time, then the window. */
  *all(): Generator<RecordedResponse> {
    const inMemory = [...this.window];
    if (this.spilled) yield* readLines(this.file, this.spilled, this.file.bytes);
    yield* inMemory;
  }

  /** The spill file's permission bits while it is open (it has no path: see private-file.ts). */
  get fileMode(): number | undefined {
    return this.file.mode;
  }

  close(): void {
    this.file.close();
    this.spilled = 0;
  }

  private spillOldest(): void {
    const oldest = this.window.splice(0, this.batch);
    this.file.append(oldest.map((record) => `${JSON.stringify(record)}\n`).join(''));
    this.spilled += oldest.length;
  }
}

/** The first `count` JSON lines of `file` (within its first `end` bytes), parsed one at a time, read in 1 MiB chunks. */
function* readLines(file: PrivateFile, count: number, end: number): Generator<RecordedResponse> {
  const chunk = Buffer.alloc(1024 * 1024);
  let pending: Buffer[] = [];
  let read = 0;
  let position = 0;
  while (read < count && position < end) {
    const bytes = file.readInto(chunk.length > end - position ? chunk.subarray(0, end - position) : chunk, position);
    if (bytes === 0) break;
    position += bytes;
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl >= 0 && nl < bytes; nl = chunk.indexOf(10, from)) {
      const line = Buffer.concat([...pending, chunk.subarray(from, nl)]).toString('utf8');
      pending = [];
      from = nl + 1;
      yield JSON.parse(line) as RecordedResponse;
      if (++read >= count) return;
    }
    if (from < bytes) pending.push(Buffer.from(chunk.subarray(from, bytes)));
  }
}
