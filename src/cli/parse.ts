/**
 * `mirror-doctor parse <file|-> [--json] [--ref REF]`: turns ctr output and containerd daemon logs
 * into one evidence document per pull. All output passes through `redact()`.
 */
import { LogSourceError, readLogBatches } from '../probe/log-source.js';
import { redact, redactedJsonText } from '../report/redact.js';
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

/** Runs the command; returns the exit code (0: parsed, 1: a pull failed, 2: unusable input). */
export async function runParse(file: string, opts: ParseCliOptions, io: ParseIo = {
    stdout: (s) => process.stdout.write(s),
    drained: () =>
      new Promise<void>((r) => {
        const done = () => {
          process.stdout.off('drain', done).off('error', done).off('close', done);
          r();
        };
        process.stdout.once('drain', done).once('error', done).once('close', done);
      }),
  }): Promise<number> {
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
  const emitJson = (ds: TraceDoc[]) => {
    for (const d of ds) {
      if (d.result === 'failure') failed = true;
      write((jsonCount++ === 0 ? '[\n' : ',\n') + redactedJsonText(d).replace(/^/gm, '  '));
    }
  };
  try {
    for await (const batch of readLogBatches(file, io.stdin ? { stdin: io.stdin as never } : {})) {
      for (const line of batch) parser.feed(line);
      lines += batch.length;
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
