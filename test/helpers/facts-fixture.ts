/**
 * Builds `Facts` for tests without root, a daemon or the network:
 *
 * - `factsFromFixture(dir)`: `dir` is a folder standing for `/` (etc/containerd/config.toml,
 *   etc/containerd/certs.d/…). Its files are read with the real NodeFileReader; `facts.json` in it
 *   is an overlay for everything that is not a file (versions, daemon, live CRI, plugins,
 *   distribution, proxy env, …) and may name a recorded lab run as the trace:
 *   `"trace": {"from": "lab/2.1/mirror-404"}`.
 * - `labFacts(series, scenario)`: the node of a recorded lab scenario (its config.toml and hosts
 *   folder, mapped read-only to the paths the lab used), its daemon facts and, unless offline, its
 *   three recorded pulls as the TraceRun.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { analyzeConfig } from '../../src/containerd/config-toml.js';
import { goPathClean } from '../../src/containerd/go-url.js';
import { splitConfigPath } from '../../src/containerd/host-dirs.js';
import { planCri, planMirrorHosts } from '../../src/containerd/plan.js';
import { mirroredRegistries } from '../../src/containerd/mirror-roles.js';
import type { FsEntry } from '../../src/containerd/node-snapshot.js';
import { parseCriReference } from '../../src/containerd/reference.js';
import { resolveProfile } from '../../src/containerd/version.js';
import { FACTS_SCHEMA, type DistributionFact, type Facts, type HostDirEntryFact, type Known, type PluginFact, type PullClient } from '../../src/checks/facts.js';
import { NodeFileReader, type FsLike } from '../../src/probe/node-files.js';
import { readHostsFolders, readNerdctlFiles } from '../../src/probe/hosts-folder-facts.js';
import { TRACE_RUN_SCHEMA, type PathRun, type TraceRun } from '../../src/trace/run-schema.js';
import { comparePaths, type LiveRegistry } from '../../src/trace/compare-paths.js';
import { parseTraceText } from '../../src/trace/index.js';
import { assessRun, runHosts, type DaemonSight, type ResolvedHost } from '../../src/trace/run-evidence.js';

export const FIXTURES = resolve(__dirname, '../fixtures');
export const LAB = join(FIXTURES, 'lab');
/** where the lab fixtures were recorded */
export const LAB_DIR = '/tmp/mirror-doctor-lab';
export const LAB_HOSTS = `${LAB_DIR}/certs.d`;
/** a fixed "now" so tests do not depend on the clock */
export const DAEMON_START = Date.UTC(2026, 10, 27, 23, 0, 0);

type KnownInput<T> = T | null | { error: string };

/** The non-file facts of a fixture (`facts.json`); every field is optional. */
export interface FactsOverlay {
  ref?: string;
  refSource?: Facts['ref']['source'];
  /** `--client`: the client the user pulled with */
  client?: PullClient;
  containerdVersion?: string;
  versions?: { binary?: KnownInput<string>; ctr?: KnownInput<string>; server?: KnownInput<string> };
  offline?: boolean;
  address?: string;
  configFile?: string;
  /** ms relative to the daemon start (e.g. 5000: edited 5 s after it started); null: missing */
  configMtimeAfterStart?: number | null;
  /** node path → ms relative to the daemon start: mtimes of the files a distribution renders config from (Facts.sourceMtimes) */
  sourceMtimesAfterStart?: Record<string, number>;
  daemon?: {
    reachable?: boolean;
    error?: string | null;
    /** false: no process found */
    process?: false | { pid?: number; argv?: string[]; configFlag?: string | null; proxyEnv?: Record<string, string> | null };
    systemd?: Facts['daemon']['systemd'];
  };
  hostRoots?: Facts['hostRoots'];
  /** extra roots to read, besides config_path and /etc/containerd/certs.d */
  extraRoots?: string[];
  hostDirEntries?: HostDirEntryFact[];
  plugins?: KnownInput<PluginFact[]>;
  liveCri?: KnownInput<{ exposed: boolean; configPath: string | null; hasMirrors: boolean }>;
  distribution?: Partial<DistributionFact>;
  shellProxyEnv?: Record<string, string>;
  trace?: ({ from: string } & LabSight) | null;
  traceError?: string | null;
}

