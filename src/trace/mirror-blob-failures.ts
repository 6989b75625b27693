/**
 * Blobs a mirror failed in a pull whose manifest it served (a cache that holds manifests without
 * their blobs), from the requests a path's trace logged. Pure.
 */
import type { Outcome, TraceAttempt, TraceDoc } from './schema.js';
import { isBlobRequest } from './blob-requests.js';

export interface BlobFailure {
  host: string;
  outcome: Outcome;
  status: number | null;
  /** the digest asked for */
  blob: string;
  attempt: TraceAttempt;
  /** the next host asked for that blob, when the log shows it */
  to: string | null;
  /** another mirror served that blob */
  servedByMirror: boolean;
  /** the answer is the mirror's own (ctr's dump shows no redirect); false: from a daemon log, which names the URL asked even when a host it redirected to answered */
  direct: boolean;
}

/**
 * The first blob request per mirror host answered with a failing status: in ctr --hosts-dir's
 * output, where --http-dump shows whether the mirror redirected it (then the redirect checks speak),
 * or in the CRI pull's debug log (containerd logs the URL it asked with the final answer, so a host
 * the mirror redirected to may have given it). An error without a status is left out: containerd
 * fails the other blobs with the first one's error.
 */
export function blobFailuresAtMirror(p: { path: string; doc: TraceDoc | null }): BlobFailure[] {
  if (p.path !== 'ctr-hosts-dir' && p.path !== 'cri') return [];
  const attempts = p.doc?.attempts ?? [];
  const out: BlobFailure[] = [];
  attempts.forEach((a, i) => {
    if (!a.mirror || !isBlobRequest(a) || a.redirect || a.status === null || a.outcome === 'ok' || !a.digest) return;
    if (out.some((f) => f.host === a.host)) return;
    const later = attempts.slice(i + 1).filter((b) => b.digest === a.digest && b.host !== a.host && b.kind === 'fetch');
    out.push({
      host: a.host,
      outcome: a.outcome,
      status: a.status,
      blob: a.digest,
      attempt: a,
      to: later[0]?.host ?? null,
      servedByMirror: later.some((b) => b.mirror && b.outcome === 'ok'),
      direct: p.path === 'ctr-hosts-dir',
    });
  });
  return out;
}
