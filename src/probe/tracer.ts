/**
 * The live tracer: real pulls on the node, parsed while they run. Runs `ctr images pull` without
 * and with `--hosts-dir` (debug, http-trace, http-dump) in a throw-away namespace, and a CRI
 * PullImage exactly as kubelet does; stops each early once its verdict is decided (unless `full`),
 * and always cleans up what it added — also on abort (Ctrl-C), timeout and a crash of ctr.
 */
import { existsSync, statSync } from 'node:fs';
import { execa } from 'execa';
import { TraceParser } from '../trace/parser.js';
import type { TraceDoc } from '../trace/schema.js';
import { redact, redactJson } from '../report/redact.js';
import { redactTraceDoc } from '../report/redact-trace.js';
import { comparePaths, type LiveRegistry, type PathOutcome } from '../trace/compare-paths.js';
import { TRACE_RUN_SCHEMA, type PathRun, type TraceProgress, type TraceRun } from '../trace/run-schema.js';
import { runStreamed } from './ctr-runner.js';
import { bodyLineSkipper } from './body-lines.js';
import { removeThrowAwayNamespace, throwAwayNamespace } from './ctr-namespace.js';
import { CriClient, CriError, liveRegistryConfig } from './cri-client.js';
import { findDaemonProcess } from './daemon-process.js';
import { describeLogSource, locateDaemonLog } from './daemon-log-source.js';
import { openDaemonLog } from './daemon-log-reader.js';
import { sampleDaemonConnections } from './daemon-connections.js';
import { resolveHosts } from './host-addresses.js';
import { readProcessProxyEnv } from './process-environ.js';
import { assessRun, runHosts, type DaemonSight } from '../trace/run-evidence.js';
import { verdictOf } from '../trace/finalise.js';
import { ContainerdApi } from './containerd-api.js';
import { GrpcCallError } from './grpc-unary.js';
import { mark } from './timeline.js';
import { START_TIME_SLACK_MS } from '../containerd/start-time.js';
import { earlyStop, markStalled, type EarlyStop } from '../trace/early-stop.js';

/** Lines after which the verdict may have changed (a cheap filter before asking the parser). */
const STOP_CHECK = /msg="?(resolved|trying next host|do request|fetch failed)|^ctr: |HTTP\/1\.[01] [1-5]\d\d /;

/** The ctr lines the tracer follows the connection state by (body lines with these messages are read). */
const DO_REQUEST = 'msg="do request"';
const CONNECTED = 'msg="Connection successful"';
const WATCHED_MESSAGES = ['do request', 'Connection successful'];

export interface TraceOptions {
  /** the reference as ctr needs it (full host/path:tag) */
  ref: string;
  /** the image name given to CRI PullImage (kubelet passes the pod spec's image; CRI normalises) */
  criImage: string;
  ctr: string;
  address: string;
  hostsDir: string;
  namespace?: string;
  timeoutMs: number;
  /** stop a pull whose connection to a host has not completed after this long (a blackholed host) */
  stallMs: number;
  /** stop a pull that is connected but has had no answer for this long (default 20 s) */
  responseStallMs?: number;
  full: boolean;
  /** --daemon-log as given (a file, `-`, or `none`); without it the log is found from the daemon's process */
  daemonLog?: string;
  /** the mirror hosts the emulation expects (they name the daemon's connections beside those the pulls show) */
  mirrorHosts?: string[];
  cri: boolean;
  /** client and server versions when the caller already asked (saves a ctr call) */
  versions?: { client: string | null; server: string | null };
  /** config_path as written in config.toml, and the file's path (for the restart check) */
  diskConfigPath: string | null;
  configFile?: string;
  signal?: AbortSignal;
  onProgress?: (event: TraceProgress) => void;
}

export class TraceError extends Error {}

/** The containerd namespace CRI (kubelet) uses. */
export const CRI_NAMESPACE = 'k8s.io';

/**
 * The ctr client's version (`ctr --version`, no daemon needed) and the daemon's (over the API),
 * at the same time. A missing ctr or an unreachable daemon is reported in `error`.
 */
