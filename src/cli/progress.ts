/**
 * Progress of `check` and `trace` on stderr. On a terminal: one line, rewritten in place and cut
 * to the terminal's width, erased before the answer is printed, so the report starts on a clean
 * screen. Off a terminal: nothing, unless --verbose, which prints every step as a line of its own
 * (on a terminal too) for a log or a bug report.
 */

export interface Progress {
  /** shows a step (text without a newline) */
  show(text: string): void;
  /** erases the line in place (before the report, an error or a signal message); idempotent */
  clear(): void;
}

export interface ProgressTarget {
  write: (s: string) => void;
  /** stderr is a terminal */
  tty: boolean;
  /** --verbose */
  verbose: boolean;
  /** the terminal's width (default 80) */
  columns?: number;
}

/** Erase the whole line and go back to its start (ECMA-48 EL 2, then carriage return). */
const ERASE_LINE = '\r\x1b[2K';

/** `text` cut to `width` characters, ending in … when cut. */
export function fitLine(text: string, width: number): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length <= width ? chars.join('') : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export function makeProgress(t: ProgressTarget): Progress {
  if (t.verbose) return { show: (text) => t.write(`… ${text}\n`), clear: () => undefined };
  if (!t.tty) return { show: () => undefined, clear: () => undefined };
  let shown = false;
  // one column spare: writing the last column makes some terminals wrap
  const width = Math.max(20, (t.columns ?? 80) - 1);
  return {
    show(text) {
      shown = true;
      t.write(`${ERASE_LINE}${fitLine(`… ${text}`, width)}`);
    },
    clear() {
      if (!shown) return;
      shown = false;
      t.write(ERASE_LINE);
    },
  };
}
