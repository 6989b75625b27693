/**
 * `--client nerdctl`: nerdctl reads its own hosts dirs (nerdctl.toml `hosts_dir`, default
 * /etc/containerd/certs.d then /etc/docker/certs.d; on containerd 2.0+ only the first) and never
 * containerd's config.toml, so a mirror configured through CRI's config_path elsewhere or
 * registry.mirrors is not used by nerdctl.
 */
import { goPathJoin } from '../containerd/go-url.js';
import { NERDCTL_TOML } from '../containerd/nerdctl-plan.js';
import type { Evidence } from './finding.js';
import type { Check } from './types.js';
import { commandEvidence, finding } from './make.js';

export const nerdctlIgnoresCriConfig: Check = {
  id: 'nerdctl-ignores-cri-config',
  run(facts, d) {
    if (facts.client !== 'nerdctl' || !d.registryHost || !d.ref) return [];
    const plan = d.plans.nerdctl;
    // nerdctl loads a folder for this registry: the hosts.toml checks judge what is in it
    if (plan.lookup?.dir !== undefined || plan.lookup?.error !== undefined) return [];
    const host = d.registryHost;
    const read = d.nerdctl.readDirs;
    const elsewhere = d.hostDirs.filter((v) => v.dir !== undefined && !v.dir.endsWith('/_default') && !read.includes(v.root));
    const legacyKey = host in d.config.cri.mirrors ? host : '*' in d.config.cri.mirrors ? '*' : null;
    if (elsewhere.length === 0 && legacyKey === null) return [];
    const evidence: Evidence[] = [];
    const lookupNote = plan.decisions.find((x) => x.code === 'host-dir.none');
    evidence.push(commandEvidence(`nerdctl pull ${d.ref.name}`, lookupNote?.message ?? `nerdctl reads ${read.join(', ') || 'no hosts dir'}`));
    const firstDirOnly = plan.decisions.find((x) => x.code === 'nerdctl.transfer-first-dir' || x.code === 'nerdctl.insecure-temp-hosts-dir');
    if (firstDirOnly) evidence.push(commandEvidence(`nerdctl pull ${d.ref.name}`, firstDirOnly.message));
    for (const v of elsewhere) evidence.push({ kind: 'file', source: v.dir!, text: `the folder for ${host}, under ${v.root}${v.usedBy.includes('cri') ? ' (CRI config_path)' : ''}: nerdctl does not read ${v.root}` });
    if (legacyKey !== null) evidence.push({ kind: 'file', source: facts.configFile, text: `registry.mirrors.${JSON.stringify(legacyKey)}: ${d.config.cri.mirrors[legacyKey]!.join(', ')} (CRI only)` });
    const where = [
      ...elsewhere.map((v) => `${v.dir} (under ${v.root}, which nerdctl does not read here)`),
      ...(legacyKey !== null ? [`registry.mirrors.${JSON.stringify(legacyKey)} in ${facts.configFile} (CRI's legacy config)`] : []),
    ];
    const target = read[0] ?? d.nerdctl.options.hostsDirs?.[0] ?? '/etc/containerd/certs.d';
    const from = elsewhere[0];
    return [
      finding('nerdctl-ignores-cri-config', {
        detail:
          `You pulled with nerdctl (--client nerdctl). nerdctl never reads containerd's config.toml (neither CRI's config_path nor registry.mirrors); ` +
          `it searches its own hosts dirs (${read.join(', ') || 'none: --insecure-registry replaced them'}), and none has a folder for ${host}. ` +
          `The mirror is configured only in ${where.join(' and ')}, so nerdctl asks ${host} itself.`,
        evidence,
        fix: [
          from ? `nerdctl --hosts-dir ${from.root} pull ${d.ref.name}   # or set hosts_dir = [${JSON.stringify(from.root)}] in ${NERDCTL_TOML}` : `write ${goPathJoin(target, host, 'hosts.toml')} with the mirror (mirror-doctor checks legacy-mirrors shows the conversion)`,
          ...(from ? [`or copy ${from.dir} to ${goPathJoin(target, host)}`] : []),
          // hosts dirs came in nerdctl v0.16.0 (dockerconfigresolver WithHostsDirs): an older one reads none (nerdctl#278)
          `nerdctl before 0.16 reads no hosts dir at all (\`nerdctl --version\`): upgrade it, or pass what the mirror needs on the command line (--insecure-registry for TLS, the mirror's own reference)`,
        ],
      }),
    ];
  },
};
