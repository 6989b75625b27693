/**
 * What a pull path's statements rest on. Each path says whether its pull went through a mirror
 * (and whether it tried one), at one of three levels:
 *  - proven: a log line, a request, a socket shows it;
 *  - inferred: a stated chain of reasoning from what was seen that admits no other reading;
 *  - unknown: neither; then it says what to collect.
 * ctr's paths are proven by ctr's own --debug/--http-dump output. The CRI path is the daemon's:
 * at its default (info) level the daemon logs a failure at a host but never which host served a
 * pull, so its sockets during the pull, the pull's outcome and whether the upstream can be reached
 * at all fill the gap. Pure.
 */
import type { TraceAttempt, TraceDoc } from './schema.js';

export type EvidenceLevel = 'proven' | 'inferred' | 'unknown';

export interface PathEvidence {
  /** the pull went through a mirror (null: not known, or no pull was made) */
  mirrorUsed: boolean | null;
  /** a mirror was asked at all (null: not known) */
  mirrorTried: boolean | null;
  /** the mirror that served it, when known */
  servedBy: string | null;
  level: EvidenceLevel;
  /** what it rests on: the lines, requests, sockets, or the steps of the reasoning */
  basis: string[];
  /** with `unknown`: what to collect so that it is known */
  collect: string | null;
}

/** A remote endpoint the daemon was connected to during the pull, and the registry hosts it is an address of. */
export interface EndpointSeen {
  endpoint: string;
  hosts: string[];
  /** already open before the pull started (an earlier pull's idle connection) */
  presentAtStart: boolean;
}

export interface CriEvidenceInput {
  doc: TraceDoc | null;
  pulled: boolean | null;
  error: string | null;
  code: string | null;
  stoppedBy: 'verdict' | 'stall' | 'timeout' | 'abort' | null;
  log: {
    /** where the lines came from, or why there are none */
    source: string;
    available: boolean;
    /** the lines hold the resolver's debug lines (each request), not only info lines */
    debug: boolean;
    problem: string | null;
  };
  /** the daemon's TCP connections during the pull, or why they could not be read */
  sockets: { endpoints: EndpointSeen[] } | { unreadable: string };
  /** the mirror hosts (as hosts.toml names them) and the upstream host of the image's registry */
  mirrors: string[];
  upstream: { host: string; resolves: boolean | null; detail: string };
  /** the daemon runs with a proxy: it connects to the proxy, and a name that does not resolve here may resolve there */
  daemonProxy: boolean;
  /** the daemon's version ('1.7.24', '2.1.9'…) */
  version: string | null;
}

/** Whether this containerd logs, at info level, every host that fails to resolve the tag (not only request errors and 404; never a failed blob download). */
function logsEveryFailureAtInfo(version: string | null): boolean {
  const major = Number(/^v?(\d+)\./.exec(version ?? '')?.[1]);
  return Number.isFinite(major) && major >= 2;
}

const DEBUG_HOW = 'run containerd at debug level ([debug] level = "debug" in config.toml, then restart it): its log then names every request';
const SOCKETS_HOW = "run mirror-doctor as root on the node, so that it can see the daemon's connections during the pull";

function attemptText(a: TraceAttempt): string {
  return `${a.host}: ${a.status !== null ? `${a.status} ` : ''}${a.outcome}${a.error ? ` (${a.error})` : ''}`;
}

/** ctr's paths: what ctr printed with --debug --http-trace --http-dump. */
export function ctrPathEvidence(path: 'ctr' | 'ctr-hosts-dir' | 'cri', doc: TraceDoc | null, stoppedBy: CriEvidenceInput['stoppedBy'], error: string | null): PathEvidence {
  const label = path === 'ctr' ? 'ctr (no --hosts-dir)' : 'ctr --hosts-dir';
  if (stoppedBy === 'abort') return unknown([`${label} was interrupted`], 'run it again without interrupting it');
  if (!doc) return unknown([`${label} printed nothing to read${error ? `: ${error}` : ''}`], 'run the ctr command shown with --debug and read its output');
  const mirrors = doc.attempts.filter((a) => a.mirror && a.kind !== 'auth');
  const served = doc.mirrorUsed ? (doc.resolved.host ?? doc.blobHosts[0] ?? null) : null;
  const basis = doc.mirrorUsed
    ? [`${label} output: ${doc.verdict}`]
    : mirrors.length
      ? [`${label} output: ${mirrors.map(attemptText).join('; ')}`]
      : [`${label} output: no request to a mirror (${doc.attempts.filter((a) => a.kind === 'resolve').map((a) => a.host).join(', ') || 'no request'})`];
  return { mirrorUsed: doc.mirrorUsed, mirrorTried: mirrors.length > 0, servedBy: served, level: 'proven', basis, collect: null };
}

