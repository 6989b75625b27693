/**
 * Gathering as session events: gatherFacts' step and trace-progress callbacks turned into events,
 * and the progress `check` shows on stderr for each.
 */
import type { TraceProgress } from '../trace/run-schema.js';
import type { SessionEvent } from './session-state.js';

/** Turns gatherFacts' `onStep`/`onProgress` callbacks into session events. */
export function gatherListeners(
  emit: (e: SessionEvent) => void,
  now: () => number = Date.now,
): { onStep: (step: string) => void; onStepOutcome: (o: { status: 'error' | 'warning'; detail: string }) => void; onProgress: (p: TraceProgress) => void } {
  return {
    onStep: (label) => emit({ type: 'step-started', label, at: now() }),
    onStepOutcome: (o) => emit({ type: 'step-outcome', ...o }),
    onProgress: (p) => {
      if (p.kind === 'path-start') emit({ type: 'trace-path-started', path: p.path, command: p.command, at: now() });
      else if (p.kind === 'line') emit({ type: 'trace-line', path: p.path, line: p.line });
      else if (p.kind === 'path-end') emit({ type: 'trace-path-ended', path: p.path, run: p.run, at: now() });
      else emit({ type: 'trace-cleanup', what: p.what });
    },
  };
}

/** The progress `check` shows on stderr for an event, without a newline (null: nothing to show). */
export function progressText(e: SessionEvent): string | null {
  if (e.type === 'step-started') return e.label;
  if (e.type === 'trace-path-started') return e.command;
  if (e.type === 'trace-cleanup') return `cleaning up ${e.what}`;
  return null;
}
