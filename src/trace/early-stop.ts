/**
 * When a live pull has answered the mirror question, so the tracer may stop it (unless --full).
 * Pure, over the parser's document so far.
 */
import type { TraceDoc } from './schema.js';
import { firstBlobAnswer } from './blob-requests.js';
import { failedOnRoot } from './root-type.js';
import { SILENCE_SEEN, silenceIsProof, silenceVerdict, type SilenceKind } from '../containerd/silence-waits.js';

export type EarlyStop = 'manifest-served' | 'blob-answered' | 'mirrors-failed' | 'pull-ended' | 'tag-resolved' | null;

/**
 * What a pull is followed to: `tag` (ctr without --hosts-dir, which asks no mirror: the host that
 * resolved the tag is all it shows; its manifest GET would count against Docker Hub's pull limit,
 * and the content it stores would be shared with the CRI pull beside it); `manifest`; `blob` (the
 * first blob's answer after the manifest: a cache may hold manifests without their blobs).
 */
export type StopAt = 'tag' | 'manifest' | 'blob';

/**
 * `manifestFetched`: the pull has fetched the whole manifest (manifest-fetched.ts). A resolve alone
 * (a HEAD) does not prove the mirror serves: one that sends the headers and stops mid-body hangs
 * every real pull on the manifest GET. With `blob`, the caller bounds the wait for the blob's
 * answer (then: manifest-served).
 */
export function earlyStop(doc: TraceDoc | undefined, manifestFetched: boolean, at: StopAt = 'manifest'): EarlyStop {
  if (!doc) return null;
  // a root that is no image fails the pull before containerd says so: wait for its error
  const rootFailed = failedOnRoot(doc) && doc.error === null;
  if (doc.result === 'success' || (doc.result === 'failure' && !rootFailed)) return 'pull-ended';
  if (at === 'tag' && doc.resolved.host) return 'tag-resolved';
  if (doc.resolved.host && manifestFetched) {
    if (at !== 'blob') return 'manifest-served';
    if (firstBlobAnswer(doc)) return 'blob-answered';
  }
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
export function markStalled(
  doc: TraceDoc,
  waitedMs: number,
  seen: { kind: SilenceKind | null; version: string | null; host?: string | null } = { kind: null, version: null },
): { doc: TraceDoc; host: string | null } {
  const attempts = doc.attempts.map((a) => ({ ...a }));
  // the attempt still open when the tracer stopped; cancelling it makes containerd log "context canceled"
  const open = (a: (typeof attempts)[number]) => a.status === null && (a.outcome === 'other' || a.outcome === 'timeout') && (!a.error || /context canceled/.test(a.error));
  // the host the tracer saw it wait on, when it knows: the resolver then tries the hosts after it,
  // each failing at once with "context canceled"
  const pending = (seen.host ? attempts.find((a) => a.host === seen.host && open(a)) : undefined) ?? [...attempts].reverse().find(open);
  if (!pending) return { doc, host: doc.attempts.at(-1)?.host ?? null };
  pending.outcome = 'timeout';
  // a body that stopped was an answer begun, not none
  pending.error = `no ${seen.kind === 'body' ? 'complete answer' : 'answer'} within ${(waitedMs / 1000).toFixed(0)} s`;
  const secs = (waitedMs / 1000).toFixed(0);
  // a short wait for an answer cannot tell a hung mirror from a slow pull-through cache
  const hedge = silenceIsProof(seen.kind, waitedMs) ? '' : `; but ${secs} s is short for a pull-through cache that fetches from its own upstream on a miss: \`--response-timeout 30\` tells a slow mirror from a hung one`;
  pending.inferred = `the tracer stopped waiting after ${secs} s without an answer${seen.kind ? `: ${SILENCE_SEEN[seen.kind]}` : ''}; ${silenceVerdict(seen.version, seen.kind)}${hedge}`;
  // what the cancellation made containerd do after it is not the pull's behaviour: left out
  const at = attempts.indexOf(pending);
  const kept = attempts.filter((a, i) => i <= at || !(a.status === null && /context canceled/.test(a.error ?? '')));
  // a manifest fetch that stalled after the resolve: the pull never got past it, so no host served it
  const mirrorUsed = pending.kind === 'fetch' ? false : doc.mirrorUsed;
  return { doc: { ...doc, attempts: kept, mirrorUsed }, host: pending.host };
}