function known<T>(v: KnownInput<T> | undefined, dflt: T | null, source: string): Known<T> {
  const x = v === undefined ? dflt : v;
  if (x === null) return { value: null, unknown: { error: 'not gathered', source } };
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && 'error' in (x as object) && Object.keys(x as object).length === 1) {
    return { value: null, unknown: { error: (x as { error: string }).error, source } };
  }
  return { value: x as T, source };
}

const DEFAULT_DISTRIBUTION: DistributionFact = {
  kind: 'containerd',
  evidence: [],
  configFile: '/etc/containerd/config.toml',
  certsDir: '/etc/containerd/certs.d',
  socket: '/run/containerd/containerd.sock',
  generated: false,
  editInstead: null,
};

/** An FsLike that maps node-path prefixes to fixture folders (read-only); anything else is ENOENT. */
function mappedFs(root: string, map: Array<[nodePrefix: string, real: string]>): FsLike {
  const nodeOf = (p: string) => `/${p.slice(root.length).split(sep).filter(Boolean).join('/')}`;
  const real = (p: string) => {
    const node = nodeOf(p);
    for (const [prefix, target] of map) {
      if (node === prefix || node.startsWith(`${prefix}/`)) return join(target, node.slice(prefix.length));
    }
    return null;
  };
  // ancestors of a mapped prefix are directories holding the next segment
  const isAncestor = (p: string) => {
    const node = nodeOf(p);
    return map.some(([prefix]) => node === '/' || prefix.startsWith(`${node}/`));
  };
  const enoent = (p: string) => Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  return {
    async lstat(p) {
      const r = real(p);
      if (r) return fsp.lstat(r);
      if (isAncestor(p)) return fsp.lstat(FIXTURES);
      throw enoent(p);
    },
    async readlink(p) {
      const r = real(p);
      if (!r) throw enoent(p);
      return fsp.readlink(r);
    },
    async stat(p) {
      const r = real(p);
      if (!r) throw enoent(p);
      return fsp.stat(r);
    },
    async readdir(p, opts) {
      const r = real(p);
      if (!r) throw enoent(p);
      return fsp.readdir(r, opts);
    },
    async readFile(p) {
      const r = real(p);
      if (!r) throw enoent(p);
      return fsp.readFile(r);
    },
  };
}

interface BuildInput {
  overlay: FactsOverlay;
  reader: NodeFileReader;
  trace: TraceRun | null;
}

