import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** The current size of a growing log file: a position to read new lines from later. */
export function logOffset(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** What was appended to `file` since `offset` (at most `limit` bytes, the newest kept). */
export function readLogFrom(file: string, offset: number, limit = 64 * 1024 * 1024): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = statSync(file).size;
    if (size <= offset) return '';
    const start = Math.max(offset, size - limit);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
