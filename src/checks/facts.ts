/**
 * Facts: everything `check` knows about one node, gathered once by the effects layer
 * (src/probe/facts.ts) and then only read by the pure checks. Plain, serialisable data, so a
 * node's facts can be saved and replayed in a test. Every fact says where it came from.
 */
import type { NodeSnapshot } from '../containerd/node-snapshot.js';
import type { TraceRun } from '../trace/run-schema.js';

export const FACTS_SCHEMA = 'mirror-doctor.facts/v1';

/** The environment variable that names the node ({@link Facts.nodeName}); the fleet manifest sets it from the pod's spec.nodeName. */
export const NODE_NAME_ENV = 'MIRROR_DOCTOR_NODE_NAME';

/** Where a fact came from: a file (node path), a command line, an API call, an environment. */
export type FactSource = string;

/** A fact that could not be gathered: why, and from where it was tried. */
export interface Unknown {
  error: string;
  source: FactSource;
}

export type Known<T> = { value: T; source: FactSource } | { value: null; unknown: Unknown };

export interface DaemonProcessFact {
  pid: number;
  argv: string[];
  /** ms since the epoch */
  startedAt: number;
  /** from --config/-c, else null (then containerd uses /etc/containerd/config.toml) */
  configFlag: string | null;
  address: string;
  /** HTTP_PROXY, HTTPS_PROXY, NO_PROXY (any case) from /proc/<pid>/environ; null when unreadable */
  proxyEnv: Record<string, string> | null;
}

export interface SystemdFact {
  unit: string;
  /** false: the unit file was found by its usual name, but the daemon's /proc/<pid>/cgroup names no such service */
  fromProcess?: boolean;
  /** unit file and drop-ins, node paths with their text */
  files: Array<{ path: string; text: string }>;
  /** Environment= / EnvironmentFile= values that set proxy variables */
  proxyEnv: Record<string, string>;
  /** the command line of its (last) ExecStart=, variables expanded */
  execStart?: string[];
}

export type Distribution = 'containerd' | 'k3s' | 'rke2' | 'microk8s' | 'k0s' | 'talos';

export interface DistributionFact {
  kind: Distribution;
  /** the evidence: a path that exists, a process seen */
  evidence: string[];
  configFile: string;
  /** the hosts folder the distribution writes or reads */
  certsDir: string | null;
  socket: string;
  /** config.toml (and hosts.toml files) are generated on each start: edit the source instead */
  generated: boolean;
  /** what to edit instead (registries.yaml, containerd-template.toml, …) */
  editInstead: string | null;
  /** the file config.toml is rendered from, where one exists (a k3s/RKE2 template, MicroK8s' containerd-template.toml) */
  template?: string;
  /** k3s/RKE2: the template has no `{{ … }}` action, so registries.yaml never reaches config.toml (rke2#5084) */
  templateStatic?: boolean;
  /** k3s/RKE2: the keys of /etc/rancher/<dist>/registries.yaml when it exists (values are not kept) */
  registriesYaml?: RegistriesYamlFact;
}

export interface RegistriesYamlFact {
  /** node path */
  path: string;
  /** every key down to mirrors.<registry>.<key> and configs.<registry>.<tls|auth>.<key>, with its 1-based line */
  keys: Array<{ path: string[]; line: number }>;
  /** the file is not valid YAML: the parser's first message */
  error?: string;
  /** registries whose mirrors.<registry>.endpoint list ends with the registry itself (k3s#9341); no URL is kept */
  endsWithOwnEndpoint?: string[];
}

export interface HostDirEntryFact {
  /** node path of a candidate folder or file under a hosts root */
  path: string;
  kind: 'directory' | 'file' | 'symlink' | 'missing' | 'other';
  owner: number | null;
  group: number | null;
  /** permission bits, e.g. 0o755 */
  mode: number | null;
  /** readable by root (containerd) / by the invoking user, when they differ */
  readableByRoot: boolean | null;
  readableByUser: boolean | null;
}

export interface PluginFact {
  /** e.g. io.containerd.grpc.v1.cri */
  id: string;
  type: string;
  status: 'ok' | 'error' | 'skip';
  error: string | null;
}

