/**
 * CRI looks registry.mirrors up by the reference's registry as written, then `*` (registryEndpoints,
 * v1.7.24 pkg/cri/server/image_pull.go): a table keyed by another name for that registry
 * (`registry-1.docker.io` for Docker Hub images, a scheme, another port form) is never used
 * (dragonfly#1344). The registry.mirrors counterpart of host-dir-misnamed.
 */
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
    return misnamedFolders(registry, keys, 'key').map(({ name, why }) => {
      const at = configPosition(d, [...registryPath(d), 'mirrors', name]) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors', name]);
      return finding('mirrors-key-misnamed', {
        detail: `registry.mirrors.${quote(name)} is never used for ${registry} images: CRI looks registry.mirrors up by the registry as the image reference names it (${quote(registry)}), then ${quote('*')}, and ${why}. No entry matches, so CRI pulls ${registry} from the registry itself and the mirror is never asked.`,
        evidence: at ? [fileEvidence(facts.snapshot, at)] : [],
        fix: k3s
          ? [`in ${facts.distribution.registriesYaml?.path ?? 'registries.yaml'}, key the mirror as ${quote(registry)} under mirrors:, not ${quote(name)}`, restartCommand(facts)]
          : [`in ${at?.file ?? facts.configFile}${at ? ` line ${at.line}` : ''}, rename the table to [${[...registryPath(d), 'mirrors'].map((k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : quote(k))).join('.')}.${quote(registry)}]`, restartCommand(facts)],
      });
    });
  },
};
