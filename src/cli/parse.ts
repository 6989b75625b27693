/**
 * `mirror-doctor parse <file|-> [--json] [--ref REF]`: turns ctr output and containerd daemon logs
 * into one evidence document per pull. All output passes through `redact()`.
 */
import { statSync } from 'node:fs';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { LogSourceError, readLogRuns } from '../probe/log-source.js';
import { mark } from '../probe/timeline.js';
import { redact } from '../report/redact.js';
import { createTraceParser, type TraceDoc } from '../trace/index.js';
import { traceDocJson } from '../report/trace-json.js';
import { renderTraceText } from '../report/trace-text.js';
import { TraceSummary } from '../report/trace-summary.js';
import { TextSpool } from './text-spool.js';
import { UsageError } from '../errors.js';

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
 * V8's young generation for a big input. Pull groups live for ~15 MB of allocation: once a parse
 * has many of them (its first documents leave the window), the young generation goes to two
 * YOUNG_MIB semi-spaces in one step (`grow`) and then stays there (`keep`); until then it keeps
 * its first size, which is all that lines about other things need. A full collection starts at
 * 1.5x the live old generation. No allocation-site pretenuring: most of a pull's objects outlive one
 * minor collection, so V8 would allocate them in the old generation, where they die and cost a full
 * collection each few MB (26 on the worst-case log instead of 2, ~10% of the time). Measured in
 * docs/benchmarks.md; the flags are process-wide and read whenever V8 resizes a space or collects.
 */
function sizeGarbage(young: 'grow' | 'keep'): void {
  try {
    // one step from its size now to YOUNG_MIB (a fixed factor overshoots where V8's maximum is higher)
    const factor = young === 'grow' ? Math.max(2, Math.ceil(YOUNG_MIB / Math.max(1, youngGenerationMiB()))) : 1;
    setFlagsFromString(`--semi-space-growth-factor=${factor}`);
    setFlagsFromString('--heap-growing-percent=50');
    setFlagsFromString('--no-allocation-site-pretenuring');
  } catch {
    /* an engine without these flags: default sizing */
  }
}

/** The input bytes fed between two drains of the parser (see runParse). */
const PIECE_BYTES = 1 << 16;

/** The size (MiB) the young generation of a parse of a big input grows to. */
const YOUNG_MIB = 32;

/** The size of V8's young generation (new space), in MiB. */
function youngGenerationMiB(): number {
  const s = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
  return s ? Math.round(s.space_size / 2 ** 20) : -1;
}