function unknown(basis: string[], collect: string, tried: boolean | null = null): PathEvidence {
  return { mirrorUsed: null, mirrorTried: tried, servedBy: null, level: 'unknown', basis, collect };
}

export function criPathEvidence(i: CriEvidenceInput): PathEvidence {
  if (i.code === 'UNIMPLEMENTED') {
    return { mirrorUsed: false, mirrorTried: false, servedBy: null, level: 'proven', basis: ['the daemon has no CRI image service (UNIMPLEMENTED): kubelet cannot pull at all'], collect: null };
  }
  if (i.stoppedBy === 'abort') return unknown(['the CRI pull was interrupted'], 'run the check again without interrupting it');
  const doc = i.doc;
  const isMirror = (a: TraceAttempt) => a.mirror || i.mirrors.includes(a.host);
  const attempts = (doc?.attempts ?? []).filter((a) => a.kind !== 'auth');
  const requested = attempts.some((a) => a.method !== null);

  // the resolver's own lines: every request and its answer
  if (doc && i.log.debug && requested) {
    const mirrorAttempts = attempts.filter(isMirror);
    const used = doc.mirrorUsed;
    const basis = used
      ? [`daemon log ${i.log.source}: ${doc.verdict}`]
      : [`daemon log ${i.log.source}: ${mirrorAttempts.length ? mirrorAttempts.map(attemptText).join('; ') : `no request to a mirror (${attempts.filter((a) => a.kind === 'resolve').map((a) => a.host).join(', ') || 'no request'})`}`];
    return { mirrorUsed: used, mirrorTried: mirrorAttempts.length > 0, servedBy: used ? (doc.resolved.host ?? doc.blobHosts[0] ?? null) : null, level: 'proven', basis, collect: null };
  }

  // info level: a failure at a host is logged, a success never is
  const failed = new Map<string, TraceAttempt>();
  for (const a of attempts) if (isMirror(a) && a.outcome !== 'ok') failed.set(a.host, a);
  const failedLines = [...failed.values()].map((a) => `daemon log ${i.log.source}: the mirror ${attemptText(a)}`);
  const upstreamLines = attempts.filter((a) => !isMirror(a) && a.outcome !== 'ok').map((a) => `daemon log ${i.log.source}: ${attemptText(a)}`);
  const socketsRead = 'endpoints' in i.sockets;
  // a connection open before the pull is an earlier pull's: containerd builds new transports for each pull
  const fresh = socketsRead ? (i.sockets as { endpoints: EndpointSeen[] }).endpoints.filter((e) => !e.presentAtStart) : [];
  const mirrorConn = fresh.filter((e) => e.hosts.some((h) => i.mirrors.includes(h)));
  const otherConn = fresh.filter((e) => !e.hosts.some((h) => i.mirrors.includes(h)));
  const connText = (es: EndpointSeen[]) => es.map((e) => `${e.hosts.join('/') || 'an unknown host'} (${e.endpoint})`).join(', ');
  const noSockets = socketsRead ? null : (i.sockets as { unreadable: string }).unreadable;
  const collect = [DEBUG_HOW, noSockets ? SOCKETS_HOW : null].filter(Boolean).join('; or ');

  if (i.pulled === false) {
    // nothing was served; was a mirror asked?
    if (failed.size) return { mirrorUsed: false, mirrorTried: true, servedBy: null, level: 'proven', basis: failedLines, collect: null };
    if (mirrorConn.length) {
      return { mirrorUsed: false, mirrorTried: true, servedBy: null, level: 'proven', basis: [`the daemon connected to ${connText(mirrorConn)} during the pull`, `the pull failed: ${i.error ?? 'no error given'}`], collect: null };
    }
    // 1.6 logs no line for a 401/403/5xx (1.7 for a 403/5xx), but a failed pull's error names the first host that failed
    const named = i.mirrors.filter((m) => (i.error ?? '').includes(m));
    if (named.length) return { mirrorUsed: false, mirrorTried: true, servedBy: null, level: 'proven', basis: [`the pull's error names the mirror ${named.join(', ')}: ${i.error}`], collect: null };
    const basis = [`the pull failed: ${i.error ?? 'no error given'}`, ...upstreamLines];
    if (i.log.available && upstreamLines.length && (logsEveryFailureAtInfo(i.version) || socketsRead)) {
      // a mirror that failed would show: in a log line (request errors and 404 on every version,
      // every status from 2.0), or as a connection that got an answer (it stays open 30 s)
      basis.push(
        logsEveryFailureAtInfo(i.version)
          ? `containerd ${i.version} logs every host that fails to resolve the tag at info level, and no line names a mirror: no mirror was asked`
          : `no line names a mirror, and no connection to one was open during the pull (one that got an answer stays open 30 s): no mirror was asked`,
      );
      return { mirrorUsed: false, mirrorTried: false, servedBy: null, level: 'inferred', basis, collect: null };
    }
    return { mirrorUsed: false, mirrorTried: null, servedBy: null, level: 'proven', basis: [...basis, 'whether a mirror was asked is not in the evidence'], collect: null };
  }

  if (i.pulled === true) {
    const served = mirrorConn.filter((e) => !e.hosts.some((h) => failed.has(h)));
    if (served.length) {
      // two mirrors connected and neither logged failing (1.x logs no 5xx at info): either may have served
      const hosts = [...new Set(served.flatMap((e) => e.hosts.filter((h) => i.mirrors.includes(h))))];
      const host = hosts.length === 1 ? hosts[0]! : null;
      const failedConn = mirrorConn.filter((e) => !served.includes(e));
      const basis = [...failedLines, `the daemon connected to ${connText(served)} during the pull, and the pull succeeded`];
      if (!host) basis.push(`which of ${hosts.join(' and ')} served it is not logged at info level`);
      if (otherConn.length === 0) {
        basis.push(failedConn.length ? `its other connections went to mirrors that failed (${connText(failedConn)})` : 'it connected to no other host');
        return { mirrorUsed: true, mirrorTried: true, servedBy: host, level: 'proven', basis, collect: null };
      }
      // 2.x logs every host that fails to resolve the tag, but no blob download that fails (a mirror
      // without the blob, recorded in the lab at info level): the blobs may have come from the other host
      const why =
        i.log.available && logsEveryFailureAtInfo(i.version)
          ? `containerd ${i.version} logs every host that fails to resolve the tag and none names ${hosts.join(' or ')}, but it logs no failed blob download at info level`
          : `a failure with a status is not logged at info level by containerd ${i.version ?? '1.x'}`;
      return unknown([...basis, `it also connected to ${connText(otherConn)}: either may have served the blobs (${why})`], DEBUG_HOW, true);
    }
    if (socketsRead) {
      const basis = [...failedLines];
      basis.push(otherConn.length ? `the daemon connected to ${connText(otherConn)} and to no mirror during the pull` : 'the daemon had no connection to a mirror during the pull (one that got an answer stays open 30 s)');
      // a host none of the run's names resolve to may be a mirror the configuration read here does not show
      const unnamed = otherConn.filter((e) => e.hosts.length === 0);
      if (unnamed.length) return unknown([...basis, `${unnamed.map((e) => e.endpoint).join(', ')} is neither a mirror nor the upstream as this node's configuration names them: it may be a mirror configured elsewhere`], DEBUG_HOW, failed.size > 0 ? true : null);
      return { mirrorUsed: false, mirrorTried: failed.size > 0, servedBy: null, level: otherConn.length ? 'proven' : 'inferred', basis, collect: null };
    }
    if (i.upstream.resolves === false && !i.daemonProxy) {
      const left = i.mirrors.filter((m) => !failed.has(m));
      return {
        mirrorUsed: true,
        mirrorTried: true,
        servedBy: left.length === 1 ? left[0]! : null,
        level: 'inferred',
        basis: [...failedLines, `the pull succeeded, but ${i.upstream.host} does not resolve on this node (${i.upstream.detail}) and the daemon has no proxy: only a mirror can have served it`],
        collect: null,
      };
    }
    if (failed.size && i.mirrors.every((m) => failed.has(m))) {
      return { mirrorUsed: false, mirrorTried: true, servedBy: null, level: 'proven', basis: [...failedLines, 'every mirror failed, and the pull succeeded elsewhere'], collect: null };
    }
    const why = [
      i.log.available ? `the daemon log ${i.log.source} is at info level: containerd logs no line for a host that served a pull` : `no daemon log: ${i.log.problem ?? i.log.source}`,
      noSockets ? `the daemon's connections could not be read: ${noSockets}` : null,
      i.daemonProxy ? 'the daemon uses a proxy' : i.upstream.resolves === true ? `${i.upstream.host} resolves here, so the upstream may have served it` : null,
    ].filter((x): x is string => x !== null);
    return unknown([...failedLines, 'the pull succeeded', ...why], collect, failed.size > 0 ? true : null);
  }

  // stopped before an answer: stalled, timed out, or stopped once decided
  const what = i.stoppedBy === 'stall' ? 'the CRI pull stalled and was stopped' : i.stoppedBy === 'timeout' ? 'the CRI pull timed out' : 'the CRI pull was stopped before it ended';
  if (failed.size) return { mirrorUsed: false, mirrorTried: true, servedBy: null, level: 'proven', basis: [...failedLines, what], collect: null };
  return unknown([what], `run the check again with a longer --timeout; ${collect}`, mirrorConn.length ? true : null);
}
