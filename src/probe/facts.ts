/**
 * `gatherFacts`: everything `check` knows about one node, gathered once (the only effects of the
 * checklist) and returned as plain {@link Facts}. Every path is read under `--root`; `--offline`
 * makes no daemon call and no pull. A fact that cannot be gathered is recorded as unknown with its
 * error: gathering never throws for a problem of the node. This module runs the steps in order
 * (what each step gathers is in a sibling module) and runs the live traces.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { hostname as osHostname } from 'node:os';
import { FACTS_SCHEMA, type Facts, type PullClient } from '../checks/facts.js';
import { planCri, planMirrorHosts } from '../containerd/plan.js';
import { mirroredRegistries } from '../containerd/mirror-roles.js';
import { parseCriReference } from '../containerd/reference.js';
import { chooseRef, hostsFolderRegistries, refHosts } from './checked-ref.js';
import { analyseConfigFile, configFileTimes, fileMtimes, renderSources } from './config-file-facts.js';
import { askDaemon, gatherSystemdUnit, unitFilesOf, type DaemonClient } from './daemon-facts.js';
import { defaultHostsDir, locateDaemon } from './daemon-location.js';
import type { DaemonProcess } from './daemon-process.js';
import { distributionProbe, gatherNodeName, gatheringUser, shellProxyEnv, textReader } from './environment-facts.js';
import { errorText } from './fact-values.js';
import { describeHostsFolders, gatherHostRoots, readHostsFolders, readNerdctlFiles } from './hosts-folder-facts.js';
import type { InvokingUser, StatLike } from './host-dir-permissions.js';
import { NodeFileReader, type FsLike } from './node-files.js';
import { nodePath } from './node-path.js';
import { traceHostPaths } from './trace-paths.js';
import { trace as runTraceDefault, type TraceOptions } from './tracer.js';
import { defaultExec, emulatedVersion, gatherBinaryVersions, type ExecResult } from './version-facts.js';
import type { TraceProgress, TraceRun } from '../trace/run-schema.js';

export interface GatherOptions {
  /** the image reference given on the command line (validated by the caller) */
  ref?: string;
  /** prefix for every node path ('/' for the live node) */
  root?: string;
  /** config.toml (node path); default: the daemon's --config, else the distribution's, else /etc/containerd/config.toml */
  config?: string;
  /** hosts folder for `ctr --hosts-dir` (node path) */
  hostsDir?: string;
  /** the client the user pulled with */
  client?: PullClient;
  containerdVersion?: string;
  /** containerd socket; default: the distribution's socket, else /run/containerd/containerd.sock */
  address?: string;
  ctr?: string;
  namespace?: string;
  timeoutMs?: number;
  stallMs?: number;
  responseStallMs?: number;
  full?: boolean;
  /** run the CRI pull in the trace (default true) */
  cri?: boolean;
  daemonLog?: string;
  /** no daemon calls, no pulls */
  offline?: boolean;
  /** the shell environment (proxy variables, SUDO_*); default process.env */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (e: TraceProgress) => void;
  /** one line per gathering step (for a progress display) */
  onStep?: (step: string) => void;
  /** what the step just run found wrong (an unreachable daemon), so its checklist item shows it */
  onStepOutcome?: (outcome: { status: 'error' | 'warning'; detail: string }) => void;
  /** the arguments mirror-doctor was run with (Facts.command) */
  command?: string[];
  /**
   * Called when no ref was given, before anything is pulled, with the ref chosen from the hosts
   * folders (or the default, which is never pulled) and every registry they name: returns the ref
   * the user picks (asked on a terminal), or null to keep the suggestion (having said which and why).
   */
  confirmRef?: (suggested: Facts['ref'], registries: Array<{ registry: string; folder: string }>) => Promise<string | null>;
}

export interface GatherDeps {
  /** file system for the node files (under --root) */
  fs?: FsLike;
  /** lstat/stat for owner and mode of the hosts folders */
  statFs?: StatLike;
  /** the daemon process serving an address (default: /proc) */
  findDaemon?: (address: string) => DaemonProcess | null;
  procDir?: string;
  exec?: (file: string, args: string[], timeoutMs: number) => Promise<ExecResult>;
  daemon?: (address: string) => DaemonClient;
  /** socket pre-check: an error text when the socket cannot be dialled (default: stat + access) */
  socketProblem?: (address: string) => Promise<string | null>;
  runTrace?: (o: TraceOptions) => Promise<TraceRun>;
  now?: () => number;
  user?: InvokingUser;
  /** the machine's host name (default: os.hostname()) */
  hostname?: () => string;
}

