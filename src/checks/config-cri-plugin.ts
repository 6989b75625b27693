/**
 * Does the CRI plugin load (containerd v1.7.24 pkg/cri/cri.go, v2.1.9 plugins/cri/images/plugin.go):
 * not disabled, disabled_plugins written with full ids, and no plugin error (TLS `configs` next to
 * config_path, a failed load the daemon reports).
 */
import { configPosition, decisions, registryPath } from './config-locate.js';
import type { Facts } from './facts.js';
import type { Evidence } from './finding.js';
import type { Check } from './types.js';
import { apiEvidence, decisionEvidence, fileEvidence, finding, restartCommand, wholeFileEvidence } from './make.js';

export const disabledPluginInvalid: Check = {
  id: 'disabled-plugin-invalid',
  run(facts, d) {
    const x = decisions(d, 'config.disabled-plugin-invalid')[0];
    if (!x) return [];
    const path = x.configPath ?? ['disabled_plugins'];
    const table = path[0] === 'plugins';
    const at = configPosition(d, path, !table);
    const fix = table
      ? `write the table with the plugin's full id, e.g. [plugins."io.containerd.grpc.v1.cri".registry] for [plugins."cri".registry] (short ids are for version 1 files), then: ${restartCommand(facts)}`
      : `use full plugin ids in ${path[0]} (e.g. "io.containerd.grpc.v1.cri"), then: ${restartCommand(facts)}`;
    return [
      finding('disabled-plugin-invalid', {
        detail: `${x.message}.`,
        evidence: [...(at ? [fileEvidence(facts.snapshot, at)] : []), ...decisionEvidence(facts.snapshot, x)],
        fix: [fix],
      }),
    ];
  },
};

export const criPluginDisabled: Check = {
  id: 'cri-plugin-disabled',
  run(facts, d) {
    const ds = decisions(d, 'config.cri-disabled');
    if (ds.length === 0) return [];
    const at = configPosition(d, ['disabled_plugins'], true);
    return [
      finding('cri-plugin-disabled', {
        detail: `${ds[0]!.message}. Only ctr can pull on this node; kubelet cannot talk to containerd at all.`,
        evidence: at ? [fileEvidence(facts.snapshot, at)] : [wholeFileEvidence(facts.configFile, ds[0]!.message)],
        fix: [`remove the CRI plugin from disabled_plugins in ${at?.file ?? facts.configFile}`, restartCommand(facts)],
      }),
    ];
  },
};

/** The CRI plugins `ctr plugins ls` reports in error, with their error. */
export function criPluginErrors(facts: Facts): Array<{ id: string; error: string }> {
  const out: Array<{ id: string; error: string }> = [];
  for (const p of facts.plugins.value ?? []) {
    if (p.status === 'error' && /cri/.test(p.id)) out.push({ id: p.id, error: p.error ?? 'failed to load' });
  }
  return out;
}

export const criPluginFailed: Check = {
  id: 'cri-plugin-failed',
  run(facts, d) {
    const mirrorsConflict = decisions(d, 'config.mirrors-with-config-path').length > 0;
    const evidence: Evidence[] = [];
    const reasons: string[] = [];
    for (const x of decisions(d, 'config.configs-tls-with-config-path')) {
      reasons.push(x.message);
      evidence.push(...decisionEvidence(facts.snapshot, x));
      const at = configPosition(d, [...registryPath(d), 'configs']);
      if (at) evidence.push(fileEvidence(facts.snapshot, at));
    }
    for (const p of criPluginErrors(facts)) {
      if (mirrorsConflict && /mirrors/.test(p.error)) continue; // mirrors-with-config-path explains it
      reasons.push(`plugin ${p.id} failed to load: ${p.error}`);
      evidence.push(commandEvidence(p.id, p.error));
    }
    const cri = d.trace.cri;
    if (reasons.length === 0 && cri?.code === 'UNIMPLEMENTED' && !mirrorsConflict && decisions(d, 'config.cri-disabled').length === 0) {
      reasons.push('the daemon answers "unknown service runtime.v1.ImageService": the CRI plugin is not loaded; the daemon log says why ("failed to load plugin")');
      evidence.push(apiEvidence('CRI runtime.v1.ImageService/PullImage', cri.error ?? 'UNIMPLEMENTED'));
    }
    if (reasons.length === 0) return [];
    return [
      finding('cri-plugin-failed', {
        detail: `${reasons.join('; ')}. containerd keeps running without CRI, so kubelet cannot pull at all.`,
        evidence,
        fix: [`journalctl -u ${facts.daemon.systemd?.unit ?? 'containerd'} | grep "failed to load plugin"`, 'fix the reported setting, then: ' + restartCommand(facts)],
      }),
    ];
  },
};

function commandEvidence(source: string, text: string): Evidence {
  return { kind: 'command', source: `ctr plugins ls (${source})`, text };
}
