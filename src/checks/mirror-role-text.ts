/**
 * The words for a reference that names a mirror itself (Derived.mirrorRoles): it is pulled from
 * that host directly, and no hosts folder of its own is expected.
 */
import type { MirrorRole } from '../containerd/mirror-roles.js';
import { configPosition, registryPath } from './config-locate.js';
import type { Derived } from './derived.js';
import type { Facts } from './facts.js';
import type { Evidence } from './finding.js';
import { fileEvidence, quote, wholeFileEvidence } from './make.js';

function where(r: MirrorRole, facts: Facts): string {
  return 'hostsToml' in r.from ? r.from.hostsToml : `registry.mirrors.${quote(r.from.mirrorsKey)} in ${facts.configFile}`;
}

/** `127.0.0.1:5000 is the mirror this node uses for docker.io (…/docker.io/hosts.toml)` */
export function mirrorRoleText(facts: Facts, d: Derived): string {
  const each = d.mirrorRoles.map((r) => `${r.registry === '*' ? 'every registry without a folder of its own' : r.registry} (${where(r, facts)})`);
  return `${d.registryHost} is the mirror this node uses for ${each.join(', ')}`;
}

export function mirrorRoleEvidence(facts: Facts, d: Derived): Evidence[] {
  return d.mirrorRoles.map((r) => {
    if ('hostsToml' in r.from) return wholeFileEvidence(r.from.hostsToml, `names ${d.registryHost}`);
    const key = r.from.mirrorsKey;
    const at = configPosition(d, [...registryPath(d), 'mirrors', key]) ?? configPosition(d, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors', key]);
    return at ? fileEvidence(facts.snapshot, at) : wholeFileEvidence(facts.configFile, `registry.mirrors.${quote(key)} names ${d.registryHost}`);
  });
}

/** `mirror-doctor check` of the same repository on a registry the host mirrors: the pull that goes through it as a mirror. */
export function mirrorRoleFix(d: Derived): string[] {
  const registry = d.mirrorRoles.find((r) => r.registry !== '*')?.registry;
  if (!registry || !d.ref) return [`mirror-doctor explain ${d.ctrRef}   # what each client does with this reference`];
  return [`mirror-doctor check ${registry}/${d.ref.repository}:${d.ref.tag ?? 'latest'}   # a pull through ${d.registryHost} as the mirror (on a proxy cache the path may differ)`];
}
