/**
 * The evidence of each path of a trace run (path-evidence.ts), from what the tracer saw: ctr's
 * output, and for the CRI pull the daemon's log lines, its connections and where the hosts
 * resolve. The mirrors are the hosts ctr --hosts-dir and the daemon treated as mirrors (and those
 * the caller knows from the emulation); the upstream is the host they fell back to, else the
 * registry's own. Pure: the tracer resolves the hosts (runHosts) and hands the answers in.
 */
import { registryAndRepository } from './concurrent.js';
import { criPathEvidence, ctrPathEvidence, type CriEvidenceInput } from './path-evidence.js';
import type { PathRun } from './run-schema.js';
import type { TraceDoc } from './schema.js';

/** What the tracer saw of the daemon during the CRI pull, besides the pull's answer. */
export interface DaemonSight {
  log: { source: string; available: boolean; debug: boolean; problem: string | null };
  /** the endpoints the daemon was connected to (presentAtStart: no socket to it opened during the pull), or why they could not be read */
  sockets: { endpoints: Array<{ endpoint: string; presentAtStart: boolean }> } | { unreadable: string };
  /** the daemon runs with an HTTP(S) proxy */
  proxy: boolean;
}

/** Where a registry host resolves on this node (probe/host-addresses.ts). */
export interface ResolvedHost {
  host: string;
  endpoints: string[];
  error: string | null;
}

/** The mirror hosts and the upstream host of a run's pulls: the hosts to resolve. */
export function runHosts(paths: readonly PathRun[], criImage: string, knownMirrors: readonly string[] = []): { mirrors: string[]; upstream: string } {
  const docs = paths.map((p) => p.doc).filter((d): d is TraceDoc => d !== null);
  const mirrors = [...new Set([...knownMirrors, ...docs.flatMap((d) => d.attempts.filter((a) => a.mirror).map((a) => a.host))])].filter((h) => h !== '');
  const registry = registryAndRepository(criImage)?.registry ?? null;
  const upstream =
    docs.flatMap((d) => d.attempts.filter((a) => !a.mirror && a.kind === 'resolve' && a.host !== '' && !mirrors.includes(a.host)).map((a) => a.host))[0] ??
    (registry === 'docker.io' ? 'registry-1.docker.io' : (registry ?? ''));
  return { mirrors, upstream };
}

/**
 * Sets each path's evidence (and the CRI path's sockets, named by the hosts they are an address
 * of). The CRI doc's attempts at a mirror host are marked as mirror attempts: a daemon line at
 * info level names the host but not the `?ns=` URL that marks a mirror.
 */
export function assessRun(paths: PathRun[], criImage: string, sight: DaemonSight | null, resolved: readonly ResolvedHost[], version: string | null, knownMirrors: readonly string[] = []): void {
  for (const p of paths) if (p.path !== 'cri') p.evidence = ctrPathEvidence(p.path, p.doc, p.stoppedBy, p.error);
  const cri = paths.find((p) => p.path === 'cri');
  if (!cri || !sight) return;
  const { mirrors, upstream } = runHosts(paths, criImage, knownMirrors);
  if (cri.doc) {
    for (const a of cri.doc.attempts) if (!a.mirror && mirrors.includes(a.host)) a.mirror = true;
  }
  const up = resolved.find((r) => r.host === upstream);
  const hostsOf = (endpoint: string) => resolved.filter((r) => r.endpoints.includes(endpoint)).map((r) => r.host);
  const sockets: CriEvidenceInput['sockets'] =
    'unreadable' in sight.sockets ? sight.sockets : { endpoints: sight.sockets.endpoints.map((e) => ({ endpoint: e.endpoint, hosts: hostsOf(e.endpoint), presentAtStart: e.presentAtStart })) };
  cri.sockets = sockets;
  cri.evidence = criPathEvidence({
    doc: cri.doc,
    pulled: cri.pulled,
    error: cri.error,
    code: cri.code ?? null,
    stoppedBy: cri.stoppedBy,
    log: sight.log,
    sockets,
    mirrors,
    upstream: { host: upstream, resolves: up ? up.error === null : null, detail: up?.error ?? (up ? `resolves to ${up.endpoints.join(', ')}` : 'not looked up') },
    daemonProxy: sight.proxy,
    version,
  });
}
