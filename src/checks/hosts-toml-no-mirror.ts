/**
 * A hosts.toml that names no mirror: its hosts are only the registry itself, those containerd asks
 * without ?ns= (for docker.io also registry-1.docker.io; containerd's docs example, `server =
 * "https://docker.io"` with `[host."https://registry-1.docker.io"]`, is one), with no TLS or header
 * settings. containerd then pulls as with no folder at all, and nothing in the files says so.
 */
import type { RegistryEndpoint } from '../containerd/configure-hosts.js';
import { needsNamespace } from '../containerd/plan.js';
import { hostsFile, selectedHostDirs, viewDecisions } from './derived.js';
import { onlyDefaultServer } from './hosts-toml-server-only.js';
import type { Finding } from './finding.js';
import type { Check } from './types.js';
import { attemptEvidence, finding, pathEvidence, rewritesFromRegistriesYaml, sawResolver, wholeFileEvidence } from './make.js';


const plain = (ep: RegistryEndpoint) => ep.scheme === 'https' && !ep.httpFallback && !ep.tls.explicit && Object.keys(ep.header).length === 0;

export const hostsTomlNoMirror: Check = {
  id: 'hosts-toml-no-mirror',
  run(facts, d) {
    const registry = d.registryHost;
    // a reference that names a mirror: its own folder has none to name
    if (!registry || d.mirrorRoles.length > 0) return [];
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      // 1.x before 1.7.32 discards a file with no [host] table for its certificate files (hosts-toml-no-host-table): one that
      // names only the registry's own server names no mirror either way
      const noHostTable = viewDecisions(v, 'hosts-toml.discarded').some((y) => y.containerdError === 'invalid `host` tree') && onlyDefaultServer(v.hostsTomlText, registry) !== null;
      if (v.renameTo || (v.loaded?.source !== 'hosts-toml' && !noHostTable) || v.loaded?.error !== undefined || !v.configured || v.configured.error !== undefined) continue;
      const eps = v.configured.endpoints;
      // a host containerd asks without ?ns= is the registry itself (needsNamespace: docker.io ↔ registry-1.docker.io)
      if (eps.length === 0 || !eps.every((ep) => !needsNamespace(registry, ep.host) && plain(ep))) continue;
      // the pulls that read this folder asked no other host: what containerd did, not only what it would do
      const paths = [d.trace.ctrHostsDir, d.trace.cri].filter((p) => !!p?.doc && p.doc.hostsDir === v.dir);
      const seen = paths.filter((p) => (sawResolver(p!) ? !p!.doc!.attempts.some((a) => a.mirror) : p!.evidence?.mirrorTried === false && p!.evidence.level !== 'unknown'));
      const hosts = [...new Set(eps.map((ep) => `${ep.scheme}://${ep.host}`))];
      // k3s/RKE2 write a folder for a registries.yaml configs entry that names no mirror: nobody asked for one (k3s#12561)
      const dist = facts.distribution;
      const y = dist.registriesYaml;
      const k3sConfigsOnly =
        rewritesFromRegistriesYaml(facts) !== null && dist.certsDir === v.root && y && y.error === undefined &&
        y.keys.some((k) => k.path[0] === 'configs' && k.path[1] === registry) && !y.keys.some((k) => k.path[0] === 'mirrors' && (k.path[1] === registry || k.path[1] === '*'));
      if (k3sConfigsOnly && seen.length === 0) {
        out.push(
          finding('hosts-toml-no-mirror', {
            severity: 'info',
            title: `${dist.kind} wrote this folder for registries.yaml's configs entry, which names no mirror`,
            detail: `${hostsFile(v)} names no mirror: ${dist.kind} writes it from the configs.${JSON.stringify(registry)} entry of ${y.path} (its TLS settings or credentials for ${registry} itself), and registries.yaml has no mirror for ${registry}. Nothing to fix unless a mirror is wanted.`,
            evidence: [wholeFileEvidence(hostsFile(v), `every host is ${registry}'s own`)],
            fix: [`for a mirror: in ${y.path}:\nmirrors:\n  ${JSON.stringify(registry)}:\n    endpoint:\n      - "https://mirror.example.com"`],
          }),
        );
        continue;
      }
      out.push(
        finding('hosts-toml-no-mirror', {
          severity: seen.length > 0 ? 'error' : 'warning',
          detail: `${hostsFile(v)} names no mirror: ${hosts.length === 1 ? `its only host is ${hosts[0]}` : `its hosts are ${hosts.join(', ')}`}, ${registry}'s own, so containerd pulls ${registry} from there as if the folder did not exist.${seen.length > 0 ? ' The traced pull that read it asked no other host.' : ''}`,
          evidence: [
            wholeFileEvidence(hostsFile(v), `every host is ${registry}'s own (containerd adds no ?ns= for it)`),
            ...seen.map((p) => {
              const a = p!.doc!.attempts.find((x) => x.kind === 'resolve');
              return a && sawResolver(p!) ? attemptEvidence(p!, a) : pathEvidence(p!);
            }),
          ],
          fix: [`add the mirror to ${hostsFile(v)} (hosts.toml is read at each pull):\n[host."https://mirror.example.com"]\n  capabilities = ["pull", "resolve"]`],
        }),
      );
    }
    return out;
  },
};
