/**
 * Redirect chains of blob downloads. containerd follows a registry's 3xx inside Go's http.Client
 * (one `do request` line, one final status), so a chain is seen only in ctr's `--http-dump` (the
 * 3xx with its Location, then the request to the Location's host) or in an error that names a URL
 * on another host than the one asked (`Get "http://target/…": dial tcp …`, and 2.x's `unexpected
 * status from GET request to http://target/…: 403 Forbidden`). Pure.
 */
import { outcomeFromError, outcomeFromStatus, splitUrl } from './classify.js';
import type { Attempt } from './pull-group.js';
import type { Outcome, TraceRedirect, TraceRedirectSummary } from './schema.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Host and path of an absolute Location, or null (a relative Location stays on the same host). */
function locationParts(location: string): { host: string; path: string } | null {
  const u = splitUrl(location);
  return u && u.host ? { host: u.host, path: u.path } : null;
}

/** The URLs an error names, with the status it reports for them (`…: 403 Forbidden`), in order. */
export function errorUrls(error: string): { url: string; host: string; path: string; status: number | null }[] {
  const found: { at: number; url: string; status: number | null }[] = [];
  // Go's url.Error quotes the URL (`Get "http://…": dial tcp …`)
  for (const m of error.matchAll(/"(https?:\/\/[^"\s]{1,4096})"/g)) found.push({ at: m.index, url: m[1] as string, status: null });
  // containerd's status errors do not (`unexpected status code http://…: 403 Forbidden`; the colon
  // is gone when a redacted query value took it along)
  for (const m of error.matchAll(/(?:^|[\s])(https?:\/\/[^"\s]{1,4096}?):? ([1-5][0-9]{2}) /g)) found.push({ at: m.index, url: m[1] as string, status: Number(m[2]) });
  const out: { url: string; host: string; path: string; status: number | null }[] = [];
  for (const f of found.sort((a, b) => a.at - b.at)) {
    const u = splitUrl(f.url);
    if (u && u.host) out.push({ url: f.url, host: u.host, path: u.path, status: f.status });
  }
  return out;
}

/**
 * Dump evidence: each dumped 3xx with a Location on another host, joined to the dumped request
 * that followed it (same host and path as the Location). Returns the chain of every request that
 * started one, and the follow-up requests (part of a chain, not attempts of their own).
 */
export function dumpChains(dump: Attempt[]): { chains: Map<Attempt, TraceRedirect>; follows: Set<Attempt> } {
  const chains = new Map<Attempt, TraceRedirect>();
  const follows = new Set<Attempt>();
  const sorted = [...dump].sort((a, b) => a.line - b.line);
  for (const start of sorted) {
    if (follows.has(start)) continue;
    let cur = start;
    const hops: TraceRedirect['hops'] = [];
    let final: Attempt | null = null;
    for (let i = 0; i < 10; i++) {
      const d = cur.dump;
      if (!d || d.status === null || !REDIRECT_STATUSES.has(d.status) || !d.location) break;
      const loc = locationParts(d.location);
      if (!loc) break;
      hops.push({ status: d.status, location: loc.host });
      const next = sorted.find((x) => x.line > cur.line && !follows.has(x) && x !== start && x.host === loc.host && x.path === loc.path);
      if (!next) {
        final = null;
        break;
      }
      follows.add(next);
      final = next;
      cur = next;
    }
    if (hops.length === 0) continue;
    const last = hops[hops.length - 1] as TraceRedirect['hops'][number];
    const finalStatus = final?.dump?.status ?? null;
    chains.set(start, {
      hops,
      finalHost: final?.host ?? last.location,
      finalStatus: finalStatus !== null && REDIRECT_STATUSES.has(finalStatus) ? null : finalStatus,
      outcome: finalStatus !== null ? outcomeFromStatus(finalStatus) : null,
      error: null,
      evidence: 'dump',
    });
  }
  return { chains, follows };
}

/**
 * Error evidence: an error about a request to `host` that names a URL on another host (the
 * request's redirect target, the only other host containerd's client reaches for it) first. Null
 * when it does not.
 */
export function errorChain(host: string, error: string): TraceRedirect | null {
  // the URL an error is about comes first; a later one is a cause carried along (2.x cancels a
  // pull's other downloads with the first failure as the cause, naming that blob's URL)
  const other = errorUrls(error)[0];
  if (!other || other.host === host) return null;
  return {
    hops: [{ status: null, location: other.host }],
    finalHost: other.host,
    finalStatus: other.status,
    outcome: other.status !== null ? outcomeFromStatus(other.status) : outcomeFromError(error),
    error,
    evidence: 'error',
  };
}

/** Adds an error to a chain from the dump whose final request got no answer (the error is about its host). */
export function withError(chain: TraceRedirect, error: string): TraceRedirect {
  if (chain.finalStatus !== null || chain.error !== null) return chain;
  const first = errorUrls(error)[0];
  if (!first || first.host !== chain.finalHost) return chain;
  const status = first.status;
  return { ...chain, error, finalStatus: status, outcome: status !== null ? outcomeFromStatus(status) : outcomeFromError(error) };
}

/** Per registry and target host: how many redirected requests it served, failed, or left unanswered. */
export function redirectSummary(attempts: { host: string; redirect?: TraceRedirect | null }[]): TraceRedirectSummary[] {
  const out: TraceRedirectSummary[] = [];
  for (const a of attempts) {
    const r = a.redirect;
    if (!r) continue;
    let s = out.find((x) => x.from === a.host && x.to === r.finalHost);
    if (!s) {
      s = { from: a.host, to: r.finalHost, ok: 0, failed: 0, unanswered: 0, failure: null, error: null };
      out.push(s);
    }
    if (r.outcome === 'ok') s.ok++;
    else if (r.outcome === null) s.unanswered++;
    else {
      s.failed++;
      s.failure ??= r.outcome;
      s.error ??= r.error;
    }
  }
  return out;
}

export type { Outcome };
