/**
 * A `[host."…"]` in `_default/hosts.toml` that holds only TLS settings (a CA, a client pair,
 * skip_verify) and no `capabilities`: containerd gives it pull, resolve and push (v2.1.9
 * core/remotes/docker/config/hosts.go parseHostConfig) and `_default` applies it to every registry
 * without a folder of its own (config_unix.go hostPaths), so a CA meant for one registry makes that
 * registry a mirror of all of them (cluster-api-runtime-extensions-nutanix#1039).
 */
import { goPathJoin } from '../containerd/go-url.js';
import { hostDirectoryName } from '../containerd/host-dirs.js';
import { hostsFile, selectedHostDirs } from './derived.js';
import type { Finding } from './finding.js';
import type { Check } from './types.js';
import { fileEvidence, finding, quote, wholeFileEvidence } from './make.js';

export const defaultHostTlsOnly: Check = {
  id: 'default-host-tls-only',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      const dir = v.loaded?.dir;
      if (!dir?.endsWith('/_default') || v.loaded?.source !== 'hosts-toml') continue;
      for (const h of v.loaded.hosts) {
        const tls = h.caCerts.length > 0 || h.clientPairs.length > 0 || h.skipVerify === true;
        if (h.kind !== 'mirror' || !h.capabilitiesDefaulted || !tls || Object.keys(h.header).length > 0 || h.overridePath) continue;
        const own = goPathJoin(v.root, hostDirectoryName(h.host));
        out.push(
          finding('default-host-tls-only', {
            detail:
              `${hostsFile(v)} has [host.${quote(h.written)}] with TLS settings only and no capabilities, so containerd makes ${h.host} a mirror with pull, resolve and push for every registry without a folder of its own: ` +
              `this pull of ${d.registryHost} asks ${h.host} first. TLS settings for ${h.host} itself belong in its own folder, ${own}.`,
            evidence: [h.at ? fileEvidence(facts.snapshot, h.at, 'TLS settings only, no capabilities') : wholeFileEvidence(hostsFile(v), `[host.${quote(h.written)}]`)],
            fix: [
              `if ${h.host} is not meant as a mirror of every registry: remove [host.${quote(h.written)}] from ${hostsFile(v)} and write its TLS settings in ${own}/hosts.toml (server = "https://${h.host}" and the settings at the top), or put its CA as ${own}/ca.crt`,
              `if it is: give it capabilities = ["pull", "resolve"] (push goes to it too, as it stands)`,
            ],
          }),
        );
      }
    }
    return out;
  },
};
