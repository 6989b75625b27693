import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** The current size of a growing log file: a position to read new lines from later. */
export function logOffset(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * What was appended to `file` since `offset` (at most `limit` bytes, the newest kept); '' when it
 * cannot be read or is no longer a regular file. Opened non-blocking and checked by its descriptor:
 * a named pipe put at the name must not block the process (nor its Ctrl-C handler) waiting for a writer.
 */
export function readLogFrom(file: string, offset: number, limit = 64 * 1024 * 1024): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return '';
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size <= offset) return '';
    const start = Math.max(offset, st.size - limit);
    const buf = Buffer.alloc(st.size - start);
    const n = readSync(fd, buf, 0, buf.length, start);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}
