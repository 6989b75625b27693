/**
 * The CRI pull of a trace, as kubelet makes it, and what the tracer sees of the daemon meanwhile:
 * its log lines (found from its process) and its TCP connections.
 */
import { TraceParser } from '../trace/parser.js';
import type { TraceDoc } from '../trace/schema.js';
import { redact } from '../report/redact.js';
import { redactTraceDoc } from '../report/redact-trace.js';
import type { LiveRegistry } from '../trace/compare-paths.js';
import type { PathRun } from '../trace/run-schema.js';
import type { DaemonSight } from '../trace/run-evidence.js';
import { earlyStop, markStalled, type EarlyStop } from '../trace/early-stop.js';
import { fetchesPastManifest } from '../trace/manifest-fetched.js';
import { CriClient, CriError, liveRegistryConfig } from './cri-client.js';
import { CriImageGuard } from './cri-claims.js';
import { CRI_NAMESPACE } from './ctr-namespace.js';
import type { EarlierRunItem } from '../trace/run-schema.js';
import { findDaemonProcess } from './daemon-process.js';
import { describeLogSource, locateDaemonLog } from './daemon-log-source.js';
import { openDaemonLog } from './daemon-log-reader.js';
import { readProcessConnections, sampleDaemonConnections } from './daemon-connections.js';
import { formatEndpoint, unmapIpv4 } from './proc-net-tcp.js';
import { stallWaitMs, type SilenceKind } from '../containerd/silence-waits.js';
import { readProcessProxyEnv } from './process-environ.js';
import type { TraceOptions } from './trace-options.js';

const RESOLVER_PROGRESS = /msg="?(do request|fetch response received|trying next host|fetch failed|resolving|resolved|loading host directory)/;
/** A debug line in logrus text, logrus JSON, or a journal entry of either. */
const DEBUG_LINE = /level=debug|\\?"level\\?":\\?"debug/;


/**
 * The CRI path: PullImage exactly as kubelet, then RemoveImage when it was not there before and no
 * other run or container needs it (cri-claims.ts decides, safe against parallel runs).
 * The daemon's log (found from its process, or --daemon-log) is read for the pull's lines, and its
 * TCP connections are sampled while the pull runs. A pull that waits on a silent host is cancelled
 * after `stallMs` instead of containerd's 30 s per host: at debug level from the resolver's lines,
 * at any level from a dial of the daemon that has not completed.
 */
