import { appendFileSync, closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedResponse } from './types.js';

/** Spill folders not yet removed: removed at exit too, should a run end without closing its client. */
const live = new Set<string>();
let exitHook = false;

/**
 * The run's recorded responses beyond a bounded in-memory window (issue 27: memory does not grow with
 * the requests sent). The most recent `window` records stay in memory; older ones are appended, as one
 * JSON line each, to a private temporary file (0600, in a 0700 folder) that is read back one record
 * at a time by the whole-run analyses and removed when the client closes. The records are already
 * redacted of configured secrets; a credential the target itself leaked is in them as in memory.
 */
export class RecordSpill {
  private readonly window: RecordedResponse[] = [];
  private file: string | undefined;
  private spilled = 0;

  private readonly batch: number;

  constructor(private readonly windowSize = 2000) {
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
    if (this.file) yield* readLines(this.file, this.spilled);
    yield* inMemory;
  }

  /** The spill file, while there is one (tests look that it is private and gone after close). */
  get path(): string | undefined {
    return this.file;
  }

  close(): void {
    if (!this.file) return;
    const dir = join(this.file, '..');
    rmSync(dir, { recursive: true, force: true });
    live.delete(dir);
    this.file = undefined;
    this.spilled = 0;
  }

  private spillOldest(): void {
    const oldest = this.window.splice(0, this.batch);
    const lines = oldest.map((record) => `${JSON.stringify(record)}\n`).join('');
    if (!this.file) {
      const dir = mkdtempSync(join(tmpdir(), 'preflight-records-'));
      live.add(dir);
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => {
          for (const folder of live) rmSync(folder, { recursive: true, force: true });
        });
      }
      this.file = join(dir, 'records.jsonl');
    }
    appendFileSync(this.file, lines, { mode: 0o600 });
    this.spilled += oldest.length;
  }
}

/** The first `count` JSON lines of `file`, parsed one at a time, read in 1 MiB chunks. */
function* readLines(file: string, count: number): Generator<RecordedResponse> {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    let pending: Buffer[] = [];
    let read = 0;
    while (read < count) {
      const bytes = readSync(fd, chunk, 0, chunk.length, null);
      if (bytes === 0) break;
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
  } finally {
    closeSync(fd);
  }
}