export async function ctrVersions(ctr: string, address: string): Promise<{ client: string | null; server: string | null; error: string | null }> {
  const api = new ContainerdApi(address);
  const [client, server] = await Promise.all([
    execa(ctr, ['--version'], { reject: false, timeout: 10_000, stdin: 'ignore' }).then(
      (r) => (r.exitCode === 0 ? { value: /\s(v?\d[^\s]*)\s*$/.exec(r.stdout.trim())?.[1] ?? null, error: null } : { value: null, error: r.exitCode === undefined ? `${ctr}: ${/ENOENT/.test(r.shortMessage ?? '') ? 'no such file' : (r.shortMessage ?? '').split('\n')[0]}` : (r.stderr || r.stdout).trim() }),
    ),
    api.version().then(
      (v) => ({ value: v.version, error: null }),
      (e: Error) => ({ value: null, error: e instanceof GrpcCallError ? `${e.code}: ${e.details.replace(/\s*Resolution note:.*$/s, '')}` : e.message }),
    ),
  ]).finally(() => api.close());
  return { client: client.value, server: server.value, error: client.error ?? server.error };
}

function ctrArgs(o: TraceOptions, namespace: string, serverVersion: string, withHostsDir: boolean): { args: string[]; mode: 'local' | 'transfer'; reason: string } {
  const args = ['--address', o.address, '--namespace', namespace, '--debug', 'images', 'pull'];
  const mode: 'local' | 'transfer' = 'local';
  let reason: string;
  if (/^v?2\./.test(serverVersion) || /^v?[3-9]\./.test(serverVersion)) {
    args.push('--local');
    reason =
      'containerd 2.x: ctr pulls through the daemon\'s transfer service by default and its client log then shows little; --local resolves in ctr itself so every request is visible (the hosts.toml rules are the same)';
  } else if (/^v?1\.7\./.test(serverVersion)) {
    reason = 'containerd 1.7: ctr pulls locally by default (never --local=false: that path ignores --hosts-dir)';
  } else {
    reason = `containerd ${serverVersion}: ctr pulls locally`;
  }
  if (withHostsDir) args.push('--hosts-dir', o.hostsDir);
  args.push('--http-trace', '--http-dump', o.ref);
  return { args, mode, reason };
}

