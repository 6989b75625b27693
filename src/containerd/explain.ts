/**
 * `explain`: the three client plans for one reference on one node, plus the config analysis.
 * Pure: takes the node snapshot and a profile, returns data for the text/JSON renderers.
 */
import type { Decision } from './decision.js';
import { analyzeConfig, type ConfigAnalysis } from './config-toml.js';
import { planCri, planCtr, planCtrHostsDir, type ClientPlan } from './plan.js';
import type { NodeSnapshot } from './node-snapshot.js';
import { splitConfigPath } from './host-dirs.js';
import { mirrorRoles } from './mirror-roles.js';
import { parseCriReference } from './reference.js';
import { nerdctlTomlOptions, planNerdctl, type NerdctlOptions } from './nerdctl-plan.js';
import type { BehaviourProfile, ProfileSource } from './version.js';

export const EXPLAIN_SCHEMA = 'mirror-doctor.explain/v2';

export interface ExplainRequest {
  ref: string;
  snapshot: NodeSnapshot;
  profile: BehaviourProfile;
  profileSource: ProfileSource;
  /** Node path of config.toml. */
  configFile: string;
  hostsDir?: string;
  /** the distribution whose layout gave the config file (k3s, RKE2, MicroK8s, k0s), when not plain containerd */
  distribution?: { kind: string; configFile: string; certsDir: string | null; evidence: string[] };
  /** nerdctl's options (default: nerdctl.toml under the snapshot, else nerdctl's defaults) */
  nerdctl?: NerdctlOptions;
}

export interface ExplainResult {
  ref: string;
  profile: BehaviourProfile;
  profileSource: ProfileSource;
  root: string;
  config: ConfigAnalysis;
  plans: ClientPlan[];
  /** Decisions that concern the whole node (version assumption, config). */
  decisions: Decision[];
  /** Inputs we could not analyse (exit 2 in the CLI). */
  unanalysable: string[];
}

export function explain(req: ExplainRequest): ExplainResult {
  const config = analyzeConfig(req.configFile, req.snapshot, req.profile);
  const decisions: Decision[] = [];
  if (req.profile.assumption) {
    decisions.push({ code: 'version.assumption', severity: 'warning', message: req.profile.assumption, source: 'readmeExplain' });
  }
  if (req.profile.buildNote) {
    decisions.push({ code: 'version.build', severity: 'info', message: req.profile.buildNote, source: 'readmeExplain' });
  }
  const dist = req.distribution;
  if (dist && dist.kind !== 'containerd') {
    decisions.push({
      code: 'node.distribution',
      severity: 'info',
      message: `${dist.kind} layout (${dist.evidence.join('; ') || 'its files'}): its containerd reads ${req.configFile}${req.configFile === dist.configFile ? '' : ` (given; ${dist.kind}'s own is ${dist.configFile})`}${dist.certsDir ? `, its hosts folders are under ${dist.certsDir}` : ''}`,
      source: 'readmeExplain',
    });
  }
  decisions.push(...config.decisions);
  const refHost = parseCriReference(req.ref);
  if (refHost.ok) {
    // a reference that names a mirror: no folder is looked up for it, and it is asked directly
    const roots = [...splitConfigPath(config.cri.configPath), ...(req.hostsDir !== undefined ? [req.hostsDir] : [])];
    const roles = mirrorRoles(refHost.ref.hostname, [...new Set(roots)], config.cri.mirrors, req.snapshot, req.profile);
    if (roles.length > 0) {
      const where = roles.map((r) => `${r.registry === '*' ? 'every registry without a folder of its own' : r.registry} (${'hostsToml' in r.from ? r.from.hostsToml : `registry.mirrors.${JSON.stringify(r.from.mirrorsKey)}`})`);
      decisions.push({
        code: 'node.ref-names-mirror',
        severity: 'info',
        message: `${refHost.ref.hostname} is the mirror this node uses for ${where.join(', ')}: containerd looks up a hosts folder for the reference's own host only, so this reference is pulled from the mirror directly`,
        source: 'hostPaths',
      });
    }
  }
  const base = { ref: req.ref, snapshot: req.snapshot, profile: req.profile, config };
  const plans: ClientPlan[] = [planCtr(base)];
  if (req.hostsDir !== undefined) plans.push(planCtrHostsDir({ ...base, hostsDir: req.hostsDir }));
  plans.push(planCri(base));
  plans.push(planNerdctl({ ...base, nerdctl: req.nerdctl ?? nerdctlTomlOptions(req.snapshot) }));
  const unanalysable = [
    ...(config.unreadable ? [config.unreadable] : []),
    ...plans.flatMap((p) => (p.unanalysable ? [p.unanalysable] : [])),
  ];
  return { ref: req.ref, profile: req.profile, profileSource: req.profileSource, root: req.snapshot.root, config, plans, decisions, unanalysable: [...new Set(unanalysable)] };
}
