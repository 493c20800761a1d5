import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private temporary file for what a run keeps out of memory (issue 27): recorded responses beyond
 * their window, the evidence of findings beyond theirs. Made on first write, 0600 in a 0700 folder of
 * its own, and unlinked (the folder removed) as soon as it is open: the run reads and writes it through
 * its descriptor only, so nothing is left on disk however the process ends, a kill included. What goes
 * in has passed the run's redactor already: it is the text a report would print.
 */
export class PrivateFile {
  private fd: number | undefined;
  private size = 0;

  constructor(private readonly prefix: string) {}

  /** Appends `text`; returns where it starts and how many bytes it took, for read(). */
  append(text: string): { offset: number; length: number } {
    const bytes = Buffer.from(text, 'utf8');
    const fd = this.descriptor();
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

  /** Its permission bits, read from the descriptor (tests look that only this user can read it). */
  get mode(): number | undefined {
    return this.fd === undefined ? undefined : fstatSync(this.fd).mode & 0o777;
  }

  get bytes(): number {
    return this.size;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.size = 0;
  }

  private descriptor(): number {
    if (this.fd !== undefined) return this.fd;
    const dir = mkdtempSync(join(tmpdir(), `${this.prefix}-`));
    try {
      this.fd = openSync(join(dir, 'spill.jsonl'), 'w+', 0o600);
    } finally {
      // Gone from the file system at once; the descriptor keeps the data until it is closed.
      removeNow(dir);
    }
    return this.fd;
  }
}

/** Folders the file system would not let go of while their file was open (Windows): removed at exit. */
const atExit = new Set<string>();

function removeNow(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    if (atExit.size === 0)
      process.once('exit', () => {
        for (const folder of atExit) rmSync(folder, { recursive: true, force: true });
      });
    atExit.add(dir);
  }
}
