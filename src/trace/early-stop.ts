/**
 * When a live pull has answered the mirror question, so the tracer may stop it (unless --full).
 * Pure, over the parser's document so far.
 */
import type { TraceDoc } from './schema.js';

export type EarlyStop = 'manifest-served' | 'mirrors-failed' | 'pull-ended' | null;

export function earlyStop(doc: TraceDoc | undefined): EarlyStop {
  if (!doc) return null;
  if (doc.result === 'success' || doc.result === 'failure') return 'pull-ended';
  if (doc.resolved.host) return 'manifest-served';
  const resolves = doc.attempts.filter((a) => a.kind === 'resolve');
  const last = resolves[resolves.length - 1];
  // every mirror was asked and none served the manifest: containerd has moved on to a host that
  // is not a mirror (the upstream); what the upstream does no longer changes the mirror verdict
  if (last && !last.mirror && resolves.some((a) => a.mirror) && !resolves.some((a) => a.mirror && a.outcome === 'ok')) {
    return 'mirrors-failed';
  }
  return null;
}

/**
 * The tracer stopped a pull that waited on a silent host: record that attempt as a timeout (what
 * containerd itself would report after its dial timeout), saying that it is inferred. Pure.
 */
export function markStalled(doc: TraceDoc, waitedMs: number): { doc: TraceDoc; host: string | null } {
  const attempts = doc.attempts.map((a) => ({ ...a }));
  // the attempt still open when the tracer stopped; cancelling it makes containerd log "context canceled"
  const pending = [...attempts]
    .reverse()
    .find((a) => a.status === null && (a.outcome === 'other' || a.outcome === 'timeout') && (!a.error || /context canceled/.test(a.error)));
  if (!pending) return { doc, host: doc.attempts.at(-1)?.host ?? null };
  pending.outcome = 'timeout';
  pending.error = `no answer within ${(waitedMs / 1000).toFixed(0)} s`;
  pending.inferred = `the tracer stopped waiting after ${(waitedMs / 1000).toFixed(0)} s without an answer (a blackholed or very slow host); how long containerd waits before it tries the next host was not observed`;
  return { doc: { ...doc, attempts }, host: pending.host };
}
