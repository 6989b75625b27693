/**
 * Which registries a host serves as a mirror on this node. containerd looks up a hosts folder
 * for the reference's own host only (v2.1.9 core/remotes/docker/config/hosts.go), so a reference
 * that names a mirror is pulled from that mirror directly: no folder of its own is expected.
 */
import { criLegacyHosts } from './cri-legacy-hosts.js';
import { goPathJoin } from './go-url.js';
import { registryOfDirName } from './host-dirs.js';
import { loadHostDir } from './load-host-dir.js';
import { needsNamespace } from './plan.js';
import { lookupEntry, type NodeSnapshot } from './node-snapshot.js';
import type { BehaviourProfile } from './version.js';

export interface MirrorRole {
  /** the registry served (`*`: every registry without a folder, from _default or registry.mirrors."*") */
  registry: string;
  /** where the node says so: a hosts.toml, or a key of CRI's registry.mirrors in config.toml */
  from: { hostsToml: string } | { mirrorsKey: string };
  /** the scheme it is written with there (`http` for a plain-HTTP mirror) */
  scheme: string;
}

/**
 * The registries whose hosts.toml (in `roots`) or CRI `registry.mirrors` name `host` as a mirror,
 * or as the `server` of another registry.
 */
export function mirrorRoles(host: string, roots: string[], legacyMirrors: Record<string, string[]>, snapshot: NodeSnapshot, profile: BehaviourProfile): MirrorRole[] {
  return allMirrorRoles(roots, legacyMirrors, snapshot, profile).get(host) ?? [];
}

/** The registries `host` is a mirror for, each once (what the tracer is told for its path comparison). */
export function mirroredRegistries(host: string, roots: string[], legacyMirrors: Record<string, string[]>, snapshot: NodeSnapshot, profile: BehaviourProfile): string[] {
  return [...new Set(mirrorRoles(host, roots, legacyMirrors, snapshot, profile).map((r) => r.registry))];
}

/** mirrorRoles of every host the folders and registry.mirrors name, in one pass over them. */
export function allMirrorRoles(roots: string[], legacyMirrors: Record<string, string[]>, snapshot: NodeSnapshot, profile: BehaviourProfile): Map<string, MirrorRole[]> {
  const out = new Map<string, MirrorRole[]>();
  const add = (host: string, registry: string, from: MirrorRole['from'], scheme: string) => {
    // a folder (or registry.mirrors key) for the host itself is its own
    if (host === '' || host === registry) return;
    const roles = out.get(host) ?? [];
    if (!roles.some((r) => r.registry === registry && JSON.stringify(r.from) === JSON.stringify(from))) roles.push({ registry, from, scheme });
    out.set(host, roles);
  };
  for (const root of roots) {
    const e = lookupEntry(snapshot, root);
    if (e.kind !== 'directory') continue;
    for (const x of e.entries ?? []) {
      if ((x.kind !== 'directory' && x.kind !== 'symlink') || x.name.startsWith('.')) continue;
      const dir = goPathJoin(root, x.name);
      const loaded = loadHostDir(dir, snapshot, profile);
      if (loaded.source !== 'hosts-toml' || loaded.error !== undefined) continue;
      const registry = x.name === '_default' ? '*' : registryOfDirName(x.name);
      for (const h of loaded.hosts) {
        // a host containerd asks without ?ns= is the registry itself (docker.io's registry-1.docker.io), no mirror
        if (registry !== '*' && !needsNamespace(registry, h.host)) continue;
        add(h.host, registry, { hostsToml: goPathJoin(dir, 'hosts.toml') }, h.scheme);
      }
    }
  }
  for (const key of Object.keys(legacyMirrors)) {
    const legacy = criLegacyHosts(key === '*' ? 'registry.invalid' : key, { [key]: legacyMirrors[key]! }, profile);
    for (const ep of legacy.endpoints) if (ep.kind === 'legacy-mirror') add(ep.host, key, { mirrorsKey: key }, ep.scheme);
  }
  return out;
}
