/**
 * The resolver's lines (ctr's and the daemon's, at debug level): the hosts folder it loads, the
 * hosts it tries in order, each request and answer, why it moves on to the next host, and the
 * host that resolved the tag.
 */
import { kindFromPath, nsParam, outcomeFromError, outcomeFromStatus, parseStatus, refFromPath, splitUrl } from './classify.js';
import { challengeSummary } from './dump.js';
import { repositoryOfUrl, sameRepository, urlInError } from './concurrent.js';
import type { LogLine } from './line.js';
import { HTTPS_FIRST, UA_RE, UNKNOWN_TYPE } from './messages.js';
import type { ParseState } from './parse-state.js';
import { addTomlError, addWarning, findAttempt, lastOf, newAttempt, type Attempt, type Group } from './pull-group.js';
import type { AttemptKind } from './schema.js';

/** A resolver line; true when handled. */
export function resolverLine(s: ParseState, l: LogLine, msg: string, f: Record<string, string>): boolean {
  switch (msg) {
    case 'loading host directory': {
      const dir = f.dir ?? null;
      const g = s.cur;
      if (g && !g.closed && !g.resolveFailed && g.resolvedHost === null && (g.debug.length === 0 || g.hostsDir === null)) {
        g.hostsDir ??= dir;
        g.daemon = true;
        s.touch(g, l);
      } else if (g && !g.closed && g.resolvedHost !== null) {
        // the fetcher loads the directory again after resolve: same pull
        s.touch(g, l);
      } else {
        s.pendingDir = dir;
        s.clearPendingToml();
      }
      return true;
    }
    case 'failed to decode hosts.toml':
      tomlError(s, s.pendingDir ?? (s.cur && !s.cur.closed ? s.cur.hostsDir : null), f.error ?? '', l);
      return true;
    case 'resolving': {
      const host = f.host ?? '';
      let g = s.cur;
      if (!g || g.closed || g.resolvedHost !== null || g.resolveFailed || (g.client && !g.ctrStart && !l.client && g.debug.length === 0 && g.dump.length > 0)) {
        g = s.newGroup(l.format);
        s.cur = g;
      }
      g.daemon = g.daemon || !l.client;
      s.touch(g, l);
      beforeNextHost(g, host);
      const a = newAttempt({ host, url: null, path: null, method: null, kind: 'resolve', mirror: false, evidence: 'debug', line: s.lineNo });
      a.placeholder = true;
      s.addAttempt(g, g.debug, a);
      return true;
    }
    case 'do request':
      doRequest(s, l, f);
      return true;
    case 'fetch response received': {
      const g = s.cur;
      if (!g) return true;
      s.touch(g, l);
      const status = parseStatus(f['response.status']);
      const a = findAttempt(g, f.url ?? null, f.host ?? null, f.digest ?? null, (x) => x.status === null);
      if (a && status !== null) {
        a.status = status;
        if (a.outcome === null || a.outcome === 'other') a.outcome = outcomeFromStatus(status);
        const ch = f['response.header.www-authenticate'];
        if (ch) a.challenge = challengeSummary(ch);
      }
      return true;
    }
    case 'Unauthorized': {
      // the first line of a pull in the input (its request cut off): the 401 starts it
      const g = s.cur ?? (f.host ? s.open(l.format) : null);
      if (!g) return true;
      s.touch(g, l);
      if (!l.client) g.daemon = true;
      let a = findAttempt(g, null, f.host ?? null, f.digest ?? null, () => true);
      if (!a && f.host && g.debug.length === 0 && g.dump.length === 0) {
        a = newAttempt({ host: f.host, url: null, path: null, method: null, kind: f.digest ? 'fetch' : 'resolve', mirror: false, evidence: 'debug', line: s.lineNo });
        a.inferred = 'no "do request" logged before this 401; implied by "Unauthorized"';
        s.addAttempt(g, g.debug, a);
      }
      if (a) {
        if (f.header) a.challenge = challengeSummary(f.header);
        if (a.status === null) {
          a.status = 401;
          a.outcome = 'unauthorized';
        }
      }
      return true;
    }
    case 'trying next host - response was http.StatusNotFound':
      nextHost(s, l, f.host ?? '', null, 404, false);
      return true;
    case 'trying next host':
      nextHost(s, l, f.host ?? '', f.error ?? null, null, false);
      return true;
    case 'fetch failed': {
      if (f.host !== undefined || (!f.digest && s.cur && s.cur.resolvedHost === null)) {
        nextHost(s, l, f.host ?? '', f.error ?? null, null, true);
        return true;
      }
      // fetcher open failure (2.1+): a blob fetch failed
      const g = s.cur;
      if (!g) return true;
      s.touch(g, l);
      const a = findAttempt(g, null, null, f.digest ?? null, (x) => x.kind === 'fetch' && x.error === null);
      if (a) {
        a.error = f.error ?? '';
        if (a.status === null) a.outcome = outcomeFromError(a.error);
      }
      return true;
    }
    case 'resolved': {
      const g = s.cur;
      if (!g) return true;
      s.touch(g, l);
      const host = f.host ?? null;
      g.resolvedHost = host;
      g.resolvedDigest = f['desc.digest'] ?? null;
      const a = findAttempt(g, null, host, null, (x) => x.kind === 'resolve');
      if (a && (a.outcome === null || a.outcome === 'other')) {
        a.outcome = 'ok';
        if (a.status === null) a.inferred ??= 'status not logged; `resolved` names this host';
      }
      return true;
    }
    case 'Verifying image pull': {
      const g = s.cur;
      if (g && !g.closed && f.name) g.urlRef ??= f.name;
      return true;
    }
    case 'token request failed': {
      const g = s.cur;
      if (!g) return true;
      s.touch(g, l);
      const status = Number(f.status);
      const a = newAttempt({ host: '', url: null, path: null, method: null, kind: 'auth', mirror: false, evidence: 'debug', line: s.lineNo });
      a.status = Number.isInteger(status) && status >= 100 && status <= 999 ? status : null;
      a.outcome = a.status !== null ? outcomeFromStatus(a.status) : 'other';
      a.inferred = 'token request: endpoint host not logged';
      s.addAttempt(g, g.debug, a);
      return true;
    }
    default:
      break;
  }
  if (msg.startsWith('trying next host after status: ')) {
    nextHost(s, l, f.host ?? '', null, parseStatus(msg.slice(31)), false);
  } else if (msg.startsWith('fetch failed after status: ')) {
    nextHost(s, l, f.host ?? '', null, parseStatus(msg.slice(27)), true);
  } else if (msg.startsWith('failed to decode ')) {
    const p = msg.slice('failed to decode '.length);
    const dir = p.endsWith('/hosts.toml') ? p.slice(0, -'/hosts.toml'.length) : p;
    tomlError(s, dir, f.error ?? '', l);
  } else if (msg.startsWith(HTTPS_FIRST)) {
    const w = `${f.host ?? 'a host'} is configured as http:// with a TLS configuration: containerd tries HTTPS first`;
    if (s.cur && !s.cur.closed && s.cur.resolvedHost === null) addWarning(s.cur, w);
    else s.addPendingWarning(w);
  } else if (msg.startsWith(UNKNOWN_TYPE)) {
    // the warning names what the tag resolved to when its digest is the resolved one
    const g = s.cur;
    const mediaType = msg.slice(UNKNOWN_TYPE.length);
    if (g && !g.closed && g.root === null && f.digest && f.digest === g.resolvedDigest && mediaType) g.root = { mediaType, digest: f.digest };
  } else if (msg.startsWith("Found '")) {
    const g = s.cur;
    if (g && !g.closed) addWarning(g, msg);
  } else return false;
  return true;
}

