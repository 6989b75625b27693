/**
 * The hosts a node must reach to pull the image, as the pulls showed them: the registries and
 * mirrors containerd asked, the token servers their challenges named, and the hosts they
 * redirected blob downloads to (a CDN, object storage) — the list a firewall or proxy ticket
 * needs. Pure.
 */
import type { TraceRun } from '../trace/run-schema.js';
import { challengeRealm, tokenFailure, tokenUnreadable } from '../trace/classify.js';
import type { Facts } from '../checks/facts.js';
import { derive } from '../checks/derived.js';
import { redirectFailures, type RedirectFailure } from '../checks/redirect-target.js';

export interface MustReachHost {
  host: string;
  /**
   * `mirror`: asked with ?ns= (a hosts.toml mirror); `registry`: the upstream or a server;
   * `token-server`: asked for a bearer token; `redirect-target`: only reached through a redirect
   */
  role: 'registry' | 'mirror' | 'token-server' | 'redirect-target';
  /** redirect targets and token servers: the registries that sent containerd there */
  via: string[];
  /** what the pulls saw there: `ok`, the failure outcome, `no answer`, or (a token server) `answered without a token` */
  seen: string;
  /** the pulls that went there (ctr, ctr-hosts-dir, cri) */
  paths: string[];
}

/**
 * `inferred`: redirect targets the trace alone cannot show (a daemon at info level logs only the
 * final error) and the checks inferred from the hosts plan (redirectFailures).
 */
export function mustReach(run: TraceRun | null | undefined, inferred: readonly Pick<RedirectFailure, 'from' | 'to' | 'outcome' | 'paths'>[] = []): MustReachHost[] {
  const out: MustReachHost[] = [];
  const entry = (host: string, role: MustReachHost['role']) => {
    let e = out.find((x) => x.host === host);
    if (!e) {
      e = { host, role, via: [], seen: '', paths: [] };
      out.push(e);
    }
    return e;
  };
  const see = (e: MustReachHost, result: string) => {
    // one success is enough to show the host is reachable; else the first failure seen
    if (result === 'ok' || e.seen === '') e.seen = result;
  };
  for (const p of run?.paths ?? []) {
    const doc = p.doc;
    if (!doc) continue;
    for (const a of doc.attempts) {
      if (!a.host) continue;
      if (a.kind === 'auth') {
        const e = entry(a.host, 'token-server');
        for (const r of doc.attempts) if (r.kind !== 'auth' && r.host && challengeRealm(r.challenge)?.host === a.host && !e.via.includes(r.host)) e.via.push(r.host);
        see(e, a.outcome);
        if (!e.paths.includes(p.path)) e.paths.push(p.path);
        continue;
      }
      const e = entry(a.host, a.mirror ? 'mirror' : 'registry');
      if (a.mirror) e.role = 'mirror';
      // a redirected request's own result is where its chain ended: the registry itself answered
      see(e, a.redirect ? 'ok' : a.outcome);
      if (!e.paths.includes(p.path)) e.paths.push(p.path);
      // a token request named only by the registry's error (the daemon logs no token request)
      const t = a.error ? tokenFailure(a.error) : null;
      if (t) {
        const te = entry(t.host, 'token-server');
        if (!te.via.includes(a.host)) te.via.push(a.host);
        see(te, t.outcome);
        if (!te.paths.includes(p.path)) te.paths.push(p.path);
      }
    }
    for (const r of doc.redirects ?? []) {
      const e = entry(r.to, 'redirect-target');
      if (!e.via.includes(r.from)) e.via.push(r.from);
      see(e, r.ok > 0 ? 'ok' : r.failed > 0 ? (r.failure ?? 'other') : 'no answer');
      if (!e.paths.includes(p.path)) e.paths.push(p.path);
    }
  }
  // reached, but its answer held no token (containerd's error on the registry that sent it there)
  for (const p of run?.paths ?? []) {
    for (const a of p.doc?.attempts ?? []) {
      if (a.kind === 'auth' || !a.error || tokenUnreadable(a.error) === null) continue;
      for (const e of out) if (e.role === 'token-server' && e.via.includes(a.host)) e.seen = 'answered without a token';
    }
  }
  for (const f of inferred) {
    const e = entry(f.to, 'redirect-target');
    if (!e.via.includes(f.from)) e.via.push(f.from);
    see(e, f.outcome ?? 'no answer');
    for (const p of f.paths) if (!e.paths.includes(p)) e.paths.push(p);
  }
  return out;
}

/** The list for a check report: the pulls' hosts and the redirect targets the checks inferred. */
export function reportMustReach(facts: Facts): MustReachHost[] {
  if (!facts.trace) return [];
  return mustReach(facts.trace, redirectFailures(derive(facts)));
}

/** One line per host, for the terminal. */
export function mustReachLines(hosts: MustReachHost[], pathTitle: (p: string) => string): string[] {
  const w = Math.max(0, ...hosts.map((h) => h.host.length));
  return hosts.map((h) => {
    const role = mustReachRole(h);
    return `${h.host.padEnd(w)}  ${role}: ${h.seen}  [${h.paths.map(pathTitle).join(', ')}]`;
  });
}

/** The role as a report shows it: a redirect target or token server names who sent containerd there. */
export function mustReachRole(h: MustReachHost): string {
  if (h.role === 'redirect-target') return `redirect target (from ${h.via.join(', ')})`;
  if (h.role === 'token-server') return h.via.length ? `token server (for ${h.via.join(', ')})` : 'token server';
  return h.role;
}
