/**
 * TLS settings written at the top of hosts.toml belong to the `server` entry only (hosts.go
 * parseHostsFile reads the root table as the server's host config): an https mirror in a
 * `[host."…"]` table without its own gets none, and its certificate is checked against the
 * system's CAs. k3s writes registries.yaml's `configs."docker.io".tls` there (k3s#13215).
 */
import { scanToml } from '../containerd/toml-scan.js';
import type { RegistryEndpoint } from '../containerd/configure-hosts.js';
import type { Check } from './types.js';
import { hostsFile, selectedHostDirs } from './derived.js';
import { attemptEvidence, attemptsAt, fileEvidence, finding, rewritesFromRegistriesYaml } from './make.js';
import type { Finding } from './finding.js';

const TLS_KEYS = new Set(['skip_verify', 'ca', 'client']);
/** Servers that need no TLS settings of their own: a public upstream (k3s writes `server = "docker.io"`) */
const PUBLIC = new Set(['docker.io', 'registry-1.docker.io', 'index.docker.io']);

const hasTls = (ep: RegistryEndpoint) => ep.tls.skipVerify === true || ep.tls.caCerts.length > 0 || ep.tls.clientPairs.length > 0;

export const tlsOnServerOnly: Check = {
  id: 'tls-on-server-only',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      const text = v.hostsTomlText;
      if (v.loaded?.source !== 'hosts-toml' || !text) continue;
      const eps = v.configured?.endpoints ?? [];
      const server = eps.find((ep) => ep.kind === 'server');
      const top = scanToml(text).keyValues.filter((k) => k.path.length === 1 && TLS_KEYS.has(k.path[0]!));
      if (!server || !hasTls(server) || top.length === 0) continue;
      const lines = text.split('\n');
      const written = top.map((k) => lines[k.line - 1]!.trim());
      for (const ep of eps.filter((x) => x.kind === 'mirror' && x.scheme === 'https' && !hasTls(x))) {
        const failed = attemptsAt([d.trace.ctrHostsDir, d.trace.cri], ep.host, (o) => o.startsWith('tls-'));
        const dist = facts.distribution;
        const regen = rewritesFromRegistriesYaml(facts) !== null;
        out.push(
          finding('tls-on-server-only', {
            // a public upstream needs no TLS settings: written for it, they were meant for the mirror
            severity: failed.length > 0 ? 'error' : PUBLIC.has(server.host) ? 'warning' : 'info',
            title: `${written.join(', ')} ${written.length === 1 ? 'applies' : 'apply'} to the server ${server.host} only, not to the mirror ${ep.host}`,
            detail:
              `In ${hostsFile(v)}, ${written.join(', ')} ${written.length === 1 ? 'is' : 'are'} at the top of the file, which is the server entry (${server.written || server.host}); the mirror [host."${ep.written}"] has no TLS settings of its own, so containerd checks its certificate against the system's CAs.` +
              (failed.length > 0 ? ` The trace shows the result: ${ep.host} failed on TLS (${failed[0]!.a.outcome}), and containerd moved on to the next host.` : PUBLIC.has(server.host) ? '' : ` If they are meant for ${server.host}, nothing needs to change.`),
            evidence: [...top.map((k) => fileEvidence(facts.snapshot, { file: hostsFile(v), line: k.line, column: k.column })), ...(ep.at ? [fileEvidence(facts.snapshot, ep.at, 'no TLS settings for this host')] : []), ...failed.map(({ p, a }) => attemptEvidence(p, a))],
            fix: regen
              ? [`in /etc/rancher/${dist.kind}/registries.yaml, key the TLS settings by the mirror's host, not by the registry it mirrors:\nconfigs:\n  "${ep.host}":\n    tls:\n      …   # the settings now under configs."${v.lookup.host}"`, `then restart ${dist.kind}: it rewrites ${hostsFile(v)}`]
              : [`in ${hostsFile(v)}, move them under the mirror's table:\n[host."${ep.written}"]\n  ${written.join('\n  ')}`, 'hosts.toml is read at each pull: no restart needed'],
          }),
        );
      }
    }
    return out;
  },
};
