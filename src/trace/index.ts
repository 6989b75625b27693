/**
 * Trace parser public API.
 *
 *   const p = createTraceParser({ ref });   // incremental: p.feed(line) … p.end()
 *   parseTraceLines(iterable)                // sync, any iterable of lines
 *   parseTraceText(text)                     // sync, one string
 *   await parseTraceStream(asyncIterable)    // async, e.g. readline or log-source lines
 *
 * All of them are pure (no I/O of their own) and never throw on any input.
 */
import { TraceParser, type TraceParserOptions } from './parser.js';
import type { TraceDoc } from './schema.js';

export { TraceParser, verdictOf, type TraceParserOptions } from './parser.js';
export { TRACE_SCHEMA, OUTCOMES, validateTraceDoc } from './schema.js';
export type { TraceDoc, TraceAttempt, Outcome, AttemptKind, PullMode, SourceKind, TraceResult, LineFormat } from './schema.js';

export function createTraceParser(opts: TraceParserOptions = {}): TraceParser {
  return new TraceParser(opts);
}

export function parseTraceLines(lines: Iterable<string>, opts: TraceParserOptions = {}): TraceDoc[] {
  const p = new TraceParser(opts);
  try {
    for (const l of lines) p.feed(l);
  } catch {
    /* a throwing iterable ends the input */
  }
  return p.end();
}

export function parseTraceText(text: string, opts: TraceParserOptions = {}): TraceDoc[] {
  // the same lines as text.split('\n'), without cutting out the ones that do not matter
  if (typeof text !== 'string') return parseTraceLines([], opts);
  const p = new TraceParser(opts);
  p.feedText(text);
  return p.end();
}

export async function parseTraceStream(lines: AsyncIterable<string>, opts: TraceParserOptions = {}): Promise<TraceDoc[]> {
  const p = new TraceParser(opts);
  for await (const l of lines) p.feed(l);
  return p.end();
}
