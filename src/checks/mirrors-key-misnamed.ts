/**
 * CRI looks registry.mirrors up by the reference's registry as written, then `*` (registryEndpoints,
 * v1.7.24 pkg/cri/server/image_pull.go): a table keyed by another name for that registry
 * (`registry-1.docker.io` for Docker Hub images, a scheme, another port form) is never used
 * (dragonfly#1344). The registry.mirrors counterpart of host-dir-misnamed. Before 1.5, `*` itself is
 * never used for docker.io: CRI's default config has a `docker.io` entry that comes first (k3s#2088).
 */
import type { RegistryEndpoint } from '../containerd/configure-hosts.js';
import { criLegacyHosts } from '../containerd/cri-legacy-hosts.js';
import { dottedPath } from '../containerd/toml-scan.js';
import { configPosition, registryPath } from './config-locate.js';
import { misnamedFolders } from './misnamed-folders.js';
import type { Check } from './types.js';
import { fileEvidence, finding, quote, restartCommand, rewritesFromRegistriesYaml } from './make.js';

export const mirrorsKeyMisnamed: Check = {
  id: 'mirrors-key-misnamed',
  run(facts, d) {
    const registry = d.registryHost;
    // only where CRI reads registry.mirrors and found no entry for this registry (nor `*`)
    if (!registry || d.plans.cri.legacyMirrorsKey !== null) return [];
    const keys = Object.keys(d.config.cri.mirrors);
    const k3s = rewritesFromRegistriesYaml(facts);
    const tablePath = (key: string) => dottedPath([...registryPath(d), 'mirrors', key]);
    const hidden = d.plans.cri.decisions.find((x) => x.code === 'cri.legacy-wildcard-hidden');
    if (hidden) {
      // before 1.5: CRI's built-in docker.io entry comes before `*` (k3s#2088)
      const at = configPosition(d, [...registryPath(d), 'mirrors', '*']) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors', '*']);
      const endpoints = (d.config.cri.mirrors['*'] ?? []).map((e) => quote(e)).join(', ');
      return [
        finding('mirrors-key-misnamed', {
          title: `registry.mirrors."*" is never used for docker.io images on ${d.profile.label}`,
          detail: `${hidden.message}. The "*" mirror serves every other registry; Docker Hub images go to registry-1.docker.io.`,
          evidence: at ? [fileEvidence(facts.snapshot, at)] : [],
          fix: [
            k3s
              ? `in ${facts.distribution.registriesYaml?.path ?? 'registries.yaml'}, add a "docker.io" entry under mirrors: with the same endpoint list as "*"`
              : `in ${at?.file ?? facts.configFile}, add [${tablePath('docker.io')}] with endpoint = [${endpoints}]`,
            restartCommand(facts),
            'or upgrade: containerd 1.5 dropped the built-in entry',
          ],
        }),
      ];
    }
    return misnamedFolders(registry, keys, 'key').map(({ name, why }) => {
      const at = configPosition(d, [...registryPath(d), 'mirrors', name]) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors', name]);
      // keyed right, would CRI ask other hosts? Not when the entry names only the registry itself (k3s#2429: traefik.local → https://traefik.local:5000)
      const keyedRight = criLegacyHosts(registry, { ...d.config.cri.mirrors, [registry]: d.config.cri.mirrors[name] ?? [] }, d.profile);
      const urls = (eps: readonly RegistryEndpoint[]) => eps.map((e) => `${e.scheme}://${e.host}${e.path}`).join(' ');
      if (keyedRight.error === undefined && urls(keyedRight.endpoints) === urls(d.plans.cri.endpoints)) {
        return finding('mirrors-key-misnamed', {
          severity: 'info',
          title: `registry.mirrors.${quote(name)} is never used for ${registry} images, and changes nothing`,
          detail: `registry.mirrors.${quote(name)} is never used for ${registry} images (CRI looks the entry up as ${quote(registry)}, then ${quote('*')}, and ${why}), but it names only ${urls(d.plans.cri.endpoints)}, the endpoint CRI asks for ${registry} anyway: keyed right, it would ask the same hosts.`,
          evidence: at ? [fileEvidence(facts.snapshot, at)] : [],
          fix: [`nothing to change for pulls; to tidy, ${k3s ? `key it as ${quote(registry)} in ${facts.distribution.registriesYaml?.path ?? 'registries.yaml'}` : `rename the table to [${tablePath(registry)}]`}`],
        });
      }
      return finding('mirrors-key-misnamed', {
        detail: `registry.mirrors.${quote(name)} is never used for ${registry} images: CRI looks registry.mirrors up by the registry as the image reference names it (${quote(registry)}), then ${quote('*')}, and ${why}. No entry matches, so CRI pulls ${registry} from the registry itself and the mirror is never asked.`,
        evidence: at ? [fileEvidence(facts.snapshot, at)] : [],
        fix: k3s
          ? [`in ${facts.distribution.registriesYaml?.path ?? 'registries.yaml'}, key the mirror as ${quote(registry)} under mirrors:, not ${quote(name)}`, restartCommand(facts)]
          : [`in ${at?.file ?? facts.configFile}${at ? ` line ${at.line}` : ''}, rename the table to [${tablePath(registry)}]`, restartCommand(facts)],
      });
    });
  },
};