/** One ctr pull, parsed as it streams; stops early once decided unless `full`. */
async function traceCtr(o: TraceOptions, path: 'ctr' | 'ctr-hosts-dir', namespace: string, server: string, silentHosts: Set<string>, onExit?: () => void): Promise<PathRun> {
  const { args, mode, reason } = ctrArgs(o, namespace, server, path === 'ctr-hosts-dir');
  o.onProgress?.({ kind: 'path-start', path, command: redact(['ctr', ...args].join(' ')) });
  const parser = new TraceParser({ ref: o.ref });
  let lastHost: string | null = null;
  let stopReason: EarlyStop = null;
  // --http-trace logs "Connection successful" once TCP (and TLS) is up: a request without it is
  // still connecting, which a blackholed host never finishes
  let connected = true;
  let lastLineAt = Date.now();
  const run = await runStreamed(o.ctr, {
    args,
    timeoutMs: o.timeoutMs,
    stallMs: o.stallMs,
    ...(o.signal ? { signal: o.signal } : {}),
    // a whole pull (--full) streams the blobs: their dumped bodies are hundreds of MB of lines
    // the parser skips unread, so they are recognised on their bytes and never decoded (nor sent
    // as progress lines); and following them at a lower priority leaves the CPU to ctr. (Without
    // --full the pull stops at the verdict, before any blob.)
    ...(o.full
      ? {
          niceWhileRunning: 10,
          rawLine: bodyLineSkipper(parser, WATCHED_MESSAGES, (readAt) => {
            lastLineAt = readAt;
          }),
        }
      : {}),
    onLine: (line) => {
      parser.feed(line);
      lastLineAt = Date.now();
      if (line.includes(DO_REQUEST)) connected = false;
      // --http-dump's DumpRequestOut connects to a fake conn first and logs remote_addr="<nil>"
      else if (line.includes(CONNECTED) && !line.includes('remote_addr="<nil>"')) connected = true;
      o.onProgress?.({ kind: 'line', path, line });
      if (o.full || !STOP_CHECK.test(line)) return undefined;
      const why = earlyStop(parser.snapshot().at(-1));
      if (why) {
        stopReason = why;
        return 'stop';
      }
      return undefined;
    },
    onStall: () => {
      const d = parser.snapshot().at(-1);
      // a pull that is streaming blobs may be silent for long: only a pull still resolving stalls
      if (d?.resolved.host) return false;
      const host = d?.attempts.at(-1)?.host ?? null;
      if (!connected) {
        if (host) silentHosts.add(host);
      } else if (Date.now() - lastLineAt < (o.responseStallMs ?? 20_000)) {
        return false; // connected and waiting for an answer (a pull-through cache may be slow)
      }
      lastHost = host;
      return true;
    },
  });
  onExit?.();
  // the edge: what leaves the tracer is redacted
  let doc = redactDoc(parser.end().at(-1));
  mark(`${path}: parsed`);
  if (run.stoppedBy === 'stall' && doc) {
    const m = markStalled(doc, o.stallMs);
    doc = m.doc;
    lastHost = m.host ?? lastHost;
  }
  const raw = run.lines.map((l) => l.text).join('\n');
  const log = redact(raw);
  mark(`${path}: redacted`);
  const pulled = run.stoppedBy === null ? run.exitCode === 0 : doc?.resolved.host ? true : null;
  let blobNote: string | null = null;
  if (stopReason === 'mirrors-failed') {
    blobNote = 'stopped once every mirror had failed and containerd moved on to the upstream (use --full to see how the upstream answers)';
  } else if (doc && doc.resolved.host && doc.blobHosts.length === 0) {
    blobNote =
      run.stoppedBy === 'verdict'
        ? 'stopped once the manifest was served; blobs were not fetched (use --full to follow the whole pull)'
        : 'no blob requests: containerd shares blobs across namespaces, so blobs already on this node are not fetched again — this says nothing about which host would serve them';
  }
  const error = run.spawnError ?? (doc?.error ? redact(doc.error) : run.exitCode && !run.stoppedBy ? redact(run.lines.filter((l) => l.text.startsWith('ctr: ')).at(-1)?.text ?? `ctr exited with ${run.exitCode}`) : null);
  return {
    path,
    command: ['ctr', ...args],
    mode,
    modeReason: reason,
    exitCode: run.exitCode,
    stoppedBy: run.stoppedBy,
    stopReason: run.stoppedBy === 'verdict' ? stopReason : null,
    stalledOn: run.stoppedBy === 'stall' ? lastHost : null,
    durationMs: run.durationMs,
    doc,
    pulled,
    error,
    blobNote,
    log,
  };
}

function redactDoc(d: TraceDoc | undefined): TraceDoc | null {
  return d ? redactTraceDoc(d) : null;
}

const RESOLVER_PROGRESS = /msg="?(do request|fetch response received|trying next host|fetch failed|resolving|resolved|loading host directory)/;
/** A debug line in logrus text, logrus JSON, or a journal entry of either. */
const DEBUG_LINE = /level=debug|\\?"level\\?":\\?"debug/;


/**
 * The CRI path: PullImage exactly as kubelet (then RemoveImage when it was not there before).
 * The daemon's log (found from its process, or --daemon-log) is read for the pull's lines, and its
 * TCP connections are sampled while the pull runs. At debug level the resolver's lines are
 * followed while the call runs, so a pull that waits on a silent host is cancelled after `stallMs`
 * instead of containerd's 30 s per host.
 */
