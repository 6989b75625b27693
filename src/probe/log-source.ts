/**
 * Log input for `mirror-doctor parse`: a file path or `-` (stdin), gzip recognised by its magic
 * bytes, streamed line by line (the file is never read whole). Malformed input becomes a
 * `LogSourceError` with a clear message: binary data, a truncated/corrupt gzip stream, a line over
 * `maxLineBytes`, or bytes that are not UTF-8.
 *
 * The line splitter works on Buffers (indexOf 0x0a) and decodes each chunk's complete lines in one
 * `TextDecoder` call: faster than readline and it validates UTF-8 as it goes.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';

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
  const maxLine = opts.maxLineBytes ?? 1 << 20;
  let input: Readable;
  const name = path === '-' ? 'standard input' : path;
  if (path === '-') input = opts.stdin ?? process.stdin;
  else {
    try {
      const st = await stat(path);
      if (st.isDirectory()) throw new LogSourceError(`${path} is a directory, not a log file`);
    } catch (e) {
      if (e instanceof LogSourceError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new LogSourceError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(e)})`);
    }
    input = createReadStream(path, { highWaterMark: 1 << 20 });
  }
  yield* splitLines(sniffGzip(input, name), name, maxLine);
}

/** Wraps `input` so that gzip data (by magic bytes) is gunzipped transparently. */
async function* sniffGzip(input: Readable, name: string): AsyncGenerator<Buffer> {
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

async function* splitLines(chunks: AsyncIterable<Buffer>, name: string, maxLine: number): AsyncGenerator<string[]> {
  let carry: Buffer | null = null;
  let lineNo = 0;
  let checkedBinary = false;
  // Buffer#toString is much faster than a fatal TextDecoder; validity is checked with isUtf8 (simdutf)
  const decode = (b: Buffer): string => {
    if (!isUtf8(b)) {
      throw new LogSourceError(`${name}: not UTF-8 text near line ${lineNo + 1}`, 'containerd and ctr logs are UTF-8; is this the right file (not a binary or a different encoding)?');
    }
    return b.toString('utf8');
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
      if (carry.length > maxLine) throw tooLong(name, lineNo + 1, maxLine);
      continue;
    }
    const batch: string[] = [];
    let body = chunk.subarray(0, lastNl);
    if (carry) {
      // only the carried partial line is copied, not the whole chunk
      const firstNl = chunk.indexOf(10);
      const head = decode(Buffer.concat([carry, chunk.subarray(0, firstNl)]));
      carry = null;
      if (head.length > maxLine) throw tooLong(name, lineNo + 1, maxLine);
      lineNo++;
      batch.push(head);
      body = firstNl === lastNl ? Buffer.alloc(0) : chunk.subarray(firstNl + 1, lastNl);
      if (firstNl === lastNl) {
        const tail = chunk.subarray(lastNl + 1);
        if (tail.length) carry = Buffer.from(tail);
        yield batch;
        continue;
      }
    }
    const tail = chunk.subarray(lastNl + 1);
    if (tail.length) carry = Buffer.from(tail);
    const text = decode(body);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      if (end - start > maxLine) {
        if (batch.length) yield batch;
        throw tooLong(name, lineNo + 1, maxLine);
      }
      lineNo++;
      batch.push(text.slice(start, end));
      if (nl < 0) break;
      start = nl + 1;
    }
    yield batch;
    if (carry && carry.length > maxLine) throw tooLong(name, lineNo + 1, maxLine);
  }
  if (carry && carry.length) {
    lineNo++;
    yield [decode(carry)];
  }
}

function tooLong(name: string, line: number, max: number): LogSourceError {
  return new LogSourceError(
    `${name}: line ${line} is longer than ${Math.round(max / 1024)} KiB; this does not look like a containerd or ctr log`,
    'logrus splits entries at 64 KiB; a longer line usually means binary data or a file without newlines.',
  );
}