function doRequest(s: ParseState, l: LogLine, f: Record<string, string>): void {
  const g = s.open(l.format);
  s.touch(g, l);
  if (!l.client) g.daemon = true;
  const url = f.url ?? null;
  const u = url ? splitUrl(url) : null;
  const host = u?.host ?? f.host ?? '';
  const method = f['request.method'] ?? null;
  const kind: AttemptKind = f.digest ? 'fetch' : f.host ? 'resolve' : u ? kindFromPath(method, u.path) : 'unknown';
  let a: Attempt | undefined;
  if (kind === 'resolve') {
    const last = g.debug[g.debug.length - 1];
    if (last && last.placeholder && last.host === host) a = last;
  }
  if (!a) {
    a = newAttempt({ host, url: null, path: null, method: null, kind, mirror: false, evidence: 'debug', line: s.lineNo });
    s.addAttempt(g, g.debug, a);
  }
  a.placeholder = false;
  a.url = url;
  a.path = u?.path ?? null;
  a.method = method;
  a.kind = kind;
  a.mirror = u?.ns != null;
  if (f.digest) a.digest = f.digest;
  if (!g.urlRef && kind === 'resolve' && u) g.urlRef = refFromPath(host, u.path);
  const ua = f['request.header.user-agent'];
  if (ua && !g.version) g.version = UA_RE.exec(ua)?.[1] ?? null;
}

