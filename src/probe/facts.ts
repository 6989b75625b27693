/**
 * `gatherFacts`: everything `check` knows about one node, gathered once (the only effects of the
 * checklist) and returned as plain {@link Facts}. Every path is read under `--root`; `--offline`
 * makes no daemon call and no pull. A fact that cannot be gathered is recorded as unknown with its
 * error: gathering never throws for a problem of the node.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { hostname as osHostname } from 'node:os';
import { execa } from 'execa';
import { BugError } from '../errors.js';
import {
  FACTS_SCHEMA,
  NODE_NAME_ENV,
  type DaemonProcessFact,
  type DistributionFact,
  type Facts,
  type HostDirEntryFact,
  type Known,
  type PluginFact,
  type SystemdFact,
} from '../checks/facts.js';
import { analyzeConfig, DEFAULT_CONFIG_FILE, type ConfigAnalysis } from '../containerd/config-toml.js';
import { goPathClean, goPathJoin } from '../containerd/go-url.js';
import { splitConfigPath } from '../containerd/host-dirs.js';
import { parseCriReference, parseCtrReference } from '../containerd/reference.js';
import { ASSUMED_VERSION, resolveProfile, type BehaviourProfile } from '../containerd/version.js';
import { CriClient, liveRegistryConfig, type CriStatus } from './cri-client.js';
import { ContainerdApi } from './containerd-api.js';
import { GrpcCallError } from './grpc-unary.js';
import { DEFAULT_ADDRESS, findDaemonProcess, type DaemonProcess } from './daemon-process.js';
import { detectDistribution, type DistributionProbe } from './distribution.js';
import { describeHostPath, invokingUser, type InvokingUser, type StatLike } from './host-dir-permissions.js';
import { NodeFileReader, type FsLike } from './node-files.js';
import { listPlugins, registryPlugins } from './plugins.js';
import { readProcessProxyEnv, readProcessUnit } from './process-environ.js';
import { PROXY_VAR, readSystemdUnit, type UnitFiles } from './systemd-unit.js';
import { trace as runTraceDefault, type TraceOptions } from './tracer.js';
import type { TraceProgress, TraceRun } from '../trace/run-schema.js';

/** The image checked when none is given and no hosts folder names a registry. */
export const DEFAULT_REF = 'docker.io/library/busybox:latest';

export interface GatherOptions {
  /** the image reference given on the command line (validated by the caller) */
  ref?: string;
  /** prefix for every node path ('/' for the live node) */
  root?: string;
  /** config.toml (node path); default: the daemon's --config, else the distribution's, else /etc/containerd/config.toml */
  config?: string;
  /** hosts folder for `ctr --hosts-dir` (node path) */
  hostsDir?: string;
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
}

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** spawn failure or timeout, as text */
  error: string | null;
}

/** The daemon calls gathering makes (tests replace them). */
export interface DaemonClient {
  version(): Promise<string>;
  plugins(): Promise<PluginFact[]>;
  criStatus(): Promise<CriStatus>;
  close(): void;
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

const defaultExec = async (file: string, args: string[], timeoutMs: number): Promise<ExecResult> => {
  try {
    const r = await execa(file, args, { reject: false, timeout: timeoutMs, stdin: 'ignore', windowsHide: true });
    const failed = r.failed && (r.exitCode === undefined || r.timedOut);
    const notFound = (r as { code?: string }).code === 'ENOENT' || /\bENOENT\b/.test(r.shortMessage ?? '');
    const error = notFound ? `${file}: command not found` : failed ? (r.shortMessage ?? 'failed').split('\n')[0]! : null;
    return { exitCode: r.exitCode ?? null, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), error };
  } catch (e) {
    return { exitCode: null, stdout: '', stderr: '', error: (e as Error).message };
  }
};

const defaultDaemon = (address: string): DaemonClient => {
  const api = new ContainerdApi(address);
  const cri = new CriClient(address);
  return {
    version: async () => (await api.version()).version,
    plugins: () => listPlugins(address),
    criStatus: () => cri.status(true),
    close: () => {
      api.close();
      cri.close();
    },
  };
};