async function build({ overlay, reader, trace }: BuildInput): Promise<Facts> {
  const version = overlay.containerdVersion ?? '2.1.9';
  const profile = resolveProfile(version);
  if (!profile.ok) throw new Error(profile.error);
  const configFile = overlay.configFile ?? '/etc/containerd/config.toml';
  await reader.readConfig(configFile);
  const config = analyzeConfig(configFile, reader.snapshot, profile.profile);
  const ref = overlay.ref ?? 'docker.io/library/busybox:latest';
  const parsed = parseCriReference(ref);
  const hostRoots: Facts['hostRoots'] =
    overlay.hostRoots ??
    [
      ...splitConfigPath(config.cri.configPath).map((root) => ({ root, reason: 'config_path' as const })),
      ...(overlay.extraRoots ?? []).map((root) => ({ root, reason: 'hosts-dir-option' as const })),
      { root: '/etc/containerd/certs.d', reason: 'default' as const },
    ].filter((r, i, all) => r.root !== '' && all.findIndex((x) => goPathClean(x.root) === goPathClean(r.root)) === i);
  for (const r of hostRoots) await reader.stat(r.root);
  // what the probe reads on a live node: the reference's folders, then every registry folder
  await readHostsFolders(reader, hostRoots, new Set(parsed.ok ? [parsed.ref.hostname] : []));
  if (overlay.client === 'nerdctl') await readNerdctlFiles(reader, parsed.ok ? [parsed.ref.hostname] : [], hostRoots);
  const configEntry = reader.snapshot.entries[goPathClean(configFile)];
  const mtimeAfter = overlay.configMtimeAfterStart === undefined ? -60_000 : overlay.configMtimeAfterStart;
  const d = overlay.daemon ?? {};
  const offline = overlay.offline ?? false;
  const reachable = d.reachable ?? !offline;
  const address = overlay.address ?? '/run/containerd/containerd.sock';
  const proc = d.process === false ? null : d.process ?? {};
  return {
    schema: FACTS_SCHEMA,
    collectedAt: new Date(DAEMON_START + 3_600_000).toISOString(),
    root: reader.snapshot.root,
    offline,
    ref: { input: ref, source: overlay.refSource ?? 'argument' },
    ...(overlay.client ? { client: overlay.client } : {}),
    containerdVersion: { value: version, source: 'server' },
    versions: {
      binary: known(overlay.versions?.binary, version, 'containerd --version'),
      ctr: known(overlay.versions?.ctr, version, 'ctr --version'),
      server: known(overlay.versions?.server, reachable ? version : null, 'containerd Version API'),
    },
    address,
    daemon: {
      reachable,
      error: d.error ?? null,
      process: proc
        ? {
            pid: proc.pid ?? 4242,
            argv: proc.argv ?? ['/usr/bin/containerd', ...(overlay.configFile ? ['--config', configFile] : [])],
            startedAt: DAEMON_START,
            configFlag: proc.configFlag ?? (overlay.configFile ? configFile : null),
            address,
            proxyEnv: proc.proxyEnv === undefined ? {} : proc.proxyEnv,
          }
        : null,
      systemd: d.systemd ?? null,
    },
    configFile,
    configMtime: configEntry && configEntry.kind !== 'missing' && mtimeAfter !== null ? DAEMON_START + mtimeAfter : null,
    ...(overlay.sourceMtimesAfterStart ? { sourceMtimes: Object.fromEntries(Object.entries(overlay.sourceMtimesAfterStart).map(([p, ms]) => [p, DAEMON_START + ms])) } : {}),
    snapshot: reader.snapshot,
    hostRoots,
    hostDirEntries: overlay.hostDirEntries ?? [],
    plugins: known(overlay.plugins, offline ? null : [{ id: 'io.containerd.grpc.v1.cri', type: 'io.containerd.grpc.v1', status: 'ok', error: null }], 'ctr plugins ls'),
    liveCri: known(overlay.liveCri, null, 'CRI Status(verbose)'),
    distribution: { ...DEFAULT_DISTRIBUTION, ...overlay.distribution },
    shellProxyEnv: overlay.shellProxyEnv ?? {},
    trace,
    traceError: overlay.traceError ?? null,
    invokingUser: { uid: 0, name: 'root' },
  };
}

// ---------------------------------------------------------------------------------------------
// recorded lab runs

interface LabMeta {
  ref: string;
  /** the image name CRI was given (lab-info recordings) */
  image?: string;
  containerdVersion: string;
  exitCode?: number;
  hostsDir?: string;
  mode?: string;
  ctr?: string[];
  durationMs?: number;
  labPortBase?: number;
  imageRef?: string | null;
  error?: { code: string; message: string } | null;
}

function labPath(series: string, scenario: string, ...rest: string[]): string {
  return join(LAB, series, scenario, ...rest);
}

function labMeta(series: string, scenario: string, variant: string): LabMeta {
  return JSON.parse(readFileSync(labPath(series, scenario, variant, 'meta.json'), 'utf8')) as LabMeta;
}

