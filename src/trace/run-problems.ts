/**
 * What `trace` counts as a problem found (exit code 1): a pull that reads the hosts folder — ctr
 * with --hosts-dir, or CRI as kubelet — did not get the image, or every mirror it asked failed.
 * ctr without --hosts-dir is the baseline: it never reads hosts.toml, so on a node that reaches
 * only its mirror it fails by design and proves nothing by failing. Pure.
 */
import type { PathRun, TraceRun } from './run-schema.js';

const USES_HOSTS_FOLDER = new Set<PathRun['path']>(['ctr-hosts-dir', 'cri']);

/** Why a path is a problem, in words, or null. */
function pathProblem(p: PathRun): string | null {
  if (!USES_HOSTS_FOLDER.has(p.path) || p.stoppedBy === 'abort') return null;
  if (p.stopReason === 'mirrors-failed') return `${p.path}: every mirror it asked failed`;
  if (p.stoppedBy === 'stall') return `${p.path}: stalled on ${p.stalledOn ?? 'a host'}`;
  if (p.stoppedBy === 'timeout') return `${p.path}: timed out`;
  if (p.doc?.result === 'failure' || p.pulled === false || (p.error !== null && p.stoppedBy !== 'verdict')) return `${p.path}: the pull failed`;
  return null;
}

/** The problems a trace run found (empty: exit 0). */
export function traceRunProblems(run: Pick<TraceRun, 'paths'>): string[] {
  return run.paths.map(pathProblem).filter((x): x is string => x !== null);
}
