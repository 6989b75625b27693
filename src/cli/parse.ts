/**
 * `mirror-doctor parse <file|-> [--json] [--ref REF]`: turns ctr output and containerd daemon logs
 * into one evidence document per pull. All output passes through `redact()`.
 */
import { LogSourceError, readLogBlocks } from '../probe/log-source.js';
import { redact, redactedJsonText, redactJson, REDACTED } from '../report/redact.js';
import { createTraceParser, renderTraceText, type TraceDoc } from '../trace/index.js';
import { UsageError } from './usage-error.js';

export interface ParseCliOptions {
  json?: boolean;
  ref?: string;
}

export interface ParseIo {
  /** Returns false when the consumer is saturated (then `drained` is awaited). */
  stdout: (s: string) => boolean | void;
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

/** Runs the command; returns the exit code (0: parsed, 1: a pull failed, 2: unusable input). */
export async function runParse(file: string, opts: ParseCliOptions, io: ParseIo = STDOUT_IO): Promise<number> {
  if (!file) throw new UsageError('parse needs a file, or - for standard input', 'e.g. mirror-doctor parse ctr-output.txt');
  const parser = createTraceParser({ ref: opts.ref ?? null });
  let lines = 0;
  let recognised = false;
  // documents of long-finished pulls are drained while reading (flat memory on huge logs); the
  // JSON array is written incrementally, the text after the input ended
  let textCount = 0;
  let jsonCount = 0;
  let failed = false;
  // stdout to a pipe is asynchronous: honour backpressure or the queue grows with the input
  let saturated = false;
  const write = (s: string) => {
    if (io.stdout(s) === false) saturated = true;
  };
  const settle = async () => {
    if (saturated && io.drained) await io.drained();
    saturated = false;
  };
  // documents are written in pieces of about 64 KiB: far fewer calls than one per document, and
  // each piece stays below the size where encoding it for the write maps fresh memory
  const emitJson = (ds: TraceDoc[]) => {
    let out = '';
    for (const d of ds) {
      if (d.result === 'failure') failed = true;
      out += (jsonCount++ === 0 ? '[\n' : ',\n') + indentJson(redactedDocJson(d));
      if (out.length >= 1 << 16) {
        write(out);
        out = '';
      }
    }
    if (out) write(out);
  };
  try {
    for await (const blocks of readLogBlocks(file, io.stdin ? { stdin: io.stdin as never } : {}, () => parser.lines)) {
      for (const block of blocks) parser.feedText(block);
      lines = parser.lines;
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
    }
  } catch (e) {
    if (e instanceof LogSourceError) throw new UsageError(redact(e.message), e.hint);
    throw e;
  }
  const docs = [...parser.drain(), ...parser.end()];
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

// ---- JSON output -------------------------------------------------------------------------------

/** `text.replace(/^/gm, '  ')`: two spaces at the start of every line. */
function indentJson(text: string): string {
  // JSON.stringify escapes \n and \r inside strings, so a newline is a line start of the layout;
  // U+2028/U+2029 (also line terminators for /m) are left raw by JSON.stringify: take the regex then
  if (text.indexOf('\r') >= 0 || text.indexOf('\u2028') >= 0 || text.indexOf('\u2029') >= 0) return text.replace(/^/gm, '  ');
  return '  ' + text.replaceAll('\n', '\n  ');
}

/**
 * Exactly `redactedJsonText(d)` (redact every string, serialise with 2-space indentation, redact the
 * text once more), faster: the redacting deep copy uses plain loops instead of Object.entries and a
 * per-key regex, and remembers `redact()` of the enum-like values. `redact` is pure, so the memo
 * changes nothing. Values outside plain JSON data (never in a TraceDoc) take the original function.
 */
function redactedDocJson(d: unknown): string {
  let copy: unknown;
  try {
    copy = redactedCopy(d, 0);
  } catch (e) {
    if (e !== UNSUPPORTED) throw e;
    return redactedJsonText(d);
  }
  return redact(JSON.stringify(copy, null, 2));
}

const UNSUPPORTED = new Error('not plain JSON data');
// redact() of the values under these keys is remembered: they come from small fixed sets (code
// constants, never substrings of the input, so the memo keeps no input text alive) and some of
// them ("unauthorized", "tls-unknown-authority") take redact's slow path every time
const ENUM_KEYS = new Set(['schema', 'kind', 'mode', 'outcome', 'evidence', 'result', 'reason']);
const enumMemo = new Map<string, string>();
function redactEnum(s: string): string {
  let r = enumMemo.get(s);
  if (r === undefined) {
    r = redact(s);
    if (enumMemo.size < 256) enumMemo.set(s, r);
  }
  return r;
}
const secretKeys = new Map<string, boolean>();
/** Does redactJson replace a string under this key outright? (asked once per key name, so it follows redact.ts) */
function secretKey(k: string): boolean {
  let r = secretKeys.get(k);
  if (r === undefined) {
    r = (redactJson({ [k]: 'x' }) as Record<string, unknown>)[k] === REDACTED;
    if (secretKeys.size < 1000) secretKeys.set(k, r);
  }
  return r;
}

/** redactJson(v) for plain data: strings, finite numbers, booleans, null, arrays, plain objects. */
function redactedCopy(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return redact(v);
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v !== 'object' || depth > 60) throw UNSUPPORTED;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) throw UNSUPPORTED;
      out[i] = redactedCopy(v[i], depth + 1);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) throw UNSUPPORTED;
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    if (k === '__proto__' || k === 'toJSON') throw UNSUPPORTED;
    const x = (v as Record<string, unknown>)[k];
    out[k] = typeof x === 'string' ? (secretKey(k) ? REDACTED : ENUM_KEYS.has(k) ? redactEnum(x) : redact(x)) : x === undefined ? undefined : redactedCopy(x, depth + 1);
  }
  return out;
}