function labLive(series: string, scenario: string): LiveRegistry | null {
  const f = labPath(series, scenario, 'cri', 'status.json');
  if (!existsSync(f)) return null;
  const s = JSON.parse(readFileSync(f, 'utf8')) as { status: { registry: { configPath: string; mirrors: Record<string, unknown> | null } | null } | null };
  if (!s.status) return null;
  const reg = s.status.registry;
  return reg ? { exposed: true, configPath: reg.configPath, hasMirrors: !!reg.mirrors && Object.keys(reg.mirrors).length > 0 } : { exposed: false, configPath: null, hasMirrors: false };
}

/** How the CRI pull of a recorded lab run is seen: the daemon's log level, and its connections. */
export interface LabSight {
  /** debug (test/fixtures/lab) or info (test/fixtures/lab-info, the daemon's default level) */
  level?: 'debug' | 'info';
  /** lab-redirects only: ctr's output cut where the tracer stops it (the manifest served, no blob asked) */
  ctrStopped?: boolean;
  /** which of the daemon's connections were seen during the pull: none were readable, none were open, the mirror's */
  sockets?: 'unreadable' | 'none' | 'mirror';
  /** whether the upstream's name resolves on the node (it does not in the lab) */
  upstreamResolves?: boolean;
  /** the daemon's log could not be read: the CRI pull left no lines to parse */
  logUnreadable?: boolean;
  /** the recording that stands for `ctr --hosts-dir` (default: ctr-hosts-dir, -local on 2.x), e.g. ctr-hosts-dir-wrong-user */
  hostsDirVariant?: string;
  /** a recording elsewhere (a folder with stderr.txt and meta.json) that stands for `ctr --hosts-dir`, e.g. fixtures/content-stored/1.7 */
  hostsDirRecording?: string;
  /** CRI's ImageStatus found the image before the pull (the recordings start without it) */
  imagePresent?: boolean;
}

/** What trace-cri records when fd 2 of the daemon is a file this user may not read. */
export const UNREADABLE_LOG = 'fd 2 of containerd pid 4242 is /var/log/containerd/containerd.log, which cannot be read here (EACCES)';

const LAB_INFO = join(FIXTURES, 'lab-info');

/** A lab-info recording (port base 5600) with the ports of the debug recordings (5100). */
function infoLog(series: string, scenario: string): { log: string; meta: LabMeta } {
  const dir = join(LAB_INFO, series, scenario, 'cri');
  const ports = (t: string) => t.replace(/127\.0\.0\.1:56(\d\d)\b/g, '127.0.0.1:51$1');
  return { log: ports(readFileSync(join(dir, 'daemon.log'), 'utf8')), meta: JSON.parse(ports(readFileSync(join(dir, 'meta.json'), 'utf8'))) as LabMeta };
}

/** The TraceRun `trace` would have produced: both ctr pulls (local mode, as the tracer runs them) and the CRI pull. */
/**
 * The mirror hosts the tracer is told the emulation expects (probe/facts.ts: CRI's plan), from the
 * recorded config.toml alone: the registry.mirrors only CRI reads (hosts.toml mirrors show in the pulls).
 */
function expectedMirrors(series: string, scenario: string, cm: LabMeta): string[] {
  const configFile = `${LAB_DIR}/containerd/${series}/config.toml`;
  const text = readFileSync(labPath(series, scenario, 'config.toml'), 'utf8');
  const snapshot = { root: '/', entries: { [configFile]: { kind: 'file' as const, size: text.length, content: { kind: 'text' as const, text } } } };
  const prof = resolveProfile(cm.containerdVersion, 'detected');
  if (!prof.ok) return [];
  return planMirrorHosts(planCri({ ref: cm.ref, snapshot, profile: prof.profile, config: analyzeConfig(configFile, snapshot, prof.profile) }));
}