async function traceCri(o: TraceOptions, hadCriNamespace: boolean, silentHosts: Set<string>): Promise<{ run: PathRun; live: LiveRegistry | null; sight: DaemonSight }> {
  const started = Date.now();
  const client = new CriClient(o.address);
  const command = ['cri', 'PullImage', o.criImage];
  o.onProgress?.({ kind: 'path-start', path: 'cri', command: `CRI runtime.v1.ImageService/PullImage ${o.criImage}` });
  const daemon = findDaemonProcess(o.address);
  const source = locateDaemonLog({ ...(o.daemonLog !== undefined ? { option: o.daemonLog } : {}), pid: daemon?.pid ?? null });
  const reader = openDaemonLog(source, { startedAt: started });
  const proxyEnv = daemon ? readProcessProxyEnv(daemon.pid).env : null;
  const sampling = new AbortController();
  // an endpoint is the pull's when a socket to it opened during the pull (every pull dials anew;
  // an earlier pull's idle connection may still be open beside it)
  const sampler: Promise<DaemonSight['sockets']> = daemon
    ? sampleDaemonConnections(daemon.pid, { signal: sampling.signal }).then(
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
      if (RESOLVER_PROGRESS.test(line)) lastProgress = Date.now();
    }
  };
  const tail = reader
    ? setInterval(() => {
        feed(reader.poll());
        const d = parser.snapshot().at(-1);
        const why = o.full ? null : earlyStop(d);
        if (why === 'mirrors-failed' && !stoppedBy) {
          stoppedBy = 'verdict';
          criStopReason = why;
          cancel.abort();
        } else if (
          !d?.resolved.host &&
          !stoppedBy &&
          // the daemon log has no connection events: stop when the ctr pull found this host silent,
          // or when the resolver logged nothing for the response timeout
          (silentHosts.has(d?.attempts.at(-1)?.host ?? '') || (lastProgress !== null && Date.now() - lastProgress > (o.responseStallMs ?? 20_000)))
        ) {
          stoppedBy = 'stall';
          stalledOn = d?.attempts.at(-1)?.host ?? null;
          cancel.abort();
        }
      }, 100)
    : undefined;
  try {
    try {
      const st = await client.status(true);
      const reg = liveRegistryConfig(st);
      live = reg ? { exposed: true, configPath: reg.configPath, hasMirrors: Object.keys(reg.mirrors).length > 0 } : { exposed: false, configPath: null, hasMirrors: false };
    } catch {
      live = null;
    }
    const before = await client.imageStatus(o.criImage).catch(() => undefined);
    try {
      await client.pullImage(o.criImage, o.timeoutMs, cancel.signal);
      pulled = true;
      if (!before) await client.removeImage(o.criImage).catch(() => undefined);
    } catch (e) {
      pulled = false;
      if (stoppedBy === 'verdict' || stoppedBy === 'stall') {
        // we cancelled it ourselves: the trace, not the cancellation, is the evidence
      } else if (e instanceof CriError) {
        code = e.code;
        error = redact(e.details);
        if (e.code === 'DEADLINE_EXCEEDED') stoppedBy = 'timeout';
      } else error = redact((e as Error).message);
      // a pull that was cancelled after its manifest was resolved may still have completed in the
      // daemon: remove the image if it is new
      const cancelledByUs = (stoppedBy as PathRun['stoppedBy']) === 'stall' || (stoppedBy as PathRun['stoppedBy']) === 'verdict';
      if (!before && (parser.snapshot().at(-1)?.resolved.host || !cancelledByUs)) {
        const after = await client.imageStatus(o.criImage).catch(() => undefined);
        if (after) await client.removeImage(o.criImage).catch(() => undefined);
      }
    }
  } finally {
    if (tail) clearInterval(tail);
    o.signal?.removeEventListener('abort', onAbort);
    client.close();
    // kubelet's namespace: on a fresh daemon the first CRI pull creates it, and then we remove it again
    if (!hadCriNamespace) await removeCriNamespace(o, pulled !== true);
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
    doc = redactDoc(parser.end().at(-1));
    if ((stoppedBy as PathRun['stoppedBy']) === 'stall' && doc) {
      const m = markStalled(doc, o.stallMs);
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
    run: {
      path: 'cri',
      command,
      mode: 'cri',
      modeReason: 'as kubelet: CRI PullImage over the containerd socket; the daemon resolves with the CRI config_path',
      exitCode: null,
      stoppedBy,
      stopReason: criStopReason,
      stalledOn,
      durationMs: Date.now() - started,
      doc,
      pulled,
      error,
      code,
      blobNote: doc && doc.resolved.host && doc.blobHosts.length === 0 ? 'no blob requests: the blobs are already on this node (containerd shares content across namespaces)' : null,
      log: redact(lines.join('\n')),
      daemonLog: { source: redact(sight.log.source), problem: sight.log.problem === null ? null : redact(sight.log.problem), debug: sight.log.debug },
    },
  };
}

