/**
 * The tracer's early stop replayed over a recorded ctr pull (ctr-hosts-dir/stderr.txt): the
 * document as it stood at the line where trace-ctr would have stopped it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTraceText } from '../../src/trace/index.js';
import { earlyStop, type EarlyStop, type StopAt } from '../../src/trace/early-stop.js';
import { fetchesPastManifest } from '../../src/trace/manifest-fetched.js';
import type { TraceDoc } from '../../src/trace/schema.js';
import { LAB } from './facts-fixture.js';

export interface ReplayedStop {
  /** 0-based index of the line the stop came at, -1 when the pull was never stopped */
  line: number;
  reason: EarlyStop;
  /** the document up to and including that line */
  doc: TraceDoc | undefined;
  lines: string[];
}

export function replayStop(series: string, scenario: string, at: StopAt, variant = 'ctr-hosts-dir'): ReplayedStop {
  const lines = readFileSync(join(LAB, series, scenario, variant, 'stderr.txt'), 'utf8').split('\n');
  let fetched = false;
  for (let n = 0; n < lines.length; n++) {
    fetched ||= fetchesPastManifest(lines[n]!);
    const doc = parseTraceText(lines.slice(0, n + 1).join('\n')).at(-1);
    const reason = earlyStop(doc, fetched, at);
    if (reason) return { line: n, reason, doc, lines };
  }
  return { line: -1, reason: null, doc: undefined, lines };
}
