/**
 * A CA certificate containerd does not use for the https host that needs it. The CA of a host in
 * hosts.toml comes only from its own `ca` key: a `*.crt` beside hosts.toml is read only when there
 * is no hosts.toml (Docker-style fallback), and a folder named for the mirror serves only images
 * whose reference names the mirror, not pulls of docker.io through it (hosts.go loadHostDir,
 * HostDirFromRoot). Docker's layout, `/etc/docker/certs.d/<mirror>/ca.crt`, teaches the opposite.
 */
import { hostDirectoryName } from '../containerd/host-dirs.js';
import type { RegistryEndpoint } from '../containerd/configure-hosts.js';
import { goPathJoin } from '../containerd/go-url.js';
import { lookupEntry, type NodeSnapshot } from '../containerd/node-snapshot.js';
import type { Check } from './types.js';
import { selectedHostDirs, hostsFile, type HostDirView } from './derived.js';
import { attemptEvidence, attemptsAt, fileEvidence, finding } from './make.js';
import type { Evidence, Finding } from './finding.js';

/** Certificate files (`*.crt`, `*.pem`) directly in a folder. */
function certFiles(snapshot: NodeSnapshot, dir: string): string[] {
  const e = lookupEntry(snapshot, dir);
  if (e.kind !== 'directory') return [];
  return (e.entries ?? []).filter((f) => f.kind !== 'directory' && /\.(crt|pem)$/.test(f.name)).map((f) => goPathJoin(dir, f.name)).sort();
}

/** The unused CA files for one https host of a hosts.toml that sets no `ca` for it, and why each is not read. */
function unusedFor(snapshot: NodeSnapshot, v: HostDirView, ep: RegistryEndpoint): Array<{ file: string; why: string }> {
  const dir = v.dir as string;
  const beside = certFiles(snapshot, dir).map((file) => ({ file, why: `it is beside ${hostsFile(v)}, and containerd reads certificate files of a folder only when it has no hosts.toml` }));
  const own = [...new Set([hostDirectoryName(ep.host), ep.host])]
    .map((name) => goPathJoin(v.root, name))
    .filter((other) => other !== dir)
    .flatMap((other) => certFiles(snapshot, other))
    .map((file) => ({ file, why: `its folder serves images whose reference names ${ep.host}; pulls of ${v.lookup.host} read ${hostsFile(v)}, where only a ca key sets the CA of ${ep.host}` }));
  return [...beside, ...own];
}

export const caFileUnused: Check = {
  id: 'ca-file-unused',
  run(facts, d) {
    const out: Finding[] = [];
    for (const v of selectedHostDirs(d)) {
      if (v.loaded?.source !== 'hosts-toml' || !v.dir) continue;
      const endpoints = (v.configured?.endpoints ?? []).filter((ep) => ep.kind !== 'upstream');
      // a CA file some host's ca names is used; where mirrors are configured, the server is mostly a public registry
      const used = new Set(endpoints.flatMap((ep) => ep.tls.caCerts));
      const hasMirror = endpoints.some((ep) => ep.kind !== 'server');
      for (const ep of endpoints) {
        if ((hasMirror && ep.kind === 'server') || ep.scheme !== 'https' || ep.tls.caCerts.length > 0 || ep.tls.skipVerify === true) continue;
        const unused = unusedFor(facts.snapshot, v, ep).filter((u) => !used.has(u.file));
        if (unused.length === 0) continue;
        const failed = attemptsAt([d.trace.ctrHostsDir, d.trace.cri], ep.host, (o) => o === 'tls-unknown-authority');
        const evidence: Evidence[] = [
          ...(ep.at ? [fileEvidence(facts.snapshot, ep.at, 'no ca for this host')] : []),
          ...unused.map((u) => ({ kind: 'file' as const, source: u.file, text: 'not read for this host' })),
          ...failed.map(({ p, a }) => attemptEvidence(p, a)),
        ];
        const files = unused.map((u) => u.file);
        out.push(
          finding('ca-file-unused', {
            severity: failed.length > 0 ? 'error' : 'warning',
            title: `${files.length === 1 ? `${files[0]} is` : `${files.join(', ')} are`} not used for ${ep.host}`,
            detail: `${ep.host} is a ${ep.kind === 'mirror' ? 'mirror' : 'server'} in ${hostsFile(v)} without a ca key, so containerd checks its certificate against the system's CAs only. ${unused.map((u) => `${u.file} is not read for it: ${u.why}.`).join(' ')}${failed.length > 0 ? ` The trace shows the result: ${ep.host}'s certificate is signed by an unknown authority, and containerd ${ep.kind === 'mirror' ? 'moved on to the next host' : 'failed the pull'}.` : ''}`,
            evidence,
            fix: [`in ${hostsFile(v)}, under [host."${ep.written}"]: ca = "${files[0]}"`, 'hosts.toml is read at each pull: no restart needed'],
          }),
        );
      }
    }
    return out;
  },
};
