/**
 * `mirror-doctor parse <file|-> [--json] [--ref REF]`: turns ctr output and containerd daemon logs
 * into one evidence document per pull. All output passes through `redact()`.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { LogSourceError, readLogBlocks, type LogSourceOptions } from '../probe/log-source.js';
import { mark } from '../probe/timeline.js';
import { redact } from '../report/redact.js';
import { createTraceParser, renderTraceText, type TraceDoc } from '../trace/index.js';
import { traceDocJson } from '../trace/render-json.js';
import { CheckpointMatcher } from '../trace/segments.js';
import { planSplit, SegmentWorker } from './parse-split.js';
import { UsageError } from './usage-error.js';

export interface ParseCliOptions {
  json?: boolean;
  ref?: string;
}

export interface ParseIo {
  /**
   * Returns false when the consumer is saturated (then `drained` is awaited). The JSON output
   * comes as Buffers of whole UTF-8 characters (never reused after the call), the text as strings.
   */
  stdout: (s: string | Uint8Array) => boolean | void;
  drained?: () => Promise<void>;
  stdin?: NodeJS.ReadableStream;
}

const STDOUT_IO: ParseIo = {
  stdout: (s) => process.stdout.write(s),
  drained: () =>
    new Promise<void>((r) => {
      // the 'drain' may already have happened while the next chunk was read: waiting for another
      // one would leave nothing pending, and node would exit mid-output (code 13, output cut)
      if (!process.stdout.writableNeedDrain || process.stdout.destroyed) {
        r();
        return;
      }
      const done = () => {
        process.stdout.off('drain', done).off('error', done).off('close', done);
        r();
      };
      process.stdout.once('drain', done).once('error', done).once('close', done);
    }),
};

/** Standard input (size unknown) or a file of 16 MiB or more. */
function bigInput(file: string): boolean {
  if (file === '-') return true;
  try {
    return statSync(file).size >= 1 << 24;
  } catch {
    return false;
  }
}

/**
 * Sizes the garbage V8 keeps around, for the rest of the process (the flags are process-wide:
 * only the CLI on big inputs sets them). Parsing a big log allocates ~7 bytes per input byte, and
 * a pull group lives until WINDOW (400) later groups have started: ~10,000 lines, ~15 MB of
 * allocation. V8's defaults serve that badly:
 *  - the young generation starts at two 1 MiB semi-spaces and doubles only once enough has
 *    survived scavenges: while it is small, nearly every pull group survives two scavenges and
 *    is copied into the old generation, and the collector's time goes into that (a third of the
 *    CPU at 1 MiB);
 *  - the old generation may grow to ~4× what survived the last full collection before the next
 *    one (45–55 MiB of dead pull groups here; more in the single-file build, whose bundled
 *    dependencies make the live heap larger).
 * So on one thread the young generation goes straight to two 32 MiB semi-spaces (growth factor
 * 32: one step; then factor 1, so that it never grows past them): a pull group mostly dies
 * before its first scavenge. Growing percent 50 starts a full collection when the old generation
 * reaches 1.5× (at least +8 MiB) its live size. Measured on the 256 MB log (docs/benchmarks.md
 * § trace-parser): ~0.8× the CPU of 1 MiB semi-spaces, for a peak RSS of ~115 MiB instead of ~80.
 * With a worker thread (parse-split.ts) both threads keep 1 MiB semi-spaces (factor 1): two
 * heaps with large young generations would pass the 150 MB the parse is allowed.
 * `--max-semi-space-size` cannot change after V8 has started (and `node dist/mirror-doctor.mjs`
 * has no command-line flags), but both of these flags are read whenever V8 resizes a space. V8
 * clamps the growth factor to ≥ 2 whenever it sets up a heap (Heap::ConfigureHeap): at start,
 * before this runs, and for each worker thread's isolate, after which runParse sets it again.
 */
function sizeGarbage(young: 'grow' | 'keep'): void {
  try {
    setFlagsFromString(`--semi-space-growth-factor=${young === 'grow' ? YOUNG_MIB : 1}`);
    setFlagsFromString('--heap-growing-percent=50');
  } catch {
    /* an engine without these flags: default sizing */
  }
}

/** The semi-space size (MiB) the young generation of a one-thread parse of a big input grows to. */
const YOUNG_MIB = 32;

