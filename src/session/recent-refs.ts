/**
 * Which refs the chooser offers again: only one that a pull showed a registry knows. A ref is
 * saved to the recent refs once any of its pulls had its manifest resolved (by a mirror or the
 * upstream, or the pull succeeded); a ref that failed everywhere (not found, unauthorized,
 * unreachable) is not, so a typo is never offered again. Pure.
 */
import type { PathRun } from '../trace/run-schema.js';

export function refReachedRegistry(paths: readonly PathRun[]): boolean {
  return paths.some(
    (p) => p.pulled === true || p.doc?.result === 'success' || !!p.doc?.resolved.host || (p.doc?.attempts ?? []).some((a) => a.kind === 'resolve' && a.outcome === 'ok'),
  );
}