/** Every namespace of the daemon, or null when they could not be listed. */
async function listNamespaces(o: Pick<TraceOptions, 'address'>): Promise<string[] | null> {
  const api = new ContainerdApi(o.address);
  try {
    return await api.namespaces();
  } catch {
    return null;
  } finally {
    api.close();
  }
}

/**
 * Removes kubelet's namespace, which the first CRI pull on a fresh daemon creates. A pull we
 * cancelled (verdict, stall, Ctrl-C) goes on in the daemon for a moment and can create the
 * namespace just after a first removal found none, so it is looked for once more 100 ms later (and
 * again while the daemon keeps bringing it back). A Kubernetes node has the namespace already, so
 * this only costs time on a fresh daemon.
 */
async function removeCriNamespace(o: Pick<TraceOptions, 'ctr' | 'address'>, cancelled: boolean): Promise<void> {
  const remove = () => removeThrowAwayNamespace({ ctr: o.ctr, address: o.address }, CRI_NAMESPACE).catch(() => undefined);
  await remove();
  if (!cancelled) return;
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!(await namespaceExists(o, CRI_NAMESPACE))) return;
    await remove();
  }
}

async function namespaceExists(o: Pick<TraceOptions, 'ctr' | 'address'>, ns: string): Promise<boolean> {
  return (await listNamespaces(o))?.includes(ns) ?? false;
}

