/**
 * Two CRI pulls or more in flight (kubelet with serializeImagePulls: false, two pods starting at
 * once, crictl beside kubelet): which of them an interleaved daemon line belongs to. The keys a
 * line carries are in concurrent.ts; the rules are here.
 */
import { registryOfHost, parseStatus } from './classify.js';
import { hostsDirServes, repositoryOfUrl, sameRepository, urlInError } from './concurrent.js';
import type { ParseState } from './parse-state.js';
import { criRepository, lastOf, type Attempt, type Group } from './pull-group.js';

/**
 * Two CRI pulls or more in flight: makes `cur` the pull a daemon line belongs to (see
 * concurrent.ts), when the line says. A URL names the repository; a hosts folder the registry
 * (and goes to every pull of it that is about to resolve);
 * a line with only a host goes to the pull at that step of its resolve (the current one when
 * several are, else the oldest). A `resolving` line that went to another pull than the request
 * after it moves there with the request (claimPlaceholder). True when the line is of none of
 * them (a hosts folder of another registry).
 */
export function routeConcurrent(s: ParseState, msg: string, f: Record<string, string>): boolean {
  const url = f.url ?? urlInError(f.error);
  const host = f.host ?? null;
  let target: Group | null = null;
  if (url !== null) {
    const repo = repositoryOfUrl(url);
    if (repo !== null) for (const g of s.openCri) if (sameRepository(repo, criRepository(g)?.repository ?? '\u0000')) target = g;
    if (target === null) return false;
    if (msg === 'do request' && host !== null) claimPlaceholder(s, target, host);
    s.cur = target;
    return false;
  }
  const pulls = [...s.openCri];
  if (msg === 'loading host directory' && f.dir) {
    // the folder is the registry's: every pull of that registry about to resolve loads it (a
    // registry's own folder wins over _default, which serves them all)
    const dir = f.dir;
    const own = !dir.endsWith('/_default');
    // (a placeholder of `resolving` may be another pull's: it does not count as a start)
    const starting = pulls.filter(
      (g) => g.debug.every((a) => a.placeholder) && hostsDirServes(dir, criRepository(g)?.registry ?? '') && (g.hostsDir === null || (own && g.hostsDir.endsWith('/_default'))),
    );
    for (const g of starting) g.hostsDir = dir;
    // (a pull of that registry that has it already: its own line of it)
    const loaded = starting.length > 0 ? starting : pulls.filter((g) => g.debug.every((a) => a.placeholder) && g.hostsDir === dir);
    target = s.cur !== null && loaded.includes(s.cur) ? s.cur : (loaded[0] ?? null);
    // else the fetcher of a resolved pull loading it again
    target ??= lastOf(pulls, (g) => g.resolvedHost !== null && hostsDirServes(dir, criRepository(g)?.registry ?? '')) ?? null;
    // a folder no pull in flight uses: it waits for the pull that will (pendingDir)
    if (target === null) return true;
  } else if (msg === 'resolving' && host !== null) {
    // a pull between two hosts of its resolve, that has not tried this one yet: first one whose
    // registry this host is (its upstream: registry-1.docker.io for docker.io), then any (a mirror)
    const registry = registryOfHost(host);
    const next = (g: Group, upstream: boolean) => {
      if (g.resolvedHost !== null || g.resolveFailed) return false;
      if (upstream && criRepository(g)?.registry !== registry) return false;
      const last = lastOf(g.debug, (a) => a.kind === 'resolve');
      if (last !== undefined && !last.nextLogged && (last.outcome === null || last.host === host)) return false;
      return !g.debug.some((a) => a.kind === 'resolve' && a.host === host);
    };
    target = among(s, pulls, (g) => next(g, true)) ?? among(s, pulls, (g) => next(g, false));
  } else if ((msg.startsWith('trying next host') || msg.startsWith('fetch failed') || msg === 'resolved') && host !== null) {
    // the pull whose resolve is at this host: first one whose answer from it is the one this
    // line reports (404, 2xx for `resolved`), then one that sent it a request (a placeholder
    // of `resolving` may be another pull's), then any
    // (of several, the one that asked first: answers come back in about the order asked)
    const status = statusOfStep(msg);
    const pending = (g: Group) => lastOf(g.debug, (a) => a.kind === 'resolve');
    const atHost = (g: Group, tier: number) => {
      const last = pending(g);
      if (g.resolvedHost !== null || last === undefined || last.host !== host || last.nextLogged) return false;
      if (tier >= 1 && last.placeholder) return false;
      return tier < 2 || (status !== null && status(last.status));
    };
    for (let tier = 2; tier >= 0 && target === null; tier--) {
      for (const g of pulls) if (atHost(g, tier) && (target === null || (pending(g) as Attempt).line < (pending(target) as Attempt).line)) target = g;
    }
  } else if (f.digest) {
    const digest = f.digest;
    target = lastOf(pulls, (g) => g.resolvedDigest === digest || g.debug.some((a) => a.digest === digest)) ?? null;
  }
  if (target !== null) s.cur = target;
  return false;
}

/**
 * `resolving` lines name only a host, so with pulls in flight their placeholders may have gone
 * to the wrong pull. The request to `host` that `g` makes now settles it: when another pull ends
 * with a placeholder for `host` and `g` does not, that one is `g`'s (and `g`'s own trailing
 * placeholder, for another host, is the other pull's: the two crossed).
 */
function claimPlaceholder(s: ParseState, g: Group, host: string): void {
  const mine = g.debug[g.debug.length - 1];
  if (mine && mine.placeholder && mine.host === host) return;
  for (const o of s.openCri) {
    if (o === g) continue;
    const at = o.debug.findLastIndex((a) => a.placeholder && a.host === host);
    if (at < 0) continue;
    const theirs = o.debug[at] as Attempt;
    o.debug.splice(at, 1);
    if (mine && mine.placeholder) {
      g.debug.pop();
      o.debug.push(mine);
    }
    g.debug.push(theirs);
    return;
  }
}

/** The pull `cur` is, when it passes `pred`; else the oldest that does; null when none does. */
function among(s: ParseState, pulls: Group[], pred: (g: Group) => boolean): Group | null {
  if (s.cur !== null && s.openCri.has(s.cur) && pred(s.cur)) return s.cur;
  for (const g of pulls) if (pred(g)) return g;
  return null;
}

/**
 * For a resolver step that reports an answer (`trying next host - response was
 * http.StatusNotFound`, `… after status: 401 Unauthorized`, `resolved`), a test of the status it
 * implies; null when it implies none (an error).
 */
function statusOfStep(msg: string): ((s: number | null) => boolean) | null {
  if (msg === 'resolved') return (s) => s !== null && s >= 200 && s < 300;
  if (msg.endsWith('StatusNotFound')) return (s) => s === 404;
  const at = msg.indexOf(' after status: ');
  if (at < 0) return null;
  const want = parseStatus(msg.slice(at + 15));
  return want === null ? null : (s) => s === want;
}