export async function traceCri(
  o: TraceOptions,
  silentHosts: Map<string, SilenceKind | null>,
  server: string | null = null,
): Promise<{ run: PathRun; live: LiveRegistry | null; sight: DaemonSight; leftover: string | null; earlier: EarlierRunItem[] }> {
  const started = Date.now();
  const client = new CriClient(o.address);
  const guard = new CriImageGuard({ ctr: o.ctr, address: o.address }, o.ref, o.criImage);
  let unsure: string | null = null;
  let leftover: string | null = null;
  const command = ['cri', 'PullImage', o.criImage];
  o.onProgress?.({ kind: 'path-start', path: 'cri', command: `CRI runtime.v1.ImageService/PullImage ${o.criImage}` });
  const daemon = findDaemonProcess(o.address);
  const source = locateDaemonLog({ ...(o.daemonLog !== undefined ? { option: o.daemonLog } : {}), pid: daemon?.pid ?? null });
  const reader = openDaemonLog(source, { startedAt: started });
  const proxyEnv = daemon ? readProcessProxyEnv(daemon.pid).env : null;
  const sampling = new AbortController();
  // an endpoint is the pull's when a socket to it opened during the pull (every pull dials anew;
  // an earlier pull's idle connection may still be open beside it)
  // at info level the log shows no request in flight: a dial the daemon cannot complete does
  // the pull fetched its whole manifest (debug level only): from here blobs stream, which may be slow
  let manifestFetched = false;
  const onStalledDial = (endpoint: string) => {
    if (stoppedBy || manifestFetched) return;
    stoppedBy = 'stall';
    stalledOn = endpoint;
    stallKind = 'connect'; // seen: the daemon's socket is still in SYN_SENT
    cancel.abort();
  };
  const sampler: Promise<DaemonSight['sockets']> = daemon
    ? sampleDaemonConnections(daemon.pid, { signal: sampling.signal, stallMs: o.stallMs, onStalledDial }).then(
        (s) => ({ endpoints: s.endpoints.map((e) => ({ endpoint: e.endpoint, presentAtStart: !s.connections.some((c) => c.endpoint === e.endpoint && !c.presentAtStart) })) }),
        (e: Error) => ({ unreadable: e.message }),
      )
    : Promise.resolve({ unreadable: "containerd's process is not visible from here" });
  const parser = new TraceParser({ ref: o.criImage });
  let live: LiveRegistry | null = null;
  let pulled: boolean | null = null;
  let error: string | null = null;
  let code: string | null = null;
  let stoppedBy: PathRun['stoppedBy'] = null;
  let criStopReason: EarlyStop = null;
  let stalledOn: string | null = null;
  let stallKind: SilenceKind | null = null;
  const cancel = new AbortController();
  const onAbort = () => {
    stoppedBy = 'abort';
    cancel.abort();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  /** when the last resolver line came, null until one did (a daemon at info level logs none) */
  let lastProgress: number | null = null;
  const feed = (lines: string[]) => {
    for (const line of lines) {
      parser.feed(line);
      if (!manifestFetched && fetchesPastManifest(line)) manifestFetched = true;
      if (RESOLVER_PROGRESS.test(line)) lastProgress = Date.now();
    }
  };
  const tail = reader
    ? setInterval(() => {
        feed(reader.poll());
        const d = parser.snapshot().at(-1);
        const why = o.full ? null : earlyStop(d, manifestFetched);
        if (why === 'mirrors-failed' && !stoppedBy) {
          stoppedBy = 'verdict';
          criStopReason = why;
          cancel.abort();
        } else if (
          !manifestFetched &&
          !stoppedBy &&
          // the daemon log has no connection events: stop when the ctr pull found this host silent,
          // or when the resolver logged nothing for the response timeout
          (silentHosts.has(d?.attempts.at(-1)?.host ?? '') || (lastProgress !== null && Date.now() - lastProgress > (o.responseStallMs ?? o.stallMs)))
        ) {
          stoppedBy = 'stall';
          stalledOn = d?.attempts.at(-1)?.host ?? null;
          stallKind = silentHosts.get(stalledOn ?? '') ?? null;
          cancel.abort();
        }
      }, 100)
    : undefined;
  // at any log level: the daemon holds a socket to a host a ctr pull with the same hosts folder
  // found silent, and the pull has not resolved after stallMs: it waits on that host
  const silentWatch = daemon
    ? setInterval(() => {
        if (stoppedBy || silentHosts.size === 0 || Date.now() - started < o.stallMs || manifestFetched) return;
        let open: { endpoint: string; state: string }[];
        try {
          open = readProcessConnections(daemon.pid).map((c) => ({ endpoint: formatEndpoint({ address: unmapIpv4(c.remote.address), port: c.remote.port }), state: c.state }));
        } catch {
          return;
        }
        const hit = open.find((c) => silentHosts.has(c.endpoint));
        if (!hit) return;
        stoppedBy = 'stall';
        stalledOn = hit.endpoint;
        // the socket's own state tells a connect; otherwise the ctr pull's kind for the host
        stallKind = hit.state === 'SYN_SENT' ? 'connect' : hit.state === 'ESTABLISHED' ? (silentHosts.get(hit.endpoint) ?? null) : null;
        cancel.abort();
      }, 250)
    : undefined;
  try {
    try {
      const st = await client.status(true);
      const reg = liveRegistryConfig(st);
      live = reg ? { exposed: true, configPath: reg.configPath, hasMirrors: Object.keys(reg.mirrors).length > 0 } : { exposed: false, configPath: null, hasMirrors: false };
    } catch {
      live = null;
    }
    unsure = await guard.begin();
    try {
      await client.pullImage(o.criImage, o.timeoutMs, cancel.signal);
      pulled = true;
    } catch (e) {
      pulled = false;
      if (stoppedBy === 'verdict' || stoppedBy === 'stall') {
        // we cancelled it ourselves: the trace, not the cancellation, is the evidence
      } else if (e instanceof CriError) {
        code = e.code;
        error = redact(e.details);
        if (e.code === 'DEADLINE_EXCEEDED') stoppedBy = 'timeout';
      } else error = redact((e as Error).message);
      // a pull we cancelled goes on in the daemon for a moment (and may still store the image)
      if (stoppedBy) await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    if (tail) clearInterval(tail);
    if (silentWatch) clearInterval(silentWatch);
    o.signal?.removeEventListener('abort', onAbort);
    client.close();
    // the image (when new and no one else needs it), and kubelet's namespace when a trace created it
    const left = await guard.end();
    guard.close();
    leftover = left ?? (unsure && pulled !== false ? `image ${o.criImage} in ${CRI_NAMESPACE}: ${unsure}` : null);
  }
  // the daemon writes its last lines after answering
  await new Promise((r) => setTimeout(r, 50));
  sampling.abort();
  const sockets = await sampler;
  let doc: TraceDoc | null = null;
  let problem: string | null = source.kind === 'none' ? source.why : null;
  if (reader) {
    const rest = await reader.finish();
    feed(rest.lines);
    problem = rest.problem;
    const last = parser.end().at(-1);
    doc = last ? redactTraceDoc(last) : null;
    if ((stoppedBy as PathRun['stoppedBy']) === 'stall' && doc) {
      const m = markStalled(doc, stallWaitMs(stallKind, o), { kind: stallKind, version: server, host: stalledOn });
      doc = m.doc;
      stalledOn = m.host ?? stalledOn;
    }
  }
  const lines = reader?.lines ?? [];
  const sight: DaemonSight = {
    log: { source: describeLogSource(source), available: reader !== null && problem === null, debug: lines.some((l) => DEBUG_LINE.test(l)), problem },
    sockets,
    proxy: proxyEnv !== null && Object.keys(proxyEnv).some((k) => /^https?_proxy$/i.test(k) && proxyEnv[k] !== ''),
  };
  return {
    live,
    sight,
    leftover,
    earlier: guard.earlier,
    run: {
      path: 'cri',
      command,
      mode: 'cri',
      modeReason: 'as kubelet: CRI PullImage over the containerd socket; the daemon resolves with the CRI config_path',
      exitCode: null,
      stoppedBy,
      stopReason: criStopReason,
      stalledOn,
      ...((stoppedBy as PathRun['stoppedBy']) === 'stall' ? { stallKind, stallWaitMs: stallWaitMs(stallKind, o) } : {}),
      durationMs: Date.now() - started,
      doc,
      pulled,
      error,
      code,
      blobNote: doc && doc.resolved.host && doc.blobHosts.length === 0 ? 'no blob requests: the blobs are already on this node (containerd shares content across namespaces)' : null,
      log: redact(lines.join('\n')),
      daemonLog: { source: redact(sight.log.source), problem: sight.log.problem === null ? null : redact(sight.log.problem), debug: sight.log.debug },
      imagePresent: guard.presentBefore,
    },
  };
}