export async function trace(o: TraceOptions): Promise<TraceRun> {
  mark('trace start');
  const [versions, before] = await Promise.all([o.versions?.server ? { ...o.versions, error: null } : ctrVersions(o.ctr, o.address), listNamespaces(o)]);
  if (!versions.server) throw new TraceError(`cannot talk to containerd at ${o.address}: ${versions.error ?? 'no server version'}`);
  mark('versions and namespaces listed');
  const namespace = o.namespace ?? throwAwayNamespace();
  // each ctr pull gets a namespace of its own, so the two can run at the same time
  const namespaces: Record<'ctr' | 'ctr-hosts-dir', string> = { ctr: namespace, 'ctr-hosts-dir': `${namespace}-hosts-dir` };
  const taken = Object.values(namespaces).filter((ns) => before?.includes(ns));
  if (taken.length) throw new TraceError(`namespace ${taken[0]} already exists; the tracer only pulls into namespaces of its own (it removes them afterwards)`);
  const paths: PathRun[] = [];
  let live: LiveRegistry | null = null;
  const leftovers: string[] = [];
  /** hosts a ctr pull found silent (connect never completed): the CRI pull need not wait on them */
  const silentHosts = new Set<string>();
  const runCtr = async (path: 'ctr' | 'ctr-hosts-dir', onExit?: () => void) => {
    mark(`${path}: start`);
    const run = await traceCtr(o, path, namespaces[path], versions.server!, silentHosts, onExit);
    mark(`${path}: end`);
    o.onProgress?.({ kind: 'path-end', path, run });
    return run;
  };
  let sight: DaemonSight | null = null;
  const runCri = async () => {
    const r = await traceCri(o, before?.includes(CRI_NAMESPACE) ?? true, silentHosts);
    o.onProgress?.({ kind: 'path-end', path: 'cri', run: r.run });
    live = r.live;
    sight = r.sight;
    return r.run;
  };
  /** the removal of each ctr namespace, started once (see cleanupCtr) */
  const removals = new Map<string, Promise<string[]>>();
  const startCleanup = () => {
    const todo = Object.values(namespaces).filter((ns) => !removals.has(ns));
    if (!todo.length) return;
    mark('cleanup start');
    const existing = listNamespaces(o);
    for (const ns of todo) {
      removals.set(
        ns,
        existing.then((ex) => {
          if (ex !== null && !ex.includes(ns)) return [];
          o.onProgress?.({ kind: 'cleanup', what: `namespace ${ns}` });
          return removeThrowAwayNamespace({ ctr: o.ctr, address: o.address }, ns);
        }),
      );
    }
  };
  const cleanupCtr = async () => {
    startCleanup();
    const left = await Promise.all(Object.values(namespaces).map((ns) => removals.get(ns)!));
    leftovers.push(...left.flat());
    mark('cleanup end');
  };
  if (o.full) {
    // whole pulls one after another, so each path's blob requests are its own; the cleanup
    // starts as soon as the last ctr has exited, while its output is still being parsed (not
    // earlier: removing the first pull's blobs while the second runs would race with it)
    try {
      const order = ['ctr', 'ctr-hosts-dir'] as const;
      for (const path of order) if (!o.signal?.aborted) paths.push(await runCtr(path, path === order.at(-1) ? startCleanup : undefined));
    } finally {
      await cleanupCtr();
    }
    if (o.cri && !o.signal?.aborted) paths.push(await runCri());
  } else {
    // stopped at the verdict, the paths fetch no blobs: run them at the same time, and clean up
    // the ctr namespaces while the CRI pull may still be running
    const ctrRuns = Promise.allSettled([runCtr('ctr'), runCtr('ctr-hosts-dir')]).then(async (settled) => {
      await cleanupCtr();
      return settled;
    });
    const [settled, criRun] = await Promise.all([ctrRuns, o.cri ? runCri() : Promise.resolve(null)]);
    for (const r of settled) {
      if (r.status === 'rejected') throw r.reason;
      paths.push(r.value);
    }
    if (criRun) paths.push(criRun);
  }
  let configNewerThanDaemon: boolean | null = null;
  if (o.configFile && existsSync(o.configFile)) {
    const daemon = findDaemonProcess(o.address);
    if (daemon?.startedAt) configNewerThanDaemon = statSync(o.configFile).mtimeMs > daemon.startedAt + START_TIME_SLACK_MS;
  }
  await assessPaths(paths, sight, o, versions.server);
  mark('trace compared');
  const outcomes: PathOutcome[] = paths.map((p) => ({ path: p.path, doc: p.doc, pulled: p.pulled, error: p.error, ...(p.code !== undefined ? { code: p.code } : {}), ...(p.evidence ? { evidence: p.evidence } : {}), ...(p.daemonLog ? { debug: p.daemonLog.debug } : {}) }));
  return {
    schema: TRACE_RUN_SCHEMA,
    ref: o.ref,
    containerd: { client: versions.client, server: versions.server },
    address: o.address,
    namespace,
    hostsDir: o.hostsDir,
    live,
    paths,
    comparison: comparePaths({ paths: outcomes, hostsDir: o.hostsDir, live, diskConfigPath: o.diskConfigPath, configNewerThanDaemon }),
    leftovers,
  };
}

/** Each path's evidence (trace/run-evidence.ts), with the run's hosts resolved here as the daemon would. */
async function assessPaths(paths: PathRun[], sight: DaemonSight | null, o: TraceOptions, server: string | null): Promise<void> {
  const { mirrors, upstream } = runHosts(paths, o.criImage, o.mirrorHosts);
  const resolved = sight ? await resolveHosts([...mirrors, ...(upstream ? [upstream] : [])]) : [];
  assessRun(paths, o.criImage, sight, resolved, server, o.mirrorHosts);
  const cri = paths.find((p) => p.path === 'cri');
  if (cri?.evidence) cri.evidence = redactJson(cri.evidence);
  if (cri?.doc) cri.doc = redactTraceDoc({ ...cri.doc, verdict: verdictOf(cri.doc) });
}