/**
 * The registries the reference's host is the mirror for (probe/facts.ts: mirrorRoles), from the
 * recorded hosts folder and config.toml: a reference that names a mirror is pulled from it directly.
 */
export function expectedMirrorOf(series: string, scenario: string): { host: string; registries: string[] } | undefined {
  const cm = labMeta(series, scenario, 'cri');
  const ref = parseCriReference(cm.ref);
  const prof = resolveProfile(cm.containerdVersion, 'detected');
  if (!ref.ok || !prof.ok) return undefined;
  const root = `${LAB_DIR}/certs.d`;
  const configFile = `${LAB_DIR}/containerd/${series}/config.toml`;
  const file = (text: string): FsEntry => ({ kind: 'file', size: text.length, content: { kind: 'text', text } });
  const entries: Record<string, FsEntry> = { [configFile]: file(readFileSync(labPath(series, scenario, 'config.toml'), 'utf8')) };
  const folders = existsSync(labPath(series, scenario, 'hosts')) ? readdirSync(labPath(series, scenario, 'hosts')) : [];
  entries[root] = { kind: 'directory', entries: folders.map((name) => ({ name, kind: 'directory' as const })) };
  for (const name of folders) {
    const names = readdirSync(labPath(series, scenario, 'hosts', name));
    entries[`${root}/${name}`] = { kind: 'directory', entries: names.map((n) => ({ name: n, kind: 'file' as const })) };
    for (const n of names) entries[`${root}/${name}/${n}`] = file(readFileSync(labPath(series, scenario, 'hosts', name, n), 'utf8'));
  }
  const snapshot = { root: '/', entries };
  const registries = mirroredRegistries(ref.ref.hostname, [root], analyzeConfig(configFile, snapshot, prof.profile).cri.mirrors, snapshot, prof.profile);
  return registries.length ? { host: ref.ref.hostname, registries } : undefined;
}

