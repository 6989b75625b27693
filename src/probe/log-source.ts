/**
 * Log input for `mirror-doctor parse`: a file path or `-` (stdin), gzip recognised by its magic
 * bytes, streamed line by line (the file is never read whole; a pipe or a named pipe is read as a
 * stream, like stdin). An input that cannot be opened or read is a `LogSourceError` naming it and why. Malformed input becomes a
 * `LogSourceError` with a clear message: binary data, a truncated/corrupt gzip stream, a line over
 * `maxLineBytes`, or bytes that are not UTF-8.
 *
 * The line splitter works on Buffers (indexOf 0x0a) and decodes each chunk's complete lines in one
 * `TextDecoder` call: faster than readline and it validates UTF-8 as it goes.
 */
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { isAscii, isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { fileErrorReason } from '../errors.js';

export class LogSourceError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'LogSourceError';
  }
}

export interface LogSourceOptions {
  /** Longest accepted line in bytes (default 1 MiB; logrus splits entries at 64 KiB). */
  maxLineBytes?: number;
  /** For tests: a stream to read instead of stdin when the path is `-`. */
  stdin?: Readable;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Opens `path` (or stdin for `-`) and yields its lines without the trailing newline. */
export async function* readLogLines(path: string, opts: LogSourceOptions = {}): AsyncGenerator<string> {
  for await (const batch of readLogBatches(path, opts)) yield* batch;
}

/** Like readLogLines, but yields the lines of each input chunk as one array (much cheaper per line). */
export async function* readLogBatches(path: string, opts: LogSourceOptions = {}): AsyncGenerator<string[]> {
  let lines = 0;
  for await (const blocks of readLogBlocks(path, opts, () => lines)) {
    const batch: string[] = [];
    for (const b of blocks) {
      let start = 0;
      for (;;) {
        const nl = b.indexOf('\n', start);
        batch.push(nl < 0 ? b.slice(start) : b.slice(start, nl));
        if (nl < 0) break;
        start = nl + 1;
      }
    }
    lines += batch.length;
    yield batch;
  }
}

/**
 * The fast form: blocks of whole lines joined by `\n` (`"a\nb"` is two lines, `""` one empty line),
 * ~64 KiB each unless a line is longer; ASCII decoded as latin1 (the same text, several times
 * faster). `linesConsumed` says how many lines the caller has read, for line numbers in errors.
 */
export async function* readLogBlocks(path: string, opts: LogSourceOptions = {}, linesConsumed?: () => number): AsyncGenerator<string[]> {
  yield* readLog(path, opts, linesConsumed, false) as AsyncGenerator<string[]>;
}

/** Valid UTF-8 of whole lines, `buf[start, end)` joined by `\n` (`buf[end]` is the last one's newline); `ascii`: all of it. */
export interface ByteLines {
  buf: Buffer;
  start: number;
  end: number;
  ascii: boolean;
}

/**
 * Like readLogBlocks, but a chunk's complete lines come undecoded (validated), as ByteLines: a
 * view of a buffer that is reused once the next item is asked for.
 */
export async function* readLogRuns(path: string, opts: LogSourceOptions = {}, linesConsumed?: () => number): AsyncGenerator<(string | ByteLines)[]> {
  yield* readLog(path, opts, linesConsumed, true);
}

async function* readLog(path: string, opts: LogSourceOptions, linesConsumed: (() => number) | undefined, bytes: boolean): AsyncGenerator<(string | ByteLines)[]> {
  const maxLine = opts.maxLineBytes ?? 1 << 20;
  const name = path === '-' ? 'standard input' : path;
  let chunks: AsyncIterable<Buffer>;
  if (path === '-') chunks = sniffGzip(opts.stdin ?? process.stdin, name);
  else {
    let fd: number | null = null;
    try {
      const st = await stat(path);
      if (st.isDirectory()) throw new LogSourceError(`${path} is a directory, not a log file`);
      // non-blocking, and checked again by its descriptor: a named pipe never blocks the open
      if (st.isFile()) fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      if (fd !== null && !fstatSync(fd).isFile()) {
        closeSync(fd);
        fd = null;
      }
    } catch (e) {
      if (e instanceof LogSourceError) throw e;
      throw cannotRead(path, e);
    }
    if (fd === null) {
      // a pipe (`parse <(zcat log.gz)`, a named pipe) or a device: a stream, as standard input
      chunks = sniffGzip(namedReadErrors(createReadStream(path, { highWaterMark: 1 << 20 }), name), name);
    } else {
      // a plain file is read into one buffer, reused for every chunk (splitBlocks copies what it
      // keeps across chunks); gzip goes through a stream
      const head = Buffer.alloc(2);
      let gzip: boolean;
      try {
        gzip = readSync(fd, head, 0, 2, 0) === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
      } catch (e) {
        closeSync(fd);
        throw cannotRead(path, e);
      }
      if (gzip) {
        closeSync(fd);
        chunks = sniffGzip(namedReadErrors(createReadStream(path, { highWaterMark: 1 << 20 }), name), name);
      } else chunks = fileChunks(fd, name);
    }
  }
  let counted = 0;
  const consumed = linesConsumed ?? (() => counted);
  for await (const blocks of splitBlocks(chunks, name, maxLine, consumed, bytes)) {
    if (!linesConsumed) for (const b of blocks) counted += typeof b === 'string' ? countLines(b) : countByteLines(b);
    yield blocks;
  }
}

/** The file's bytes in chunks of up to 1 MiB, each a view of the same buffer (valid until the next is asked for). Closes the file. */
/** The error for a log input that cannot be opened or read: its name and why, in words. */
function cannotRead(name: string, e: unknown): LogSourceError {
  return new LogSourceError((e as NodeJS.ErrnoException).code === 'ENOENT' ? `${name}: no such file` : `${name}: cannot read it: ${fileErrorReason(e)}`);
}

/** A stream's chunks; a failed open or read of it (EACCES, EIO) is a LogSourceError naming the input. */
async function* namedReadErrors(input: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  try {
    yield* input;
  } catch (e) {
    if (typeof (e as NodeJS.ErrnoException).syscall === 'string') throw cannotRead(name, e);
    throw e;
  }
}

async function* fileChunks(fd: number, name: string): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafeSlow(1 << 20);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        throw cannotRead(name, e);
      }
      if (n <= 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** Wraps `input` so that gzip data (by magic bytes) is gunzipped transparently. */
async function* sniffGzip(input: AsyncIterable<Buffer | string>, name: string): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let first: Buffer = Buffer.alloc(0);
  // collect at least 2 bytes to decide
  while (first.length < 2) {
    const r = await it.next();
    if (r.done) break;
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    first = first.length ? Buffer.concat([first, b]) : b;
  }
  const rest: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const r = await it.next();
        if (r.done) return { done: true, value: undefined };
        return { done: false, value: typeof r.value === 'string' ? Buffer.from(r.value) : r.value };
      },
      return: async () => {
        await it.return?.();
        return { done: true, value: undefined };
      },
    }),
  };
  if (first.length >= 2 && first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1]) {
    const gunzip = createGunzip();
    const pump = (async () => {
      try {
        if (!gunzip.write(first)) await new Promise((r) => gunzip.once('drain', r));
        for await (const b of rest) {
          if (!gunzip.write(b)) await new Promise((r) => gunzip.once('drain', r));
        }
        gunzip.end();
      } catch (e) {
        gunzip.destroy(e as Error);
      }
    })();
    try {
      for await (const b of gunzip as AsyncIterable<Buffer>) yield b;
    } catch (e) {
      if (e instanceof LogSourceError) throw e;
      const msg = (e as Error).message ?? String(e);
      throw new LogSourceError(
        `${name}: gzip data is ${/unexpected end/i.test(msg) ? 'truncated' : 'corrupt'} (${msg})`,
        'Re-copy the file, or pass the uncompressed log.',
      );
    }
    await pump;
    return;
  }
  if (first.length) yield first;
  yield* rest;
}

