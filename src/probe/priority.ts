/**
 * Lowering this process's scheduling priority for a while, and restoring it: a tracer following a
 * chatty child (ctr --http-dump) should only use CPU the child does not need. Nested uses share
 * one lowering; the first to start lowers, the last to end restores.
 */
import { getPriority, setPriority } from 'node:os';

let users = 0;
let saved: number | null = null;

/**
 * Lowers the priority by `by` nice steps (up to 19) and returns the function that ends this use.
 * Does nothing where the old priority could not be restored afterwards (raising it again needs
 * root), or where priorities cannot be changed.
 */
export function lowerPriority(by: number): () => void {
  let ended = false;
  if (users++ === 0 && process.getuid?.() === 0) {
    try {
      const now = getPriority();
      setPriority(Math.min(19, now + by));
      saved = now;
    } catch {
      saved = null;
    }
  }
  return () => {
    if (ended) return;
    ended = true;
    if (--users > 0 || saved === null) return;
    try {
      setPriority(saved);
    } catch {
      // nothing to do: the priority stays lowered
    }
    saved = null;
  };
}