export function labTraceRun(series: string, scenario: string, sight: LabSight = {}): TraceRun {
  const local = series.startsWith('2') ? '-local' : '';
  const ctrRun = (variant: string, path: 'ctr' | 'ctr-hosts-dir'): PathRun => {
    const dir = path === 'ctr-hosts-dir' && sight.hostsDirRecording ? sight.hostsDirRecording : labPath(series, scenario, variant);
    const m = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as LabMeta;
    const log = readFileSync(join(dir, 'stderr.txt'), 'utf8');
    const doc = parseTraceText(log, { ref: m.ref }).at(-1) ?? null;
    return { path, command: m.ctr ?? [], mode: 'local', modeReason: 'recorded', exitCode: m.exitCode ?? null, stoppedBy: null, stalledOn: null, durationMs: m.durationMs ?? 0, doc, pulled: m.exitCode === 0, error: doc?.error ?? null, blobNote: null, log };
  };
  const cm = labMeta(series, scenario, 'cri');
  const info = sight.level === 'info' ? infoLog(series, scenario) : null;
  const criLog = sight.logUnreadable ? '' : info ? info.log : readFileSync(labPath(series, scenario, 'cri', 'daemon.log'), 'utf8');
  const criDoc = parseTraceText(criLog, { ref: info?.meta.image ?? cm.ref }).at(-1) ?? parseTraceText(criLog).at(-1) ?? null;
  const criMeta = info ? info.meta : cm;
  const criError = criMeta.error?.message ?? null;
  const cri: PathRun = {
    path: 'cri',
    command: ['cri', 'PullImage', cm.ref],
    mode: 'cri',
    modeReason: 'recorded',
    exitCode: null,
    stoppedBy: null,
    stalledOn: null,
    durationMs: cm.durationMs ?? 0,
    doc: criDoc,
    pulled: !!criMeta.imageRef,
    error: criError,
    code: criMeta.error?.code ?? null,
    blobNote: null,
    log: criLog,
    daemonLog: sight.logUnreadable ? { source: `none: ${UNREADABLE_LOG}`, problem: UNREADABLE_LOG, debug: false } : { source: 'recorded', problem: null, debug: !info },
    imagePresent: sight.imagePresent ?? false,
  };
  const paths = [ctrRun(`ctr-no-hosts-dir${local}`, 'ctr'), ctrRun(sight.hostsDirVariant ?? `ctr-hosts-dir${local}`, 'ctr-hosts-dir'), cri];
  // the daemon's connections, and where the run's hosts resolve, as the tracer would see them
  const known = expectedMirrors(series, scenario, cm);
  const { mirrors, upstream } = runHosts(paths, cm.ref, known);
  const resolved: ResolvedHost[] = [
    ...mirrors.map((h) => ({ host: h, endpoints: [h], error: null })),
    sight.upstreamResolves ? { host: upstream, endpoints: ['198.51.100.7:443'], error: null } : { host: upstream, endpoints: [], error: `${upstream}: no such host` },
  ];
  const seen = sight.sockets ?? 'unreadable';
  const served = mirrors.find((m) => criDoc?.attempts.every((a) => a.host !== m || a.outcome === 'ok'));
  const daemonSight: DaemonSight = {
    log: sight.logUnreadable ? { source: `none: ${UNREADABLE_LOG}`, available: false, debug: false, problem: UNREADABLE_LOG } : { source: 'recorded', available: true, debug: !info, problem: null },
    sockets: seen === 'unreadable' ? { unreadable: 'not recorded' } : { endpoints: seen === 'mirror' && served ? [{ endpoint: served, presentAtStart: false }] : [] },
    proxy: scenario === 'cri-proxy-env',
  };
  assessRun(paths, cm.ref, daemonSight, resolved, cm.containerdVersion, known);
  const hostsDir = labMeta(series, scenario, `ctr-hosts-dir${local}`).hostsDir ?? LAB_HOSTS;
  const live = labLive(series, scenario);
  const config = readFileSync(labPath(series, scenario, 'config.toml'), 'utf8');
  const mirrorOf = expectedMirrorOf(series, scenario);
  return {
    schema: TRACE_RUN_SCHEMA,
    ref: cm.ref,
    containerd: { client: cm.containerdVersion, server: cm.containerdVersion },
    address: `${LAB_DIR}/containerd/${series}/containerd.sock`,
    namespace: 'mirror-doctor-test',
    hostsDir,
    live,
    paths,
    comparison: comparePaths({
      paths: paths.map((p) => ({ path: p.path as 'ctr' | 'ctr-hosts-dir' | 'cri', doc: p.doc, pulled: p.pulled, error: p.error, ...(p.code !== undefined ? { code: p.code } : {}), ...(p.evidence ? { evidence: p.evidence } : {}), ...(p.daemonLog ? { debug: p.daemonLog.debug } : {}) })),
      hostsDir,
      live,
      diskConfigPath: /config_path = "([^"]+)"/.exec(config)?.[1] ?? null,
      configNewerThanDaemon: scenario === 'cri-config-edited-after-start',
      ...(mirrorOf ? { mirrorOf } : {}),
    }),
    leftovers: [],
    earlierRuns: [],
  };
}

/**
 * A recorded pull through the lab's redirecting mirrors (test/fixtures/lab-redirects) as a trace
 * run: ctr --hosts-dir (local mode) and CRI, as the tracer hands them to the checks.
 */
