/**
 * The one shared pure step between Facts and the checks: everything the containerd emulation
 * says about this node, computed once. Checks read it; they never re-implement containerd's
 * rules (those live in src/containerd/).
 */
import { analyzeConfig, collectConfigFiles, type ConfigAnalysis, type LoadedConfigFile } from '../containerd/config-toml.js';
import { configureHosts, type ConfiguredHosts } from '../containerd/configure-hosts.js';
import { goPathClean } from '../containerd/go-url.js';
import { lookupHostDir, shadowedCandidates, splitConfigPath, type HostDirLookup } from '../containerd/host-dirs.js';
import { loadHostDir, type LoadedHostDir } from '../containerd/load-host-dir.js';
import type { Decision } from '../containerd/decision.js';
import { lookupEntry } from '../containerd/node-snapshot.js';
import { planCri, planCtr, planCtrHostsDir, requestPlans, type ClientPlan, type RequestPlan } from '../containerd/plan.js';
import { parseCriReference, type ImageReference } from '../containerd/reference.js';
import { resolveProfile, type BehaviourProfile } from '../containerd/version.js';
import type { PathRun } from '../trace/run-schema.js';
import type { Facts } from './facts.js';

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
}

export interface Derived {
  profile: BehaviourProfile;
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
  plans: { ctr: ClientPlan; ctrHostsDir: ClientPlan; cri: ClientPlan };
  /** every hosts root of interest, with the folder containerd would use in it */
  hostDirs: HostDirView[];
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
  const configFiles = collectConfigFiles(facts.configFile, snapshot).files;
  const parsed = parseCriReference(facts.ref.input);
  const ref = parsed.ok ? parsed.ref : null;
  const ctrRef = ref ? ref.name : facts.ref.input;
  const registryHost = ref?.hostname ?? null;
  const configRoots = config.cri.pullMode === 'transfer' ? (config.cri.configPath ? [config.cri.configPath] : []) : splitConfigPath(config.cri.configPath);

  const optionRoot = facts.hostRoots.find((r) => r.reason === 'hosts-dir-option')?.root;
  const hostsDir = goPathClean(
    facts.trace?.hostsDir || optionRoot || splitConfigPath(config.cri.configPath)[0] || facts.hostRoots[0]?.root || facts.distribution.certsDir || DEFAULT_HOSTS_ROOT,
  );
  const base = { ref: ctrRef, snapshot, profile, config };
  const plans = {
    ctr: planCtr(base),
    ctrHostsDir: planCtrHostsDir({ ...base, hostsDir }),
    cri: planCri({ ...base, ref: facts.ref.input }),
  };

  const criRoots = plans.cri.hostRoots.length > 0 ? (config.cri.pullMode === 'transfer' ? plans.cri.hostRoots : splitConfigPath(config.cri.configPath)) : [];
  const roots = unique([...criRoots, hostsDir, ...facts.hostRoots.map((r) => goPathClean(r.root))].filter((r) => r !== '' && !r.includes(':')));
  const hostDirs: HostDirView[] = [];
  if (registryHost) {
    for (const root of roots) {
      const lookup = lookupHostDir([root], registryHost, snapshot, profile);
      const usedBy: HostDirView['usedBy'] = [];
      if (criRoots.includes(root) && plans.cri.hostRoots.length > 0) usedBy.push('cri');
      if (root === hostsDir) usedBy.push('ctr-hosts-dir');
      const view: HostDirView = { root, lookup, decisions: [...lookup.decisions, ...shadowedCandidates(lookup, snapshot)], usedBy };
      if (lookup.dir) {
        view.dir = lookup.dir;
        const loaded = loadHostDir(lookup.dir, snapshot, profile);
        view.loaded = loaded;
        view.decisions.push(...loaded.decisions);
        const e = lookupEntry(snapshot, `${lookup.dir}/hosts.toml`);
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
      hostDirs.push(view);
    }
  }
  const trace: Derived['trace'] = {};
  for (const p of facts.trace?.paths ?? []) {
    if (p.path === 'ctr') trace.ctr = p;
    else if (p.path === 'ctr-hosts-dir') trace.ctrHostsDir = p;
    else if (p.path === 'cri') trace.cri = p;
  }
  return { profile, config, configFiles, ref, ctrRef, registryHost, configRoots, hostsDir, plans, hostDirs, trace };
}

/** Host folders that hold (or would hold) the user's mirror config: selected folders, deduplicated. */
export function selectedHostDirs(d: Derived): HostDirView[] {
  const seen = new Set<string>();
  return d.hostDirs.filter((v) => {
    if (!v.dir || seen.has(v.dir)) return false;
    seen.add(v.dir);
    return true;
  });
}
