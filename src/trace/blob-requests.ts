/**
 * A pull's blob requests (configs and layers, not manifests) in its trace document. Pure.
 */
import type { Outcome, TraceAttempt, TraceDoc } from './schema.js';

/** A request for a blob (a config or a layer), not a manifest. */
export function isBlobRequest(a: TraceAttempt): boolean {
  return a.kind === 'fetch' && /\/blobs\//.test(a.url ?? a.path ?? '');
}

/** Outcomes of a request that got no answer: the way to the host failed. */
const TRANSPORT: ReadonlySet<Outcome> = new Set<Outcome>(['connection-refused', 'dns-failure', 'timeout', 'no-route', 'tls-unknown-authority', 'tls-hostname-mismatch', 'tls-other', 'http-response-to-https']);

/**
 * The first blob request that has its answer: a status (at the end of its redirects), or a failed
 * connection. Any other error is not its own: once one blob fails, containerd cancels the others
 * with that failure as the cause. --http-dump prints a response once its whole body was read, so
 * the small config blob usually answers first.
 */
export function firstBlobAnswer(doc: TraceDoc): TraceAttempt | undefined {
  return doc.attempts.find((a) => {
    if (!isBlobRequest(a)) return false;
    if (a.redirect) return a.redirect.finalStatus !== null || a.redirect.error !== null;
    if (a.status !== null) return a.status < 300 || a.status >= 400;
    return a.error !== null && TRANSPORT.has(a.outcome);
  });
}

/** The host that served a request: for a redirected one, the host at the end of its chain; null when it failed. */
export function servedBy(a: Pick<TraceAttempt, 'host' | 'redirect'> & { outcome: Outcome | null }): string | null {
  if (a.outcome !== 'ok') return null;
  return a.redirect ? (a.redirect.outcome === 'ok' ? a.redirect.finalHost : null) : a.host;
}

/** The hosts that served a blob, in order. */
export function blobServers(doc: TraceDoc): string[] {
  const out: string[] = [];
  for (const a of doc.attempts) {
    const served = isBlobRequest(a) ? servedBy(a) : null;
    if (served && !out.includes(served)) out.push(served);
  }
  return out;
}