export function redirectTraceRun(series: string, scenario: string, sight: { level?: 'debug' | 'info'; ctrStopped?: boolean } = {}): TraceRun {
  const dir = join(FIXTURES, 'lab-redirects', series, scenario);
  const variant = series.startsWith('2') ? 'ctr-hosts-dir-local' : 'ctr-hosts-dir';
  const meta = (v: string) => JSON.parse(readFileSync(join(dir, v, 'meta.json'), 'utf8')) as LabMeta;
  const m = meta(variant);
  const whole = readFileSync(join(dir, variant, 'stderr.txt'), 'utf8');
  // ctrStopped: as the tracer stops ctr once the manifest is served, before its first blob request
  const firstBlob = whole.search(/^.*\/blobs\/sha256:/m);
  const log = sight.ctrStopped && firstBlob >= 0 ? whole.slice(0, firstBlob) : whole;
  const doc = parseTraceText(log, { ref: m.ref }).at(-1) ?? null;
  const ctr: PathRun = { path: 'ctr-hosts-dir', command: m.ctr ?? [], mode: 'local', modeReason: 'recorded', exitCode: m.exitCode ?? null, stoppedBy: null, stalledOn: null, durationMs: m.durationMs ?? 0, doc, pulled: m.exitCode === 0, error: doc?.error ?? null, blobNote: null, log };
  const cm = meta('cri');
  // at info level (the daemon's default): the recorded debug log without its debug lines
  const criLog = readFileSync(join(dir, 'cri', 'daemon.log'), 'utf8')
    .split('\n')
    .filter((l) => sight.level !== 'info' || !l.includes('level=debug'))
    .join('\n');
  const criDoc = parseTraceText(criLog, { ref: cm.ref }).at(-1) ?? null;
  const cri: PathRun = { path: 'cri', command: ['cri', 'PullImage', cm.ref], mode: 'cri', modeReason: 'recorded', exitCode: null, stoppedBy: null, stalledOn: null, durationMs: cm.durationMs ?? 0, doc: criDoc, pulled: !!cm.imageRef, error: cm.error?.message ?? null, code: cm.error?.code ?? null, blobNote: null, log: criLog, daemonLog: { source: 'recorded', problem: null, debug: sight.level !== 'info' } };
  const paths = [ctr, cri];
  if (sight.level === 'info') {
    // as root the tracer sees the daemon connect to the mirror during the pull
    const { mirrors, upstream } = runHosts(paths, cm.ref);
    const resolved: ResolvedHost[] = [...mirrors.map((h) => ({ host: h, endpoints: [h], error: null })), { host: upstream, endpoints: [], error: `${upstream}: no such host` }];
    const daemonSight: DaemonSight = { log: { source: 'recorded', available: true, debug: false, problem: null }, sockets: { endpoints: mirrors.slice(0, 1).map((h) => ({ endpoint: h, presentAtStart: false })) }, proxy: false };
    assessRun(paths, cm.ref, daemonSight, resolved, cm.containerdVersion);
  }
  return {
    schema: TRACE_RUN_SCHEMA,
    ref: cm.ref,
    containerd: { client: cm.containerdVersion, server: cm.containerdVersion },
    address: `/tmp/md-lab-redir/containerd/${series}/containerd.sock`,
    namespace: 'mirror-doctor-test',
    hostsDir: m.hostsDir ?? '/tmp/md-lab-redir/certs.d',
    live: null,
    paths,
    comparison: comparePaths({ paths: paths.map((p) => ({ path: p.path as 'ctr-hosts-dir' | 'cri', doc: p.doc, pulled: p.pulled, error: p.error })), hostsDir: m.hostsDir ?? '/tmp/md-lab-redir/certs.d', live: null, diskConfigPath: null, configNewerThanDaemon: false }),
    leftovers: [],
    earlierRuns: [],
  };
}

