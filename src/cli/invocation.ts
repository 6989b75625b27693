/**
 * The arguments mirror-doctor was started with (after `mirror-doctor`), set by main(): a finding
 * that says "run it again with sudo" repeats them, so the user's own options are kept.
 */
import { shellJoin } from '../shell-quote.js';

let current: string[] | null = null;

export function setInvocation(args: readonly string[]): void {
  current = [...args];
}

export function invocation(): string[] | null {
  return current ? [...current] : null;
}

/** `sudo mirror-doctor …` with the arguments the user gave (else `fallback`), quoted for a shell. */
export function sudoAgain(fallback: string[]): string {
  return `sudo ${shellJoin(['mirror-doctor', ...(invocation() ?? fallback)])}`;
}