/** The clients `--client` names: CRI (kubelet, crictl), ctr, nerdctl. */
export type PullClient = 'cri' | 'ctr' | 'nerdctl';
export const PULL_CLIENTS: readonly PullClient[] = ['cri', 'ctr', 'nerdctl'];

export interface Facts {
  schema: typeof FACTS_SCHEMA;
  collectedAt: string;
  /** the --root prefix ('/' on a live node) */
  root: string;
  offline: boolean;
  /**
   * the image the checks are about: given (as the argument, or chosen when asked on a terminal),
   * else for the first registry a hosts folder names (`folder`), else a default that is never pulled
   */
  ref: { input: string; source: 'argument' | 'hosts-folder' | 'default'; folder?: string };
  /** the client the user pulled with (`--client`); absent: CRI as kubelet, compared with ctr */
  client?: PullClient;
  /** the containerd version the emulation uses, and where it came from */
  containerdVersion: { value: string; source: 'option' | 'server' | 'binary' | 'assumed' };
  versions: {
    /** `containerd --version` on this machine */
    binary: Known<string>;
    /** `ctr --version` (the client) */
    ctr: Known<string>;
    /** the running daemon, over the API */
    server: Known<string>;
  };
  address: string;
  daemon: {
    reachable: boolean;
    /** the error of the first API call when not reachable (permission denied, no such file, …) */
    error: string | null;
    process: DaemonProcessFact | null;
    systemd: SystemdFact | null;
  };
  /** config.toml path used (daemon's --config, else the default, under --root) */
  configFile: string;
  /** config.toml file mtime (ms since the epoch), null when missing */
  configMtime: number | null;
  /** every file the emulation may need (config.toml + imports, hosts roots, hosts.toml, ca/client files) */
  snapshot: NodeSnapshot;
  /** the hosts roots that were read, and why */
  hostRoots: Array<{ root: string; reason: 'config_path' | 'hosts-dir-option' | 'default' | 'distribution' | 'nerdctl' }>;
  /** check's --hosts-dir (node path), also when a root of another reason above is the same folder */
  hostsDirOption?: string;
  /** ownership and permissions of the hosts roots, their registry folders and files */
  hostDirEntries: HostDirEntryFact[];
  /** `ctr plugins ls` (or the introspection API): cri and transfer plugins */
  plugins: Known<PluginFact[]>;
  /** CRI Status(verbose): the live registry config (1.x only; 2.x does not expose it) */
  liveCri: Known<{ exposed: boolean; configPath: string | null; hasMirrors: boolean }>;
  distribution: DistributionFact;
  /** proxy variables of the shell running mirror-doctor (what ctr uses) */
  shellProxyEnv: Record<string, string>;
  /** the live traces (null with --offline or when the daemon is unreachable) */
  trace: TraceRun | null;
  /** the trace was attempted and failed (null when not attempted or fine) */
  traceError: string | null;
  /** gathering was stopped (Ctrl-C, SIGTERM) before it ended: what was seen is partial */
  interrupted?: boolean;
  /** the user who invoked mirror-doctor (SUDO_UID when run through sudo) */
  invokingUser: { uid: number; name: string | null };
  /** the arguments mirror-doctor was run with (after `mirror-doctor`), for a fix that repeats them with sudo */
  command?: string[];
  // ---- optional additions (effects layer) ----
  /** the node's name: MIRROR_DOCTOR_NODE_NAME (set by the fleet manifest from spec.nodeName), else the host name */
  nodeName?: string | null;
  /** where `address` came from: --address, the detected distribution's socket, --address in the ExecStart of containerd's unit (no process seen), or the default */
  addressSource?: 'option' | 'distribution' | 'unit-flag' | 'default';
  /** where `configFile` came from: --config, the daemon's --config flag, --config in the ExecStart of its unit (no process seen), the distribution, or the default */
  configFileSource?: 'option' | 'daemon-flag' | 'unit-flag' | 'distribution' | 'default';
  /** mtime (ms since the epoch) of config.toml and of every import merged into it */
  configMtimes?: Record<string, number>;
  /** k3s/RKE2/MicroK8s: mtime (ms since the epoch) of the files config.toml and hosts.toml are rendered from at start (registries.yaml, the template) */
  sourceMtimes?: Record<string, number>;
  /** what gathering could not do or assumed, in plain words (e.g. --root without --address: offline) */
  notes?: string[];
}
