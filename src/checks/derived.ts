/**
 * The one shared pure step between Facts and the checks: everything the containerd emulation
 * says about this node, computed once. Checks read it; they never re-implement containerd's
 * rules (those live in src/containerd/).
 */
import { collectConfigFiles, type LoadedConfigFile } from '../containerd/config-files.js';
import { analyzeConfig, type ConfigAnalysis } from '../containerd/config-toml.js';
import { configureHosts, type ConfiguredHosts } from '../containerd/configure-hosts.js';
import { goPathClean, goPathJoin } from '../containerd/go-url.js';
import { hostDirectoryName, lookupHostDir, shadowedCandidates, splitConfigPath, type HostDirLookup } from '../containerd/host-dirs.js';
import { loadHostDir, type LoadedHostDir } from '../containerd/load-host-dir.js';
import { mirrorRoles, type MirrorRole } from '../containerd/mirror-roles.js';
import type { Decision } from '../containerd/decision.js';
import { lookupEntry, type NodeSnapshot } from '../containerd/node-snapshot.js';
import { nerdctlHostsProfile, nerdctlReadDirs, nerdctlTomlOptions, planNerdctl, type NerdctlOptions } from '../containerd/nerdctl-plan.js';
import { planCri, planCtr, planCtrHostsDir, requestPlans, type ClientPlan, type RequestPlan } from '../containerd/plan.js';
import { parseCriReference, type ImageReference } from '../containerd/reference.js';
import { resolveProfile, type BehaviourProfile } from '../containerd/version.js';
import type { PathRun } from '../trace/run-schema.js';
import type { Facts } from './facts.js';
import { unreadFolders } from './misnamed-folders.js';

export const DEFAULT_HOSTS_ROOT = '/etc/containerd/certs.d';

/** One host folder containerd would use for the reference's registry, from one hosts root. */
export interface HostDirView {
  root: string;
  lookup: HostDirLookup;
  /** the folder selected (absent when none exists or the lookup failed) */
  dir?: string;
  loaded?: LoadedHostDir;
  /** ConfigureHosts over the loaded hosts (TLS files, https-first, the implicit upstream) */
  configured?: ConfiguredHosts;
  resolve?: RequestPlan;
  fetch?: RequestPlan;
  /** hosts.toml text when it is text */
  hostsTomlText?: string;
  /** decisions of lookup + shadowing + load + configure, in that order */
  decisions: Decision[];
  /** the clients that use this root */
  usedBy: Array<'cri' | 'ctr-hosts-dir'>;
  /** a misnamed folder containerd never reads, analysed as if renamed to this path (its faults show now, not after the rename) */
  renameTo?: string;
}