function tomlError(s: ParseState, dir: string | null, error: string, l: LogLine): void {
  const e = { dir, error };
  const g = s.cur;
  if (s.pendingDir === null && g && !g.closed && g.resolvedHost === null && !g.resolveFailed) {
    addTomlError(g, e);
    s.touch(g, l);
  } else s.addPendingToml(e);
}

/** Before the resolver moves to `host`: settle what the previous host's attempt implies. */
function beforeNextHost(g: Group, host: string): void {
  const prev = lastOf(g.debug, (x) => x.kind === 'resolve');
  if (!prev || prev.host === host) return;
  if (prev.outcome === null && !prev.nextLogged) {
    prev.outcome = 'other';
    prev.inferred = 'no response or error logged before containerd moved to the next host';
  } else if (prev.status !== null && prev.status >= 400 && prev.status !== 404 && !prev.nextLogged) {
    prev.inferred = `no "trying next host" logged: containerd 1.5.5–1.7 move on silently after a ${prev.status} status`;
  }
}

/** The resolver gave up on `host` (`trying next host`), or on the last one (`fetch failed`). */
function nextHost(s: ParseState, l: LogLine, host: string, error: string | null, status: number | null, last: boolean): void {
  const url = urlInError(error ?? undefined);
  let g = s.open(l.format);
  // another image than the open pull's (lines grepped out of a busy log, spegel#258): a pull of its own
  if (url !== null && ofAnotherImage(g, url)) {
    g = s.newGroup(l.format);
    s.cur = g;
  }
  s.touch(g, l);
  if (!l.client) g.daemon = true;
  let a = findAttempt(g, null, host, null, (x) => x.kind === 'resolve' && !x.nextLogged);
  if (!a) {
    a = newAttempt({ host, url: null, path: null, method: null, kind: 'resolve', mirror: false, evidence: 'debug', line: s.lineNo });
    a.inferred = 'no "do request" logged for this host; implied by "' + (last ? 'fetch failed' : 'trying next host') + '"';
    s.addAttempt(g, g.debug, a);
    const u = url !== null ? splitUrl(url) : null;
    if (u && u.host === host) {
      a.url = url;
      a.path = u.path;
      a.mirror = u.ns !== null;
    }
  }
  a.placeholder = false;
  a.nextLogged = true;
  if (status !== null && a.status === null) a.status = status;
  if (error !== null) {
    a.error = error;
    a.viaProxy = a.viaProxy || error.includes('proxyconnect');
  }
  if (a.status !== null) a.outcome = outcomeFromStatus(a.status);
  else if (error !== null) a.outcome = outcomeFromError(error);
  if (last) g.resolveFailed = true;
}

/**
 * `url` asks for another image than the URLs of the open pull `g`, which names none yet: another
 * registry (`?ns=`) or a repository neither ends the other (a mirror's path prefix keeps the end).
 */
function ofAnotherImage(g: Group, url: string): boolean {
  if (g.ref !== null || g.cri) return false;
  const repo = repositoryOfUrl(url);
  if (repo === null) return false;
  const ns = nsParam(url);
  for (const a of g.debug) {
    if (a.url === null) continue;
    const other = repositoryOfUrl(a.url);
    if (other === null) continue;
    const ons = nsParam(a.url);
    if ((ns !== null && ons !== null && ns !== ons) || !(sameRepository(repo, other) || sameRepository(other, repo))) return true;
  }
  return false;
}
