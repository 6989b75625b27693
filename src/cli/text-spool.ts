/**
 * The text of `parse` kept until the summary that goes before it is printed: in memory up to a
 * limit, then in a temporary file that is unlinked as soon as it is opened (read back through its
 * descriptor, so nothing is left behind even when the process is killed), so memory stays flat on
 * a log of any number of pulls.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileErrorReason, UsageError } from '../errors.js';

/** Characters of text kept in memory before the rest goes to a temporary file. */
export const SPOOL_AT = 1 << 20;

export class TextSpool {
  private parts: string[] = [];
  private size = 0;
  private fd: number | null = null;
  private bytes = 0;

  constructor(private readonly limit = SPOOL_AT) {}

  add(s: string): void {
    if (this.fd !== null) return this.write(s);
    this.parts.push(s);
    this.size += s.length;
    if (this.size < this.limit) return;
    this.fd = openUnlinked();
    for (const p of this.parts) this.write(p);
    this.parts = [];
  }

  /** Hands everything kept to `out` in order (waiting on `settle` between chunks), and lets it go. */
  async drainTo(out: (s: string | Uint8Array) => void, settle: () => Promise<void>): Promise<void> {
    for (const p of this.parts) {
      out(p);
      await settle();
    }
    this.parts = [];
    const fd = this.fd;
    if (fd === null) return;
    this.fd = null;
    try {
      // read into one buffer and handed on as strings (small ones, collected young: Buffers of
      // the whole text would wait for a full collection and add its size to the peak memory)
      const buf = Buffer.allocUnsafe(1 << 16);
      const utf8 = new StringDecoder('utf8');
      for (let pos = 0; pos < this.bytes; ) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, this.bytes - pos), pos);
        if (n <= 0) break;
        pos += n;
        out(utf8.write(buf.subarray(0, n)));
        await settle();
      }
      const rest = utf8.end();
      if (rest) out(rest);
    } finally {
      closeSync(fd);
    }
  }

  private write(s: string): void {
    try {
      // a regular file takes the whole string (no Buffer of it to collect)
      this.bytes += writeSync(this.fd as number, s, this.bytes, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot keep the text of the pulls in ${tmpdir()} until the summary is printed: ${fileErrorReason(e)}`, 'free some space there, point TMPDIR elsewhere, or use --json (written as it is read)');
    }
  }
}

/** A new temporary file of ours (0600, in a 0700 folder), already unlinked: only its descriptor remains. */
function openUnlinked(): number {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'mirror-doctor-parse-'));
    const path = join(dir, 'text');
    const fd = openSync(path, 'wx+', 0o600);
    unlinkSync(path);
    rmdirSync(dir);
    return fd;
  } catch (e) {
    throw new UsageError(`cannot keep the text of the pulls in ${tmpdir()} until the summary is printed: ${fileErrorReason(e)}`, 'point TMPDIR to a writable folder, or use --json (written as it is read)');
  }
}
