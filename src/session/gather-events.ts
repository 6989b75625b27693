/**
 * Gathering as session events: gatherFacts' step and trace-progress callbacks turned into events,
 * and the progress line `check` prints on stderr for each.
 */
import type { TraceProgress } from '../trace/run-schema.js';
import type { SessionEvent } from './session-state.js';

/** Turns gatherFacts' `onStep`/`onProgress` callbacks into session events. */
export function gatherListeners(emit: (e: SessionEvent) => void, now: () => number = Date.now): { onStep: (step: string) => void; onProgress: (p: TraceProgress) => void } {
  return {
    onStep: (label) => emit({ type: 'step-started', label, at: now() }),
    onProgress: (p) => {
      if (p.kind === 'path-start') emit({ type: 'trace-path-started', path: p.path, command: p.command, at: now() });
      else if (p.kind === 'line') emit({ type: 'trace-line', path: p.path, line: p.line });
      else if (p.kind === 'path-end') emit({ type: 'trace-path-ended', path: p.path, run: p.run, at: now() });
      else emit({ type: 'trace-cleanup', what: p.what });
    },
  };
}

/** The progress line `check` prints on stderr for an event (null: nothing to print). */
export function progressLine(e: SessionEvent): string | null {
  if (e.type === 'step-started') return `… ${e.label}\n`;
  if (e.type === 'trace-path-started') return `… ${e.command}\n`;
  if (e.type === 'trace-cleanup') return `… cleaning up ${e.what}\n`;
  return null;
}
