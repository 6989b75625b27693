/**
 * CRI looks registry.mirrors up by the reference's registry as written, then `*` (registryEndpoints,
 * v1.7.24 pkg/cri/server/image_pull.go): a table keyed by another name for that registry
 * (`registry-1.docker.io` for Docker Hub images, a scheme, another port form) is never used
 * (dragonfly#1344). The registry.mirrors counterpart of host-dir-misnamed. Before 1.5, `*` itself is
 * never used for docker.io: CRI's default config has a `docker.io` entry that comes first (k3s#2088).
 */
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