/** Why no pull is made without an image: one would land in the node's image store (kubelet's namespace) from a registry the node may not use. */
export const NO_IMAGE_NO_PULL =
  'not run: no image was given and no hosts folder names a registry, so nothing was pulled (a default image would be pulled from Docker Hub into the node\'s image store); pass an image, e.g. mirror-doctor check docker.io/library/nginx:latest';

export async function gatherFacts(o: GatherOptions = {}, deps: GatherDeps = {}): Promise<Facts> {
  const now = deps.now ?? Date.now;
  const step = (s: string) => o.onStep?.(s);
  const root = path.resolve(o.root ?? '/');
  const live = root === '/';
  const offline = !!o.offline || (!live && o.address === undefined);
  const notes: string[] = [];
  if (!o.offline && offline) notes.push('--root without --address: only the files were checked; no daemon was contacted');
  const env = o.env ?? process.env;
  const reader = new NodeFileReader({ root, ...(deps.fs ? { fs: deps.fs } : {}) });
  // a second reader for files the emulation does not need (markers, systemd units)
  const aux = new NodeFileReader({ root, ...(deps.fs ? { fs: deps.fs } : {}) });
  const auxText = textReader(aux);
  const probe = distributionProbe(aux, auxText);
  const user = gatheringUser(env, deps.user);

  // 1-2. distribution (files), the address it implies, the daemon process (/proc: the live machine's)
  const unitFiles = unitFilesOf(aux, auxText);
  const { distribution, address, addressSource, proc, processFact, procUnit, foundUnit, configFile, configFileSource } = await locateDaemon(probe, {
    address: o.address,
    config: o.config,
    lookForProcess: live || !offline,
    ...(deps.findDaemon ? { findDaemon: deps.findDaemon } : {}),
    ...(deps.procDir ? { procDir: deps.procDir } : {}),
    onStep: step,
    unitFiles,
  });

  // 3. versions: the local binaries (live node only), the server over the API
  step('versions');
  const ctr = o.ctr ?? 'ctr';
  const { binary, ctr: ctrVersion } = await gatherBinaryVersions({ exec: deps.exec ?? defaultExec, live, offline, root, ctr, ctrGiven: o.ctr !== undefined, proc });
  if (!offline) step('daemon');
  const { reachable, daemonError, server, plugins, liveCri } = await askDaemon(address, offline, deps);
  if (!offline && !reachable) o.onStepOutcome?.({ status: 'error', detail: `not reachable at ${address}: ${daemonError ?? 'no answer'}` });

  // 4. the containerd version the emulation uses
  const { containerdVersion, profile } = emulatedVersion(o.containerdVersion, server, binary, notes);

  // 5. config.toml and its imports
  step('config.toml');
  const analysis = await analyseConfigFile(reader, configFile, profile, notes);
  const statFs = deps.statFs ?? fsp;
  const { configMtime, configMtimes } = await configFileTimes(statFs, root, configFile, analysis);
  const sourceMtimes = await fileMtimes(statFs, root, renderSources(distribution));

  // 6. systemd unit and drop-ins
  step('systemd unit');
  const systemd = await gatherSystemdUnit(unitFiles, procUnit, distribution.kind, foundUnit);

  // 7. the hosts folders, and the reference: the argument, else one for the first registry folder with a mirror
  step('hosts folders');
  const configPath = analysis?.cri.configPath ?? '';
  const hostRoots = await gatherHostRoots(reader, configPath, o.hostsDir, distribution);
  // every registry folder, so that the default reference is one whose mirror can be checked
  await readHostsFolders(reader, hostRoots, new Set());
  let ref = chooseRef(o.ref, reader, hostRoots, profile);
  // only when a pull would follow: asked, or said, before it
  if (ref.source !== 'argument' && o.confirmRef && !offline && reachable && !o.signal?.aborted) {
    const picked = await o.confirmRef(ref, hostsFolderRegistries(reader, hostRoots, profile));
    if (picked !== null) ref = { input: picked, source: 'argument' };
  }
  await readHostsFolders(reader, hostRoots, refHosts(ref.input));
  if (o.client === 'nerdctl') await readNerdctlFiles(reader, [...refHosts(ref.input)], hostRoots);

  // 8. owner, mode and readability of the roots, registry folders and their files
  step('permissions');
  const hostDirEntries = await describeHostsFolders(root, reader, hostRoots, user, statFs);

  // 9. the shell's proxy variables (what ctr uses)
  const shellProxy = shellProxyEnv(env);

  // 10. the live traces
  let traceRun: TraceRun | null = null;
  let traceError: string | null = null;
  if (!offline && reachable) {
    const parsed = parseCriReference(ref.input);
    if (ref.source === 'default') traceError = NO_IMAGE_NO_PULL;
    else if (!parsed.ok) traceError = `not run: ${ref.input} is not a reference CRI accepts (${parsed.error})`;
    else if (ctrVersion.value === null && live) traceError = `not run: ${ctr} is not available (${ctrVersion.unknown.error}); install ctr or pass --ctr PATH`;
    else {
      const nodeHostsDir = nodePath(defaultHostsDir(o.hostsDir, configPath, distribution));
      const paths = await traceHostPaths(root, nodeHostsDir, configFile, statFs);
      if ('error' in paths) traceError = paths.error;
      else {
        step('trace');
        const options: TraceOptions = {
          ref: parsed.ref.name,
          criImage: ref.input,
          ctr,
          address,
          hostsDir: paths.hostsDir,
          nodeHostsDir,
          ...(o.namespace ? { namespace: o.namespace } : {}),
          timeoutMs: o.timeoutMs ?? 60_000,
          stallMs: o.stallMs ?? 2000,
          responseStallMs: o.responseStallMs ?? o.stallMs ?? 2000,
          full: !!o.full,
          cri: o.cri !== false,
          ...(o.daemonLog ? { daemonLog: o.daemonLog } : {}),
          versions: { client: ctrVersion.value, server: server.value },
          diskConfigPath: configPath || null,
          // the daemon's connections to a mirror only its config names (registry.mirrors) are named by the emulation
          mirrorHosts: analysis ? planMirrorHosts(planCri({ ref: ref.input, snapshot: reader.snapshot, profile, config: analysis })) : [],
          // a reference that names a mirror is pulled from it directly (the comparison says so)
          mirrorOf: mirroredRegistries(parsed.ref.hostname, hostRoots.map((h) => h.root), analysis?.cri.mirrors ?? {}, reader.snapshot, profile),
          ...(paths.configFile !== null ? { configFile: paths.configFile } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        };
        try {
          traceRun = await (deps.runTrace ?? runTraceDefault)(options);
        } catch (e) {
          traceError = errorText(e);
        }
      }
    }
  }

  const nodeName = await gatherNodeName(env, live, deps.hostname ?? osHostname, auxText);

  const facts: Facts = {
    schema: FACTS_SCHEMA,
    collectedAt: new Date(now()).toISOString(),
    root,
    offline,
    ref,
    ...(o.client ? { client: o.client } : {}),
    containerdVersion,
    versions: { binary, ctr: ctrVersion, server },
    address,
    daemon: { reachable, error: reachable ? null : daemonError, process: processFact, systemd },
    configFile,
    configMtime,
    snapshot: reader.snapshot,
    hostRoots,
    ...(o.hostsDir !== undefined ? { hostsDirOption: nodePath(o.hostsDir) } : {}),
    hostDirEntries,
    plugins,
    liveCri,
    distribution,
    shellProxyEnv: shellProxy,
    trace: traceRun,
    traceError,
    invokingUser: { uid: user.uid, name: user.name },
    ...(o.command ? { command: o.command } : {}),
    addressSource,
    configFileSource,
    configMtimes,
    ...(Object.keys(sourceMtimes).length > 0 ? { sourceMtimes } : {}),
    notes,
    nodeName,
    ...(o.signal?.aborted ? { interrupted: true } : {}),
  };
  return facts;
}