/** The size of this thread's young generation (V8's new space), in MiB. */
function youngGenerationMiB(): number {
  const s = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
  return s ? Math.round(s.space_size / 2 ** 20) : -1;
}

/** Runs the command; returns the exit code (0: parsed, 1: a pull failed, 2: unusable input). */
export async function runParse(file: string, opts: ParseCliOptions, io: ParseIo = STDOUT_IO): Promise<number> {
  if (!file) throw new UsageError('parse needs a file, or - for standard input', 'e.g. mirror-doctor parse ctr-output.txt');
  const bounded = io === STDOUT_IO && bigInput(file);
  let parser = createTraceParser({ ref: opts.ref ?? null });
  let lines = 0;
  let recognised = false;
  // documents of long-finished pulls are drained while reading (flat memory on huge logs); the
  // JSON array is written incrementally, the text after the input ended
  let textCount = 0;
  let jsonCount = 0;
  let failed = false;
  // stdout to a pipe is asynchronous: honour backpressure or the queue grows with the input
  let saturated = false;
  const write = (s: string | Uint8Array) => {
    if (io.stdout(s) === false) saturated = true;
  };
  const settle = async () => {
    if (saturated && io.drained) await io.drained();
    saturated = false;
  };
  // one compact document per line inside the array (`[`, `{…},`, …, `]`): the same JSON value as
  // the indented form, a fifth less text to redact and write, and a line per pull for grep/jq.
  // Each document is encoded straight into a Buffer of about 128 KiB, written when full: far fewer
  // writes than one per document, and no long string to assemble and encode per write
  const sink = new Utf8Chunks(write);
  // documents printed already, by a parse that a second one (see below) repeats
  let skip = 0;
  const emitJson = (ds: TraceDoc[]) => {
    for (const d of ds) {
      if (skip > 0) {
        skip--;
        continue;
      }
      if (d.result === 'failure') failed = true;
      sink.add(jsonCount++ === 0 ? '[\n' : ',\n');
      sink.add(traceDocJson(d));
    }
    sink.flush();
  };
  const split = opts.json && io === STDOUT_IO ? planSplit(file) : null;
  const worker = split ? SegmentWorker.start(file, split.start, opts.ref ?? null) : null;
  // see sizeGarbage: a large young generation on one thread, small ones next to a worker
  let growing = bounded && !worker;
  if (bounded) sizeGarbage(growing ? 'grow' : 'keep');
  // setting up the worker's V8 heap puts the young generation's growth factor (a process-wide
  // flag) back to its minimum of 2: this thread's young generation would then grow to 32 MiB
  if (bounded && worker) void worker.online.then(() => sizeGarbage('keep'));
  let matcher: CheckpointMatcher | null = null;
  const feed = async (range: LogSourceOptions) => {
    for await (const blocks of readLogBlocks(file, { ...range, ...(io.stdin ? { stdin: io.stdin as never } : {}) }, () => parser.lines)) {
      for (const block of blocks) {
        parser.feedText(block);
        if (parser.isStopped) break;
      }
      lines = parser.lines;
      // the young generation has grown (in one step) to its size: it grows no further
      if (growing && youngGenerationMiB() >= YOUNG_MIB) {
        sizeGarbage('keep');
        growing = false;
        mark('parse: young generation grown', { line: parser.lines, youngMiB: youngGenerationMiB() });
      }
      await settle();
      {
        const ds = parser.drain();
        if (opts.json) emitJson(ds);
        else if (ds.length) {
          write(renderTraceText(ds, textCount));
          textCount += ds.length;
          if (ds.some((d) => d.result === 'failure')) failed = true;
        }
      }
      if (parser.isStopped) break;
      // no checkpoint left to meet the worker at: its work is of no use
      if (matcher?.exhausted && worker) void worker.stop();
    }
  };
  try {
    try {
      if (!split || !worker) await feed({});
      else {
        await feed({ end: split.start });
        const checkpoints = await worker.checkpoints;
        mark('parse: at the cut', { line: parser.lines, checkpoints: checkpoints?.length ?? null });
        if (checkpoints && checkpoints.length > 0) matcher = new CheckpointMatcher(parser, checkpoints);
        else void worker.stop();
        await feed({ start: split.start });
        // with the young generation's size: it stays small only if sizeGarbage('keep') held (see above)
        mark(matcher?.matched ? 'parse: handed over' : 'parse: no hand-over', { line: parser.lines, youngMiB: youngGenerationMiB() });
      }
      if (worker && matcher?.matched) {
        // this thread's documents up to the checkpoint, then the worker's from there on
        const done = await worker.done;
        const offset = done?.offsets[matcher.matched.line];
        if (done && offset !== undefined) {
          if (done.lastFailed >= matcher.matched.docs) failed = true;
          const wrote = await copyTail(worker.out, offset, jsonCount === 0, write, settle);
          io.stdout(jsonCount === 0 && !wrote ? '[]\n' : '\n]\n');
          return failed ? 1 : 0;
        }
        // the worker died after the hand-over (out of memory, disk full, …): parse again here,
        // from the start, and print what follows the documents already printed
        skip = jsonCount;
        matcher = null;
        parser = createTraceParser({ ref: opts.ref ?? null });
        await feed({});
      }
    } catch (e) {
      if (e instanceof LogSourceError) throw new UsageError(redact(e.message), e.hint);
      throw e;
    }
  } finally {
    if (worker) {
      if (matcher?.matched) worker.cleanup();
      else await worker.stop();
    }
  }
  const docs = [...parser.drain(), ...parser.end()];
  if (bounded) mark('parse: input ended', { line: parser.lines, youngMiB: youngGenerationMiB() });
  if (opts.json) {
    emitJson(docs);
    io.stdout(jsonCount === 0 ? '[]\n' : '\n]\n');
    return failed ? 1 : 0;
  }
  const facts = parser.daemonFacts();
  recognised = docs.length + textCount > 0 || facts.pluginErrors.length > 0 || facts.criConfigPath !== null;
  {
    let text = docs.length === 0 && textCount > 0 ? '' : renderTraceText(docs, textCount);
    if (docs.length + textCount === 0 && recognised) {
      const extra: string[] = [];
      for (const e of facts.pluginErrors) extra.push(`! plugin ${e.plugin} failed to load: ${e.error}`);
      if (facts.criConfigPath !== null) extra.push(`· CRI registry config_path: ${facts.criConfigPath || '(empty)'}`);
      text += extra.join('\n') + '\n';
    }
    if (docs.length + textCount === 0 && lines > 0 && !recognised && opts.ref) text = redact(`No pull of ${opts.ref} found in ${lines} lines.\n`);
    io.stdout(redact(text));
  }
  return failed || docs.some((d) => d.result === 'failure') ? 1 : 0;
}

