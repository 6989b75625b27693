/**
 * The deprecated CRI `registry.mirrors` (reference §3): the hosts.toml files equivalent to it, and
 * the CRI plugin that does not load when it is set next to config_path.
 */
import type { Decision } from '../containerd/decision.js';
import { hostDirectoryName } from '../containerd/host-dirs.js';
import { criPluginErrors } from './config-cri-plugin.js';
import { configPosition, decisions, registryPath } from './config-locate.js';
import { configPathFix, suggestedRoot } from './config-path.js';
import type { Evidence } from './finding.js';
import type { Check } from './types.js';
import { apiEvidence, decisionEvidence, fileEvidence, finding, quote, restartCommand } from './make.js';

export const mirrorsWithConfigPath: Check = {
  id: 'mirrors-with-config-path',
  run(facts, d) {
    const ds = decisions(d, 'config.mirrors-with-config-path');
    if (ds.length === 0) return [];
    const x = ds[0]!;
    const evidence: Evidence[] = [];
    if (d.config.cri.configPathAt) evidence.push(fileEvidence(facts.snapshot, d.config.cri.configPathAt));
    const m = configPosition(d, [...registryPath(d), 'mirrors']) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors']);
    if (m) evidence.push(fileEvidence(facts.snapshot, m));
    evidence.push(...decisionEvidence(facts.snapshot, { ...x, at: undefined } as Decision));
    for (const p of criPluginErrors(facts)) evidence.push({ kind: 'command', source: `ctr plugins ls (${p.id})`, text: p.error });
    if (d.trace.cri?.code === 'UNIMPLEMENTED') evidence.push(apiEvidence('CRI PullImage', d.trace.cri.error ?? 'UNIMPLEMENTED: unknown service runtime.v1.ImageService'));
    return [
      finding('mirrors-with-config-path', {
        detail: `${x.message}. kubelet cannot pull (or start pods) until one of the two is removed.`,
        evidence,
        fix: [`delete the registry.mirrors tables from ${m?.file ?? facts.configFile} (see legacy-mirrors for the equivalent hosts.toml files), keep config_path`, restartCommand(facts)],
      }),
    ];
  },
};

/** The hosts.toml equivalent to one legacy `registry.mirrors."<host>".endpoint` list. */
export function legacyHostsToml(host: string, endpoints: string[]): string {
  const lines: string[] = [];
  if (host !== '*') lines.push(`server = ${quote(host === 'docker.io' ? 'https://registry-1.docker.io' : `https://${host}`)}`, '');
  const upstream = host === 'docker.io' ? 'registry-1.docker.io' : host;
  for (const e of endpoints) {
    const url = e.includes('://') ? e : `https://${e}`;
    if (new RegExp(`^https?://${upstream.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?$`).test(url)) continue; // the upstream itself: the server line
    lines.push(`[host.${quote(url.replace(/\/$/, ''))}]`, '  capabilities = ["pull", "resolve"]', '');
  }
  return lines.join('\n');
}

export const legacyMirrors: Check = {
  id: 'legacy-mirrors',
  run(facts, d) {
    const mirrors = d.config.cri.mirrors;
    const hosts = Object.keys(mirrors);
    if (hosts.length === 0) return [];
    const root = suggestedRoot(d);
    const files = hosts.map((h) => {
      const dir = `${root}/${h === '*' ? '_default' : hostDirectoryName(h)}`;
      return `mkdir -p ${dir} && cat > ${dir}/hosts.toml <<'EOF'\n${legacyHostsToml(h, mirrors[h] ?? [])}EOF`;
    });
    const at = configPosition(d, [...registryPath(d), 'mirrors']) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors']);
    const conflict = decisions(d, 'config.mirrors-with-config-path').length > 0;
    return [
      finding('legacy-mirrors', {
        detail: `config.toml sets the deprecated registry.mirrors for ${hosts.join(', ')}. ${conflict ? 'Next to config_path it stops the CRI plugin from loading.' : 'They only work while config_path is empty, ctr never reads them, and they force local pulls on 2.1+.'} The equivalent hosts.toml files are below.`,
        evidence: at ? [fileEvidence(facts.snapshot, at)] : [],
        fix: [...files, ...configPathFix(facts, d, root).slice(0, 1), `delete the registry.mirrors tables from ${at?.file ?? facts.configFile}`, restartCommand(facts)],
      }),
    ];
  },
};
