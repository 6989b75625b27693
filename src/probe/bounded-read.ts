/**
 * Reading a whole input of unknown size with a bound: a file, a device or a pipe is read by chunks
 * and never kept past `limit` bytes (`/dev/zero`, an endless pipe), so a runaway input is a clear
 * error instead of a process that grows until it is killed. Binary data (a NUL in the first
 * chunk) is told apart at once.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export class BoundedReadError extends Error {
  constructor(
    message: string,
    readonly reason: 'too-large' | 'binary',
  ) {
    super(message);
    this.name = 'BoundedReadError';
  }
}

const CHUNK = 1 << 16;
const SNIFF = 8192;

/** Collects chunks up to `limit` bytes; throws once more arrive or a NUL starts the input. */
export class BoundedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly name: string,
    private readonly limit: number,
  ) {}

  add(chunk: Buffer): void {
    if (this.size < SNIFF && chunk.subarray(0, SNIFF - this.size).includes(0)) {
      throw new BoundedReadError(`${this.name} is a binary file, not a report or a log`, 'binary');
    }
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.chunks.length = 0;
      throw new BoundedReadError(`${this.name} is more than ${mib(this.limit)}; a report or pod log is far smaller (nothing of it was used)`, 'too-large');
    }
    this.chunks.push(Buffer.from(chunk));
  }

  text(): string {
    return Buffer.concat(this.chunks, this.size).toString('utf8');
  }
}

/** The whole of `file` (a file, a device, a named pipe) as UTF-8, at most `limit` bytes. */
export function readFileBounded(file: string, limit: number): string {
  const fd = openSync(file, 'r');
  try {
    const into = new BoundedBuffer(file, limit);
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      into.add(buf.subarray(0, n));
    }
    return into.text();
  } finally {
    closeSync(fd);
  }
}

/** The whole of a stream (standard input) as UTF-8, at most `limit` bytes; stops reading it when the limit is crossed. */
export async function readStreamBounded(stream: NodeJS.ReadableStream & { destroy?: () => void }, name: string, limit: number): Promise<string> {
  const into = new BoundedBuffer(name, limit);
  try {
    for await (const c of stream) into.add(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  } catch (e) {
    stream.destroy?.();
    throw e;
  }
  return into.text();
}

function mib(n: number): string {
  return n >= 2 ** 20 ? `${Math.round(n / 2 ** 20)} MiB` : `${n} bytes`;
}