/** Lines in a block (`""` is one line). */
function countLines(b: string): number {
  let n = 1;
  for (let i = b.indexOf('\n'); i >= 0; i = b.indexOf('\n', i + 1)) n++;
  return n;
}

/** Lines in ByteLines (an empty range is one line). */
function countByteLines(b: ByteLines): number {
  let n = 1;
  for (let i = b.buf.indexOf(10, b.start); i >= 0 && i < b.end; i = b.buf.indexOf(10, i + 1)) n++;
  return n;
}

const BLOCK = 1 << 16;

async function* splitBlocks(chunks: AsyncIterable<Buffer>, name: string, maxLine: number, consumed: () => number, bytes: boolean): AsyncGenerator<(string | ByteLines)[]> {
  let carry: Buffer | null = null;
  let checkedBinary = false;
  const notUtf8 = (line: number) =>
    new LogSourceError(`${name}: not UTF-8 text near line ${line}`, 'containerd and ctr logs are UTF-8; is this the right file (not a binary or a different encoding)?');
  /** The first line of `buf[from, to)` (lines separated by 0x0a) that is not UTF-8, as an index from 0. */
  const firstBadLine = (buf: Buffer, from: number, to: number): number => {
    let n = 0;
    for (let s = from; s < to; n++) {
      let e = buf.indexOf(10, s);
      if (e < 0 || e > to) e = to;
      if (!isUtf8(buf.subarray(s, e))) return n;
      s = e + 1;
    }
    return 0;
  };
  for await (const chunk of chunks) {
    if (!checkedBinary) {
      checkedBinary = true;
      if (chunk.subarray(0, 8192).includes(0)) {
        throw new LogSourceError(`${name}: binary data, not a log (NUL bytes at the start)`, 'Pass ctr output or a containerd log (plain text or .gz).');
      }
    }
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl < 0) {
      carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      if (carry.length > maxLine) throw tooLong(name, consumed() + 1, maxLine);
      continue;
    }
    let out: (string | ByteLines)[] = [];
    let pos = 0;
    if (carry) {
      // only the carried partial line is copied, not the whole chunk
      const firstNl = chunk.indexOf(10);
      const head = Buffer.concat([carry, chunk.subarray(0, firstNl)]);
      carry = null;
      if (!isUtf8(head)) throw notUtf8(consumed() + 1);
      const text = head.toString(isAscii(head) ? 'latin1' : 'utf8');
      if (text.length > maxLine) throw tooLong(name, consumed() + 1, maxLine);
      out.push(text);
      pos = firstNl + 1;
    }
    const tail = chunk.subarray(lastNl + 1);
    if (tail.length) carry = Buffer.from(tail);
    if (pos <= lastNl) {
      // the complete lines chunk[pos, lastNl)
      const ascii = isAscii(chunk.subarray(pos, lastNl));
      if (!ascii && !isUtf8(chunk.subarray(pos, lastNl))) {
        throw notUtf8(consumed() + out.length + firstBadLine(chunk, pos, lastNl) + 1);
      }
      const enc = ascii ? 'latin1' : 'utf8';
      // lines none of which can be over-long (in characters nor in bytes): handed over undecoded
      if (bytes && lastNl - pos <= maxLine) {
        out.push({ buf: chunk, start: pos, end: lastNl, ascii });
        yield out;
        out = [];
        pos = lastNl + 1;
      }
      while (pos <= lastNl) {
        // a block ends at the last newline within BLOCK bytes (or at the end of a longer line)
        let end = pos + BLOCK >= lastNl ? lastNl : chunk.lastIndexOf(10, pos + BLOCK);
        if (end < pos) end = chunk.indexOf(10, pos + BLOCK);
        const block = chunk.toString(enc, pos, end);
        if (block.length > maxLine) {
          // find the over-long line; the lines before it are still delivered, like the line reader did
          for (let s = 0; ; ) {
            const nl = block.indexOf('\n', s);
            const e = nl < 0 ? block.length : nl;
            if (e - s > maxLine) {
              if (s > 0) out.push(block.slice(0, s - 1));
              if (out.length) yield out;
              throw tooLong(name, consumed() + 1, maxLine);
            }
            if (nl < 0) break;
            s = nl + 1;
          }
        }
        // each block is handed over on its own: the caller has parsed it before the next one is
        // decoded, so one block at a time is alive rather than a whole chunk's worth. A megabyte
        // of fresh strings would fill V8's young generation at once, and every scavenge while they
        // are parsed would copy what is still unread (the GC was a quarter of a big log's parse)
        out.push(block);
        yield out;
        out = [];
        pos = end + 1;
      }
    }
    if (out.length) yield out;
    if (carry && carry.length > maxLine) throw tooLong(name, consumed() + 1, maxLine);
  }
  if (carry && carry.length) {
    if (!isUtf8(carry)) throw notUtf8(consumed() + 1);
    yield [carry.toString(isAscii(carry) ? 'latin1' : 'utf8')];
  }
}

function tooLong(name: string, line: number, max: number): LogSourceError {
  return new LogSourceError(
    `${name}: line ${line} is longer than ${Math.round(max / 1024)} KiB; this does not look like a containerd or ctr log`,
    'logrus splits entries at 64 KiB; a longer line usually means binary data or a file without newlines.',
  );
}