/** What Go's net.Dial says for a unix socket that cannot be used, or null. */
async function defaultSocketProblem(address: string): Promise<string | null> {
  const p = address.replace(/^unix:\/\//, '');
  try {
    const st = await fsp.stat(p);
    if (!st.isSocket()) return `dial unix ${p}: connect: connection refused (${p} is not a socket)`;
  } catch (e) {
    const c = (e as NodeJS.ErrnoException).code;
    return `dial unix ${p}: connect: ${c === 'ENOENT' ? 'no such file or directory' : c === 'EACCES' ? 'permission denied' : c}`;
  }
  try {
    await fsp.access(p, fsp.constants.R_OK | fsp.constants.W_OK);
  } catch {
    return `dial unix ${p}: connect: permission denied`;
  }
  return null;
}

const msg = (e: unknown) =>
  e instanceof GrpcCallError ? `${e.code}: ${e.details.replace(/\s*Resolution note:.*$/s, '')}` : e instanceof Error ? e.message : String(e);
const known = <T>(value: T, source: string): Known<T> => ({ value, source });
const unknown = <T>(error: string, source: string): Known<T> => ({ value: null, unknown: { error, source } });

/** The version token of a `containerd --version` / `ctr --version` line. */
export function versionToken(line: string): string | null {
  const m = /(?:^|\s)v?(\d+\.\d+\.\d+[^\s]*)/.exec(line);
  return m ? m[1]! : null;
}

/** A hosts folder's name as the registry host it serves (`host_5000_` → `host:5000`). */
export function registryOfDirName(name: string): string {
  const m = /^(.+)_(\d+)_$/.exec(name);
  return m ? `${m[1]}:${m[2]}` : name;
}

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'registry-1.docker.io', 'index.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

/** The image to check for a registry found in a hosts folder. */
export function defaultRefFor(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry) ? DEFAULT_REF : `${registry}/library/busybox:latest`;
}

function nodePath(p: string): string {
  return goPathClean(p.startsWith('/') ? p : `/${p}`);
}

const UNITS: Record<DistributionFact['kind'], string[]> = {
  containerd: ['containerd.service'],
  k3s: ['k3s.service', 'k3s-agent.service'],
  rke2: ['rke2-server.service', 'rke2-agent.service'],
  microk8s: ['snap.microk8s.daemon-containerd.service'],
  k0s: ['k0sworker.service', 'k0scontroller.service'],
};

