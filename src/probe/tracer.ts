/**
 * The live tracer: real pulls on the node, parsed while they run. Runs `ctr images pull` without
 * and with `--hosts-dir` (trace-ctr.ts) in throw-away namespaces, and a CRI PullImage exactly as
 * kubelet does (trace-cri.ts); stops each early once its verdict is decided (unless `full`), and
 * always cleans up what it added — also on abort (Ctrl-C), timeout and a crash of ctr. What it
 * creates is labelled with this process (run-owner.ts), and every run first removes what runs
 * that were killed before their cleanup left (earlier-runs.ts).
 */
import type { SilenceKind } from '../containerd/silence-waits.js';
import { parseCriReference } from '../containerd/reference.js';
import { existsSync, statSync } from 'node:fs';
import { redactJson } from '../report/redact.js';
import { redactTraceDoc } from '../report/redact-trace.js';
import { comparePaths, type CompareInput, type LiveRegistry, type PathOutcome } from '../trace/compare-paths.js';
import { TRACE_RUN_SCHEMA, type EarlierRunItem, type PathRun, type TraceRun } from '../trace/run-schema.js';
import { assessRun, runHosts, type DaemonSight } from '../trace/run-evidence.js';
import { verdictOf } from '../trace/finalise.js';
import { START_TIME_SLACK_MS } from '../containerd/start-time.js';
import { createThrowAwayNamespace, listNamespaces, removeThrowAwayNamespace, throwAwayNamespace } from './ctr-namespace.js';
import { GrpcCallError } from './grpc-unary.js';
import { cleanUpEarlierRuns } from './earlier-runs.js';
import { findDaemonProcess } from './daemon-process.js';
import { resolveHosts } from './host-addresses.js';
import { mark } from './timeline.js';
import { runPulls, type CtrPath } from './pull-order.js';
import { ctrVersions, traceCtr, type CtrHooks } from './trace-ctr.js';
import { traceCri } from './trace-cri.js';
import { TraceError, type TraceOptions } from './trace-options.js';

export { ctrVersions } from './trace-ctr.js';
export { TraceError, type TraceOptions } from './trace-options.js';

export async function trace(o: TraceOptions): Promise<TraceRun> {
  mark('trace start');
  const versions = o.versions?.server ? { ...o.versions, error: null } : await ctrVersions(o.ctr, o.address);
  if (!versions.server) throw new TraceError(`cannot talk to containerd at ${o.address}: ${versions.error ?? 'no server version'}`);
  mark('versions listed');
  // what killed runs left: removed while this run goes on (it never touches what a live run owns)
  const earlier: Promise<EarlierRunItem[]> = cleanUpEarlierRuns({ ctr: o.ctr, address: o.address });
  const namespace = o.namespace ?? throwAwayNamespace();
  // each ctr pull gets a namespace of its own, so the two can run at the same time; created here,
  // labelled with this process, before ctr would create them unlabelled
  const namespaces: Record<CtrPath, string> = { ctr: namespace, 'ctr-hosts-dir': `${namespace}-hosts-dir` };
  const created: string[] = [];
  try {
    for (const ns of Object.values(namespaces)) {
      await createThrowAwayNamespace(o.address, ns);
      created.push(ns);
    }
  } catch (e) {
    await Promise.all(created.map((ns) => removeThrowAwayNamespace({ ctr: o.ctr, address: o.address }, ns)));
    await earlier;
    if (e instanceof GrpcCallError && e.code === 'ALREADY_EXISTS') {
      throw new TraceError(`namespace ${namespaces.ctr} or ${namespaces['ctr-hosts-dir']} already exists; the tracer only pulls into namespaces of its own (it removes them afterwards)`);
    }
    throw new TraceError(`cannot create the namespaces to pull into at ${o.address}: ${e instanceof GrpcCallError ? `${e.code}: ${e.details}` : (e as Error).message}`);
  }
  mark('namespaces created');
  let live: LiveRegistry | null = null;
  const leftovers: string[] = [];
  /** hosts a ctr pull found silent, with the kind of silence seen: the CRI pull need not wait on them */
  const silentHosts = new Map<string, SilenceKind | null>();
  const runCtr = async (path: CtrPath, hooks: CtrHooks) => {
    mark(`${path}: start`);
    const run = await traceCtr(o, path, namespaces[path], versions.server!, silentHosts, hooks);
    mark(`${path}: end`);
    o.onProgress?.({ kind: 'path-end', path, run });
    return run;
  };
  let sight: DaemonSight | null = null;
  const criEarlier: EarlierRunItem[] = [];
  const runCri = async () => {
    const r = await traceCri(o, silentHosts, versions.server);
    o.onProgress?.({ kind: 'path-end', path: 'cri', run: r.run });
    live = r.live;
    sight = r.sight;
    if (r.leftover) leftovers.push(r.leftover);
    criEarlier.push(...r.earlier);
    return r.run;
  };
  /** the removal of each ctr namespace, started once (see cleanupCtr) */
  const removals = new Map<string, Promise<string[]>>();
  const startCleanup = (which: readonly string[] = Object.values(namespaces)) => {
    const todo = which.filter((ns) => !removals.has(ns));
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
  // in the order pull-order.ts gives
  const paths = await runPulls(
    { full: o.full, cri: o.cri, signal: o.signal },
    {
      ctr: runCtr,
      cri: runCri,
      removeNamespace: (path) => {
        startCleanup([namespaces[path]]);
        return removals.get(namespaces[path])!;
      },
      removeAll: cleanupCtr,
    },
  );
  const earlierRuns = [...(await earlier), ...criEarlier];
  mark('earlier runs cleaned up');
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
    comparison: comparePaths({ paths: outcomes, hostsDir: o.hostsDir, ...(o.nodeHostsDir ? { nodeHostsDir: o.nodeHostsDir } : {}), live, diskConfigPath: o.diskConfigPath, configNewerThanDaemon, ...mirrorOf(o) }),
    leftovers,
    earlierRuns,
  };
}

/** comparePaths' mirrorOf: the reference's host and the registries it is the mirror for */
function mirrorOf(o: TraceOptions): Pick<CompareInput, 'mirrorOf'> {
  const host = parseCriReference(o.criImage);
  return o.mirrorOf?.length && host.ok ? { mirrorOf: { host: host.ref.hostname, registries: o.mirrorOf } } : {};
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