/** Runs the command; returns the exit code (0: parsed, 1: a pull failed, 2: unusable input). */
export async function runParse(file: string, opts: ParseCliOptions, io: ParseIo = STDOUT_IO): Promise<number> {
  if (!file) throw new UsageError('parse needs a file, or - for standard input', 'e.g. mirror-doctor parse ctr-output.txt');
  const bounded = io === STDOUT_IO && bigInput(file);
  const parser = createTraceParser({ ref: opts.ref ?? null });
  // documents of long-finished pulls are drained while reading (flat memory on huge logs); the
  // JSON array is written incrementally; the text, which starts with a summary of every pull,
  // after the input ended (each pull's text is kept, not its document; beyond a few MiB in an
  // unlinked temporary file)
  let textCount = 0;
  const summary = new TraceSummary();
  const details = new TextSpool();
  const addText = (ds: TraceDoc[]) => {
    if (ds.length === 0) return;
    for (const d of ds) summary.add(d);
    // a blank line between pulls, as within one rendering
    details.add((textCount > 0 ? '\n' : '') + renderTraceText(ds, textCount));
    textCount += ds.length;
    if (ds.some((d) => d.result === 'failure')) failed = true;
  };
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
  // the indented form, a fifth less text, and a line per pull for grep/jq; encoded straight into
  // Buffers of ~128 KiB (far fewer writes than one per document)
  const sink = new Utf8Chunks(write);
  const emitJson = (ds: TraceDoc[]) => {
    for (const d of ds) {
      if (d.result === 'failure') failed = true;
      sink.add(jsonCount++ === 0 ? '[\n' : ',\n');
      sink.add(traceDocJson(d));
    }
  };
  const output = (ds: TraceDoc[]) => (opts.json ? emitJson(ds) : addText(ds));
  // see sizeGarbage
  let young: 'first' | 'growing' | 'grown' = 'first';
  try {
    for await (const blocks of readLogRuns(file, io.stdin ? { stdin: io.stdin as never } : {}, () => parser.lines)) {
      for (const block of blocks) {
        if (typeof block === 'string') {
          parser.feedText(block);
          continue;
        }
        // in pieces, each followed by a drain: a document is written and let go soon after its
        // pull leaves the window, not a whole chunk later (kept that long, pulls outlive two minor
        // collections and fill the old generation)
        const { buf, end, ascii } = block;
        for (let i = block.start; i <= end; ) {
          let j = i + PIECE_BYTES >= end ? end : buf.lastIndexOf(10, i + PIECE_BYTES);
          if (j < i) j = buf.indexOf(10, i);
          if (j < 0 || j > end) j = end;
          parser.feedBytes(buf, i, j, ascii);
          output(parser.drain());
          i = j + 1;
        }
      }
      if (bounded && young !== 'grown') {
        if (young === 'first' && parser.retired > 0) {
          sizeGarbage('grow');
          young = 'growing';
        } else if (young === 'growing' && youngGenerationMiB() >= YOUNG_MIB) {
          // grown in one step to its size: it grows no further
          sizeGarbage('keep');
          young = 'grown';
          mark('parse: young generation grown', { line: parser.lines, youngMiB: youngGenerationMiB() });
        }
      }
      output(parser.drain());
      sink.flush();
      await settle();
    }
  } catch (e) {
    if (e instanceof LogSourceError) throw new UsageError(redact(e.message), e.hint);
    throw e;
  }
  const docs = [...parser.drain(), ...parser.end()];
  if (bounded) mark('parse: input ended', { line: parser.lines, youngMiB: youngGenerationMiB(), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) });
  // not a log at all (prose, a config file, an empty input): nothing was judged. Nothing has been
  // written yet: no pull, so no JSON either
  if (parser.logLines === 0 && parser.pullsSeen === 0) {
    const what = file === '-' ? 'standard input' : file;
    throw new UsageError(
      redact(parser.lines === 0 ? `${what} is empty: no log lines to read` : `${what} has no log lines (${parser.lines} lines, none from ctr, containerd or journald)`),
      'parse reads ctr output and containerd daemon logs (logrus text or JSON, journalctl): see mirror-doctor parse --help',
    );
  }
  if (opts.json) {
    emitJson(docs);
    sink.flush();
    io.stdout(jsonCount === 0 ? '[]\n' : '\n]\n');
    return failed ? 1 : 0;
  }
  const lines = parser.lines;
  const facts = parser.daemonFacts();
  addText(docs);
  const recognised = textCount > 0 || facts.pluginErrors.length > 0 || facts.criConfigPath !== null || facts.hostsTomlErrors.length > 0;
  if (textCount > 0) {
    write(summary.render());
    await details.drainTo(write, settle);
    return failed ? 1 : 0;
  }
  let text = renderTraceText([]);
  if (recognised) {
    const extra: string[] = [];
    for (const e of facts.pluginErrors) extra.push(`! plugin ${e.plugin} failed to load: ${e.error}`);
    // containerd then reads only the folder's certificate files: the next pull through it asks no mirror
    for (const e of facts.hostsTomlErrors) extra.push(`! hosts.toml not parsed${e.dir ? ` (${e.dir})` : ''}: ${e.error}: containerd ignores it, so pulls of that registry ask no mirror`);
    if (facts.criConfigPath !== null) extra.push(`· CRI registry config_path: ${facts.criConfigPath || '(empty)'}`);
    text += extra.join('\n') + '\n';
  }
  if (lines > 0 && !recognised && opts.ref) text = redact(`No pull of ${opts.ref} found in ${lines} lines.\n`);
  io.stdout(redact(text));
  return 0;
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