/** Registry folders of a hosts root: directories (or links) that are not hidden. */
function registryDirNames(reader: NodeFileReader, root: string): string[] {
  const e = reader.snapshot.entries[goPathClean(root)];
  if (!e || e.kind !== 'directory') return [];
  return (e.entries ?? [])
    .filter((d) => (d.kind === 'directory' || d.kind === 'symlink') && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

/** Files beside hosts.toml worth keeping: misnamed hosts files (host.toml, hosts.yaml, …). */
const EXTRA_HOSTS_FILE = /\.(toml|tml|ya?ml|json|conf|txt)$/i;

export async function gatherFacts(o: GatherOptions = {}, deps: GatherDeps = {}): Promise<Facts> {
  const now = deps.now ?? Date.now;
  const step = (s: string) => o.onStep?.(s);
  const root = path.resolve(o.root ?? '/');
  const live = root === '/';
  const offline = !!o.offline || (!live && o.address === undefined);
  const notes: string[] = [];
  if (!o.offline && offline) notes.push('--root without --address: only the files were checked; no daemon was contacted');
  const env = o.env ?? process.env;
  const exec = deps.exec ?? defaultExec;
  const reader = new NodeFileReader({ root, ...(deps.fs ? { fs: deps.fs } : {}) });
  // a second reader for files the emulation does not need (markers, systemd units)
  const aux = new NodeFileReader({ root, ...(deps.fs ? { fs: deps.fs } : {}) });
  const auxText = async (p: string): Promise<string | null> => {
    const e = await aux.read(p);
    return e.kind === 'file' && e.content?.kind === 'text' ? e.content.text : null;
  };
  const probe: DistributionProbe = {
    exists: async (p) => (await aux.stat(p)).kind !== 'missing',
    firstLine: async (p) => (await auxText(p))?.split('\n')[0] ?? null,
  };
  let user: InvokingUser;
  try {
    user = deps.user ?? invokingUser(env);
  } catch {
    user = { uid: 0, gid: 0, groups: [0], name: null };
  }

  // 1. distribution (files), then the address it implies
  step('distribution');
  let distribution = await detectDistribution(probe).catch(() => null);
  let address: string;
  let addressSource: 'option' | 'distribution' | 'default';
  if (o.address !== undefined) {
    address = o.address;
    addressSource = 'option';
  } else if (distribution && distribution.kind !== 'containerd') {
    address = distribution.socket;
    addressSource = 'distribution';
  } else {
    address = DEFAULT_ADDRESS;
    addressSource = 'default';
  }

  // 2. the daemon process (/proc: the live machine's)
  step('daemon process');
  let proc: DaemonProcess | null = null;
  let processFact: DaemonProcessFact | null = null;
  let procUnit: string | null = null;
  if (live || !offline) {
    try {
      proc = (deps.findDaemon ?? findDaemonProcess)(address);
    } catch {
      proc = null;
    }
    if (proc) {
      const envRead = readProcessProxyEnv(proc.pid, deps.procDir);
      processFact = { pid: proc.pid, argv: proc.argv, startedAt: proc.startedAt, configFlag: proc.config, address: proc.address, proxyEnv: envRead.env };
      procUnit = readProcessUnit(proc.pid, deps.procDir);
      distribution = await detectDistribution(probe, proc.argv).catch(() => distribution);
    }
  }
  distribution ??= await detectDistribution({ exists: async () => false, firstLine: async () => null });

  // 3. versions: the local binaries (live node only), the server over the API
  step('versions');
  const ctr = o.ctr ?? 'ctr';
  /** `BIN --version`: its first line's version token, or why it could not be run */
  const askVersion = async (bin: string): Promise<Known<string>> => {
    const r = await exec(bin, ['--version'], 5000);
    const line = r.stdout.trim().split('\n')[0] ?? '';
    return r.exitCode === 0 && line ? known(versionToken(line) ?? line, `${bin} --version`) : unknown(r.error ?? (r.stderr.trim() || `exit code ${r.exitCode}`), `${bin} --version`);
  };
  const notThisNode = `with --root ${root} the binaries of this machine do not describe that node`;
  const binary: Known<string> = live ? await askVersion(proc?.argv[0]?.startsWith('/') ? proc.argv[0] : 'containerd') : unknown(notThisNode, 'containerd --version');
  // with --root, only a ctr given with --ctr while online (a pod of the fleet manifest): that ctr makes the pulls
  const ctrVersion: Known<string> = live || (o.ctr !== undefined && !offline) ? await askVersion(ctr) : unknown(notThisNode, `${ctr} --version`);

  let reachable = false;
  let daemonError: string | null = offline ? 'not contacted (offline)' : null;
  let server: Known<string> = unknown(offline ? 'not contacted (offline)' : 'not asked', `containerd Version API at ${address}`);
  let plugins: Known<PluginFact[]> = unknown(offline ? 'not contacted (offline)' : 'daemon not reachable', `introspection Plugins API at ${address}`);
  let liveCri: Facts['liveCri'] = unknown(offline ? 'not contacted (offline)' : 'daemon not reachable', `CRI Status(verbose) at ${address}`);
  if (!offline) {
    step('daemon');
    const problem = await (deps.socketProblem ?? defaultSocketProblem)(address).catch((e) => msg(e));
    if (problem) {
      daemonError = problem;
      server = unknown(problem, `containerd Version API at ${address}`);
    } else {
      let client: DaemonClient | null = null;
      try {
        client = (deps.daemon ?? defaultDaemon)(address);
        try {
          server = known(await client.version(), `containerd Version API at ${address}`);
          reachable = true;
        } catch (e) {
          daemonError = msg(e);
          server = unknown(daemonError, `containerd Version API at ${address}`);
        }
        if (reachable) {
          try {
            plugins = known(registryPlugins(await client.plugins()), `introspection Plugins API at ${address} (as \`ctr plugins ls\`)`);
          } catch (e) {
            plugins = unknown(msg(e), `introspection Plugins API at ${address}`);
          }
          try {
            const st = await client.criStatus();
            const reg = liveRegistryConfig(st);
            liveCri = known(
              reg ? { exposed: true, configPath: reg.configPath, hasMirrors: Object.keys(reg.mirrors).length > 0 } : { exposed: false, configPath: null, hasMirrors: false },
              `CRI runtime.v1.RuntimeService/Status(verbose) at ${address}`,
            );
          } catch (e) {
            liveCri = unknown(msg(e), `CRI runtime.v1.RuntimeService/Status(verbose) at ${address}`);
          }
        }
      } catch (e) {
        daemonError = msg(e);
      } finally {
        client?.close();
      }
    }
  }

  // 4. the containerd version the emulation uses
  let containerdVersion: Facts['containerdVersion'];
  if (o.containerdVersion !== undefined) containerdVersion = { value: o.containerdVersion, source: 'option' };
  else if (server.value !== null) containerdVersion = { value: server.value, source: 'server' };
  else if (binary.value !== null) containerdVersion = { value: binary.value, source: 'binary' };
  else containerdVersion = { value: ASSUMED_VERSION, source: 'assumed' };
  let profile: BehaviourProfile;
  const prof = resolveProfile(containerdVersion.value, 'option');
  if (prof.ok) profile = prof.profile;
  else {
    notes.push(`cannot read the containerd version ${JSON.stringify(containerdVersion.value)} (${containerdVersion.source}); assuming ${ASSUMED_VERSION}`);
    containerdVersion = { value: ASSUMED_VERSION, source: 'assumed' };
    const p = resolveProfile(ASSUMED_VERSION, 'option');
    if (!p.ok) throw new BugError(`the assumed containerd version ${ASSUMED_VERSION} does not parse`);
    profile = p.profile;
  }

  // 5. config.toml and its imports
  step('config.toml');
  let configFile: string;
  let configFileSource: 'option' | 'daemon-flag' | 'distribution' | 'default';
  if (o.config !== undefined) {
    configFile = nodePath(o.config);
    configFileSource = 'option';
  } else if (proc?.config) {
    configFile = nodePath(proc.config);
    configFileSource = 'daemon-flag';
  } else if (distribution.kind !== 'containerd' && address === distribution.socket) {
    configFile = distribution.configFile;
    configFileSource = 'distribution';
  } else {
    configFile = DEFAULT_CONFIG_FILE;
    configFileSource = 'default';
  }
  let analysis: ConfigAnalysis | null = null;
  try {
    await reader.readConfig(configFile);
    analysis = analyzeConfig(configFile, reader.snapshot, profile);
  } catch (e) {
    notes.push(`config.toml could not be analysed: ${msg(e)}`);
  }
  const statFs = deps.statFs ?? fsp;
  const mtime = async (p: string): Promise<number | null> => {
    try {
      return (await statFs.stat(path.join(root, p))).mtimeMs;
    } catch {
      return null;
    }
  };
  const configMtime = await mtime(configFile);
  const configMtimes: Record<string, number> = {};
  for (const f of analysis?.files ?? [configFile]) {
    const m = await mtime(f);
    if (m !== null) configMtimes[f] = m;
  }

  // 6. systemd unit and drop-ins
  step('systemd unit');
  const unitFiles: UnitFiles = {
    readText: auxText,
    list: async (p) => {
      const e = await aux.stat(p);
      return e.kind === 'directory' ? (e.entries ?? []).map((d) => d.name) : null;
    },
  };
  let systemd: SystemdFact | null = null;
  for (const unit of [...new Set([...(procUnit ? [procUnit] : []), ...UNITS[distribution.kind]])]) {
    systemd = await readSystemdUnit(unitFiles, unit).catch(() => null);
    if (systemd) break;
  }

  // 7. the hosts folders
  step('hosts folders');
  const hostRoots: Facts['hostRoots'] = [];
  const addRoot = (r: string, reason: Facts['hostRoots'][number]['reason']) => {
    if (r.trim() === '') return;
    const p = nodePath(r);
    if (!hostRoots.some((h) => h.root === p)) hostRoots.push({ root: p, reason });
  };
  const configPath = analysis?.cri.configPath ?? '';
  for (const r of splitConfigPath(configPath)) addRoot(r, 'config_path');
  if (o.hostsDir !== undefined) addRoot(o.hostsDir, 'hosts-dir-option');
  if (distribution.kind !== 'containerd' && distribution.certsDir) addRoot(distribution.certsDir, 'distribution');
  addRoot('/etc/containerd/certs.d', 'default');
  if ((await reader.stat('/etc/docker/certs.d')).kind !== 'missing') addRoot('/etc/docker/certs.d', 'default');
  for (const h of hostRoots) await reader.stat(h.root);

  // the reference: the argument, else the first registry folder found
  let ref: Facts['ref'];
  if (o.ref !== undefined) ref = { input: o.ref, source: 'argument' };
  else {
    let found: string | null = null;
    for (const h of hostRoots) {
      const names = registryDirNames(reader, h.root).filter((n) => n !== '_default');
      if (names.length) {
        found = registryOfDirName(names[0]!);
        break;
      }
    }
    ref = found ? { input: defaultRefFor(found), source: 'hosts-folder' } : { input: DEFAULT_REF, source: 'default' };
  }
  const refHosts = new Set<string>();
  for (const r of [parseCtrReference(ref.input), parseCriReference(ref.input)]) if (r.ok) refHosts.add(r.ref.hostname);

  for (const h of hostRoots) {
    for (const host of refHosts) await reader.readHostRoot(h.root, host);
    for (const name of registryDirNames(reader, h.root).slice(0, 200)) {
      await reader.readHostRoot(h.root, name);
      const dir = goPathJoin(h.root, name);
      const e = reader.snapshot.entries[dir];
      if (e?.kind !== 'directory') continue;
      let n = 0;
      for (const d of e.entries ?? []) {
        if (d.name === 'hosts.toml' || !EXTRA_HOSTS_FILE.test(d.name) || n++ >= 20) continue;
        await reader.read(goPathJoin(dir, d.name));
      }
    }
  }

  // 8. owner, mode and readability of the roots, registry folders and their files
  step('permissions');
  const hostDirEntries: HostDirEntryFact[] = [];
  const describe = async (p: string) => {
    try {
      hostDirEntries.push(await describeHostPath(root, p, user, statFs));
    } catch {
      /* describeHostPath does not throw; belt and braces */
    }
  };
  for (const h of hostRoots) {
    await describe(h.root);
    for (const name of registryDirNames(reader, h.root).slice(0, 100)) {
      const dir = goPathJoin(h.root, name);
      await describe(dir);
      const e = reader.snapshot.entries[dir];
      if (e?.kind !== 'directory') continue;
      for (const d of (e.entries ?? []).slice(0, 30)) await describe(goPathJoin(dir, d.name));
    }
  }

  // 9. the shell's proxy variables (what ctr uses)
  const shellProxyEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && PROXY_VAR.test(k) && !k.toUpperCase().startsWith('CONTAINERD_')) shellProxyEnv[k] = v;

  // 10. the live traces
  let traceRun: TraceRun | null = null;
  let traceError: string | null = null;
  if (!offline && reachable) {
    const parsed = parseCriReference(ref.input);
    if (!parsed.ok) traceError = `not run: ${ref.input} is not a reference CRI accepts (${parsed.error})`;
    else if (ctrVersion.value === null && live) traceError = `not run: ${ctr} is not available (${ctrVersion.unknown.error}); install ctr or pass --ctr PATH`;
    else {
      step('trace');
      const hostsDir = o.hostsDir ?? splitConfigPath(configPath)[0] ?? (distribution.kind !== 'containerd' ? distribution.certsDir : null) ?? '/etc/containerd/certs.d';
      const options: TraceOptions = {
        ref: parsed.ref.name,
        criImage: ref.input,
        ctr,
        address,
        hostsDir: path.join(root, nodePath(hostsDir)),
        ...(o.namespace ? { namespace: o.namespace } : {}),
        timeoutMs: o.timeoutMs ?? 60_000,
        stallMs: o.stallMs ?? 2000,
        responseStallMs: o.responseStallMs ?? 20_000,
        full: !!o.full,
        cri: o.cri !== false,
        ...(o.daemonLog ? { daemonLog: o.daemonLog } : {}),
        versions: { client: ctrVersion.value, server: server.value },
        diskConfigPath: configPath || null,
        configFile: path.join(root, configFile),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      };
      try {
        traceRun = await (deps.runTrace ?? runTraceDefault)(options);
      } catch (e) {
        traceError = msg(e);
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
    containerdVersion,
    versions: { binary, ctr: ctrVersion, server },
    address,
    daemon: { reachable, error: reachable ? null : daemonError, process: processFact, systemd },
    configFile,
    configMtime,
    snapshot: reader.snapshot,
    hostRoots,
    hostDirEntries,
    plugins,
    liveCri,
    distribution,
    shellProxyEnv,
    trace: traceRun,
    traceError,
    invokingUser: { uid: user.uid, name: user.name },
    addressSource,
    configFileSource,
    configMtimes,
    notes,
    nodeName,
    ...(o.signal?.aborted ? { interrupted: true } : {}),
  };
  return facts;
}

/**
 * The node's name: MIRROR_DOCTOR_NODE_NAME (the fleet manifest sets it from the pod's spec.nodeName;
 * a pod's own host name is the pod's), else this machine's host name on a live node, else the
 * copied node's /etc/hostname under --root.
 */
async function gatherNodeName(env: NodeJS.ProcessEnv, live: boolean, hostname: () => string, readText: (p: string) => Promise<string | null>): Promise<string | null> {
  const fromEnv = env[NODE_NAME_ENV]?.trim();
  if (fromEnv) return fromEnv;
  if (live) {
    try {
      return hostname() || null;
    } catch {
      return null;
    }
  }
  const copied = (await readText('/etc/hostname').catch(() => null))?.split('\n')[0]?.trim();
  return copied || null;
}
