import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folders not yet removed: removed at exit too, should a run end without closing what it spilled. */
const live = new Set<string>();
let exitHook = false;

/**
 * A private temporary file for what a run keeps out of memory (issue 27): recorded responses beyond
 * their window, the evidence of findings beyond theirs. Made on first write, 0600 in a 0700 folder of
 * its own, appended to and read back by offset, removed on close() or at process exit. What goes in
 * has passed the run's redactor already: it is the text a report would print.
 */
export class PrivateFile {
  private path: string | undefined;
  private fd: number | undefined;
  private size = 0;

  constructor(private readonly prefix: string) {}

  /** Appends `text`; returns where it starts and how many bytes it took, for read(). */
  append(text: string): { offset: number; length: number } {
    const bytes = Buffer.from(text, 'utf8');
    const fd = this.open();
    writeSync(fd, bytes, 0, bytes.length, this.size);
    const at = { offset: this.size, length: bytes.length };
    this.size += bytes.length;
    return at;
  }

  /** The text appended at `offset` (as append() said). */
  read(offset: number, length: number): string {
    if (this.fd === undefined) throw new Error(`${this.prefix}: read after close`);
    const bytes = Buffer.alloc(length);
    readSync(this.fd, bytes, 0, length, offset);
    return bytes.toString('utf8');
  }

  /** Reads up to buffer.length bytes from `position` into `buffer`; returns how many were read (0 at the end). */
  readInto(buffer: Buffer, position: number): number {
    if (this.fd === undefined) return 0;
    return readSync(this.fd, buffer, 0, buffer.length, position);
  }

  /** The file's path while it exists (tests look that it is private and gone after close). */
  get location(): string | undefined {
    return this.path;
  }

  get bytes(): number {
    return this.size;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.path) {
      const dir = join(this.path, '..');
      rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
    }
    this.fd = undefined;
    this.path = undefined;
    this.size = 0;
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    const dir = mkdtempSync(join(tmpdir(), `${this.prefix}-`));
    live.add(dir);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const folder of live) rmSync(folder, { recursive: true, force: true });
      });
    }
    this.path = join(dir, 'spill.jsonl');
    this.fd = openSync(this.path, 'w+', 0o600);
    return this.fd;
  }
}