export interface Derived {
  profile: BehaviourProfile;
  /** the rules the hosts folders are read with: the daemon's, or with --client nerdctl on 1.x the library nerdctl resolves with */
  hostsProfile: BehaviourProfile;
  config: ConfigAnalysis;
  /** config.toml and imports as read (main first) */
  configFiles: LoadedConfigFile[];
  /** the reference as CRI normalises it (null when it does not parse) */
  ref: ImageReference | null;
  /** the reference text given to ctr (CRI-normalised, so ctr does not fail on a short name) */
  ctrRef: string;
  registryHost: string | null;
  /** config_path split as CRI local pulls split it (transfer mode: one root) */
  configRoots: string[];
  /** the directory `ctr --hosts-dir` is given */
  hostsDir: string;
  plans: { ctr: ClientPlan; ctrHostsDir: ClientPlan; cri: ClientPlan; nerdctl: ClientPlan };
  /** nerdctl's options (nerdctl.toml, else its defaults) and the hosts dirs it reads on this containerd */
  nerdctl: { options: NerdctlOptions; readDirs: string[] };
  /** every hosts root of interest, with the folder containerd would use in it */
  hostDirs: HostDirView[];
  /** misnamed folders (never read), analysed as if renamed, so that their faults show at once */
  misnamedDirs: HostDirView[];
  /** the registries the reference's own host serves as a mirror on this node (then it needs no folder of its own) */
  mirrorRoles: MirrorRole[];
  /** trace paths by name, when traced */
  trace: { ctr?: PathRun; ctrHostsDir?: PathRun; cri?: PathRun };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export function derive(facts: Facts): Derived {
  const resolved = resolveProfile(facts.containerdVersion.value, facts.containerdVersion.source === 'assumed' ? 'assumed' : 'detected');
  const profile = resolved.ok ? resolved.profile : (resolveProfile(undefined) as Extract<ReturnType<typeof resolveProfile>, { ok: true }>).profile;
  const snapshot = facts.snapshot;
  const config = analyzeConfig(facts.configFile, snapshot, profile);
  const configFiles = collectConfigFiles(facts.configFile, snapshot, profile).files;
  const parsed = parseCriReference(facts.ref.input);
  const ref = parsed.ok ? parsed.ref : null;
  const ctrRef = ref ? ref.name : facts.ref.input;
  const registryHost = ref?.hostname ?? null;
  const configRoots = config.cri.pullMode === 'transfer' ? (config.cri.configPath ? [config.cri.configPath] : []) : splitConfigPath(config.cri.configPath);

  const optionRoot = facts.hostsDirOption ?? facts.hostRoots.find((r) => r.reason === 'hosts-dir-option')?.root;
  const hostsDir = goPathClean(
    facts.trace?.hostsDir || optionRoot || splitConfigPath(config.cri.configPath)[0] || facts.hostRoots[0]?.root || facts.distribution.certsDir || DEFAULT_HOSTS_ROOT,
  );
  const base = { ref: ctrRef, snapshot, profile, config };
  const nerdctlOptions = nerdctlTomlOptions(snapshot);
  const plans = {
    ctr: planCtr(base),
    ctrHostsDir: planCtrHostsDir({ ...base, hostsDir }),
    cri: planCri({ ...base, ref: facts.ref.input }),
    nerdctl: planNerdctl({ ...base, ref: facts.ref.input, nerdctl: nerdctlOptions }),
  };

  const hostsProfile = facts.client === 'nerdctl' ? nerdctlHostsProfile(profile) : profile;
  const criRoots = plans.cri.hostRoots.length > 0 ? (config.cri.pullMode === 'transfer' ? plans.cri.hostRoots : splitConfigPath(config.cri.configPath)) : [];
  const roots = unique([...criRoots, hostsDir, ...facts.hostRoots.map((r) => goPathClean(r.root))].filter((r) => r !== '' && !r.includes(':')));
  const hostDirs: HostDirView[] = [];
  const misnamedDirs: HostDirView[] = [];
  if (registryHost) {
    for (const root of roots) {
      const lookup = lookupHostDir([root], registryHost, snapshot, profile);
      const usedBy: HostDirView['usedBy'] = [];
      if (criRoots.includes(root) && plans.cri.hostRoots.length > 0) usedBy.push('cri');
      if (root === hostsDir) usedBy.push('ctr-hosts-dir');
      const view: HostDirView = { root, lookup, decisions: [...lookup.decisions, ...shadowedCandidates(lookup, snapshot)], usedBy };
      if (lookup.dir) analyseDir(view, lookup.dir, registryHost, ref, snapshot, hostsProfile);
      hostDirs.push(view);
      // a folder named for the registry the wrong way is never read: its faults are shown now
      if ((!lookup.dir || lookup.dir.endsWith('/_default')) && !lookup.error) {
        for (const m of unreadFolders(facts, root, registryHost)) {
          const renamed: HostDirView = { root, lookup, decisions: [], usedBy: [], renameTo: goPathJoin(root, registryHost.includes(':') ? hostDirectoryName(registryHost) : registryHost) };
          analyseDir(renamed, goPathJoin(root, m.name), registryHost, ref, snapshot, hostsProfile);
          misnamedDirs.push(renamed);
        }
      }
    }
  }
  const trace: Derived['trace'] = {};
  for (const p of facts.trace?.paths ?? []) {
    if (p.path === 'ctr') trace.ctr = p;
    else if (p.path === 'ctr-hosts-dir') trace.ctrHostsDir = p;
    else if (p.path === 'cri') trace.cri = p;
  }
  const roles = registryHost ? mirrorRoles(registryHost, roots, config.cri.mirrors, snapshot, profile) : [];
  return {
    profile,
    hostsProfile,
    config,
    configFiles,
    ref,
    ctrRef,
    registryHost,
    configRoots,
    hostsDir,
    plans,
    nerdctl: { options: nerdctlOptions, readDirs: nerdctlReadDirs(nerdctlOptions, profile) },
    hostDirs,
    misnamedDirs,
    mirrorRoles: roles,
    trace,
  };
}

/** Loads `dir` as containerd would for `registryHost` and plans its requests, into `view`. */
function analyseDir(view: HostDirView, dir: string, registryHost: string, ref: ImageReference | null, snapshot: NodeSnapshot, profile: BehaviourProfile): void {
  view.dir = dir;
  const loaded = loadHostDir(dir, snapshot, profile);
  view.loaded = loaded;
  view.decisions.push(...loaded.decisions);
  const e = lookupEntry(snapshot, `${dir}/hosts.toml`);
  if (e.kind === 'file' && e.content?.kind === 'text') view.hostsTomlText = e.content.text;
  if (loaded.error === undefined && !loaded.unanalysable) {
    const configured = configureHosts(registryHost, loaded.hosts, snapshot, profile);
    view.configured = configured;
    view.decisions.push(...configured.decisions);
    if (configured.error === undefined && ref) {
      const r = requestPlans(configured.endpoints, ref);
      view.resolve = r.resolve;
      view.fetch = r.fetch;
    }
  }
}

/** Host folders that hold (or would hold) the user's mirror config: selected folders, then misnamed ones, deduplicated. */
export function selectedHostDirs(d: Derived): HostDirView[] {
  const seen = new Set<string>();
  return [...d.hostDirs, ...d.misnamedDirs].filter((v) => {
    if (!v.dir || seen.has(v.dir)) return false;
    seen.add(v.dir);
    return true;
  });
}

/** Whether any hosts root has a hosts.toml for the registry (a folder of certificate files alone names no mirror). */
export function anyHostsToml(d: Derived): boolean {
  return d.hostDirs.some((v) => v.dir && v.loaded?.source === 'hosts-toml');
}

/** A view's decisions of one code. */
export function viewDecisions(v: HostDirView, code: string): Decision[] {
  return v.decisions.filter((x) => x.code === code);
}

/** The hosts.toml of a view's folder. */
export function hostsFile(v: HostDirView): string {
  return `${v.dir}/hosts.toml`;
}