/**
 * Writes `file` from byte `from` (documents, each as `,\n` + JSON); when it comes first in the
 * array, its leading `,\n` becomes `[\n`. Returns whether it wrote anything.
 */
async function copyTail(file: string, from: number, first: boolean, write: (b: Uint8Array) => void, settle: () => Promise<void>): Promise<boolean> {
  const fd = openSync(file, 'r');
  try {
    let pos = from;
    let wrote = false;
    for (;;) {
      const buf = Buffer.allocUnsafeSlow(1 << 20);
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      let chunk = buf.subarray(0, n);
      if (!wrote && first) {
        write(Buffer.from('[\n'));
        chunk = chunk.subarray(2);
      }
      wrote = true;
      pos += n;
      write(chunk);
      await settle();
    }
    return wrote;
  } finally {
    closeSync(fd);
  }
}

/** Collects strings as UTF-8 in Buffers of CHUNK bytes and hands each full one to `write`. */
class Utf8Chunks {
  private static readonly CHUNK = 1 << 17;
  private buf: Buffer | null = null;
  private used = 0;

  constructor(private readonly write: (b: string | Uint8Array) => void) {}

  add(s: string): void {
    // a UTF-16 code unit takes at most 3 bytes in UTF-8
    if (this.buf === null || this.used + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > Utf8Chunks.CHUNK) {
        this.write(s);
        return;
      }
      this.buf = Buffer.allocUnsafeSlow(Utf8Chunks.CHUNK);
    }
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  /** Writes what was collected; the Buffer is the consumer's from then on. */
  flush(): void {
    if (this.buf !== null && this.used > 0) this.write(this.buf.subarray(0, this.used));
    this.buf = null;
    this.used = 0;
  }
}