/** `failed to load plugin` lines of the recorded daemon start, as `ctr plugins ls` would report them. */
function labPlugins(series: string, scenario: string): PluginFact[] {
  const out: PluginFact[] = [];
  const f = labPath(series, scenario, 'daemon-start.log');
  const text = existsSync(f) ? readFileSync(f, 'utf8') : '';
  for (const line of text.split('\n')) {
    if (!line.includes('failed to load plugin')) continue;
    const id = /msg="failed to load plugin ([^"]+)"/.exec(line)?.[1] ?? /\bid=(\S+)/.exec(line)?.[1];
    const error = /error="((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? '';
    if (id && !out.some((p) => p.id === id)) out.push({ id, type: /\btype=(\S+)/.exec(line)?.[1] ?? '', status: 'error', error });
  }
  if (!out.some((p) => p.id === 'io.containerd.grpc.v1.cri')) out.push({ id: 'io.containerd.grpc.v1.cri', type: 'io.containerd.grpc.v1', status: 'ok', error: null });
  return out;
}

export function labSeries(): string[] {
  return readdirSync(LAB).sort();
}

export function labScenarios(series: string): string[] {
  return readdirSync(join(LAB, series)).filter((s) => existsSync(labPath(series, s, 'cri', 'meta.json'))).sort();
}

/** Facts for a recorded lab scenario, as `check` would gather them on the lab node. */
export async function labFacts(series: string, scenario: string, opts: { offline?: boolean; sight?: LabSight } = {}): Promise<Facts> {
  const offline = opts.offline ?? false;
  const cm = labMeta(series, scenario, 'cri');
  const configFile = `${LAB_DIR}/containerd/${series}/config.toml`;
  const virtualRoot = '/nonexistent-lab-root';
  const reader = new NodeFileReader({
    root: virtualRoot,
    fs: mappedFs(virtualRoot, [
      [configFile, labPath(series, scenario, 'config.toml')],
      [LAB_HOSTS, labPath(series, scenario, 'hosts')],
    ]),
  });
  const portBase = 5100;
  const overlay: FactsOverlay = {
    ref: cm.ref,
    containerdVersion: cm.containerdVersion,
    offline,
    address: `${LAB_DIR}/containerd/${series}/containerd.sock`,
    configFile,
    configMtimeAfterStart: scenario === 'cri-config-edited-after-start' ? 5_000 : -60_000,
    daemon: {
      reachable: !offline,
      process: { configFlag: configFile, proxyEnv: scenario === 'cri-proxy-env' ? { HTTP_PROXY: `http://127.0.0.1:${portBase + 9}`, HTTPS_PROXY: `http://127.0.0.1:${portBase + 9}` } : {} },
    },
    extraRoots: [LAB_HOSTS],
    plugins: offline ? null : labPlugins(series, scenario),
    liveCri: offline ? null : (labLive(series, scenario) ?? { error: 'UNIMPLEMENTED: unknown service runtime.v1.RuntimeService' }),
    trace: null,
  };
  return build({ overlay, reader, trace: offline ? null : labTraceRun(series, scenario, opts.sight) });
}

// ---------------------------------------------------------------------------------------------
// node-filesystem fixtures

/** Facts for a fixture folder standing for `/` (see the file comment). */
export async function factsFromFixture(dir: string, extra: FactsOverlay = {}): Promise<Facts> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`no fixture folder ${root}`);
  const overlayFile = join(root, 'facts.json');
  const overlay: FactsOverlay = { ...(existsSync(overlayFile) ? (JSON.parse(readFileSync(overlayFile, 'utf8')) as FactsOverlay) : {}), ...extra };
  const reader = new NodeFileReader({ root });
  let trace: TraceRun | null = null;
  if (overlay.trace && !overlay.offline) {
    const r = /^lab-redirects\/([^/]+)\/([^/]+)$/.exec(overlay.trace.from);
    const m = /^lab\/([^/]+)\/([^/]+)$/.exec(overlay.trace.from);
    if (!m && !r) throw new Error(`trace.from must be lab/<series>/<scenario> or lab-redirects/<series>/<scenario>, got ${overlay.trace.from}`);
    trace = r ? redirectTraceRun(r[1]!, r[2]!, overlay.trace) : labTraceRun(m![1]!, m![2]!, overlay.trace);
  }
  return build({ overlay, reader, trace });
}
