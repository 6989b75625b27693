/**
 * `server` naming Docker Hub by a name that is not its registry API (`https://docker.io`): containerd
 * uses a written `server` as it is and turns only an empty one into registry-1.docker.io (v2.1.9
 * core/remotes/docker/config/hosts.go ConfigureHosts), so every fallback after the mirrors asks
 * https://docker.io/v2/…, which a containerd maintainer calls "not a valid registry server"
 * (containerd#9778; containerd#9136).
 */
import { hostsFile, selectedHostDirs } from './derived.js';
import type { Finding } from './finding.js';
import type { Check } from './types.js';
import { attemptEvidence, attemptsAt, fileEvidence, finding, quote, wholeFileEvidence } from './make.js';

/** Docker Hub's names that are not its registry API. */
const NOT_API = new Set(['docker.io', 'hub.docker.com', 'www.docker.com']);

export const serverNotRegistryApi: Check = {
  id: 'server-not-registry-api',
  run(facts, d) {
    if (d.registryHost !== 'docker.io') return [];
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      const server = v.configured?.endpoints.find((e) => e.kind === 'server');
      if (!server || !NOT_API.has(server.host.toLowerCase())) continue;
      const failed = attemptsAt([d.trace.ctrHostsDir, d.trace.cri], server.host, (o) => o !== 'ok');
      // a tag that no mirror here may resolve is resolved at the server only: every such pull fails there (containerd#7400)
      const attempts = v.resolve?.attempts ?? [];
      const resolvedThereOnly = attempts.length > 0 && attempts.every((a) => v.configured?.endpoints[a.endpoint] === server);
      out.push(
        finding('server-not-registry-api', {
          severity: failed.length > 0 || resolvedThereOnly ? 'error' : 'warning',
          detail:
            `${hostsFile(v)} sets server = ${quote(server.written)}. containerd uses a written server as it is (only an empty one becomes registry-1.docker.io), so ` +
            (resolvedThereOnly
              ? `the tag ${d.ref?.tag ?? ''} is resolved at ${server.scheme}://${server.host}/v2/… alone (no mirror in this file may resolve a tag), which is Docker Hub's name, not its registry API (registry-1.docker.io): it answers with a web page, and every pull of a tag fails there (unexpected media type text/html).`
              : `the fallback after the mirrors asks ${server.scheme}://${server.host}/v2/…, which is Docker Hub's name, not its registry API (registry-1.docker.io).`) +
            (failed.length > 0 ? ` The trace shows it failing there (${failed[0]!.a.outcome}).` : ''),
          evidence: [server.at ? fileEvidence(facts.snapshot, server.at) : wholeFileEvidence(hostsFile(v), `server = ${quote(server.written)}`), ...failed.map(({ p, a }) => attemptEvidence(p, a))],
          fix: [`in ${hostsFile(v)}${server.at ? ` line ${server.at.line}` : ''}: server = "https://registry-1.docker.io" (or remove the line, which means the same for docker.io); hosts.toml is read at each pull`],
        }),
      );
    }
    return out;
  },
};
