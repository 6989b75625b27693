/**
 * Which registries a host serves as a mirror on this node. containerd looks up a hosts folder
 * for the reference's own host only (v2.1.9 core/remotes/docker/config/hosts.go), so a reference
 * that names a mirror is pulled from that mirror directly: no folder of its own is expected.
 */
import { criLegacyHosts } from './cri-legacy-hosts.js';
import { goPathJoin } from './go-url.js';
import { hostDirectoryName, registryOfDirName } from './host-dirs.js';
import { loadHostDir } from './load-host-dir.js';
import { lookupEntry, type NodeSnapshot } from './node-snapshot.js';
import type { BehaviourProfile } from './version.js';

const DOCKER_HUB_HOSTS = new Set(['registry-1.docker.io', 'index.docker.io']);

export interface MirrorRole {
  /** the registry served (`*`: every registry without a folder, from _default or registry.mirrors."*") */
  registry: string;
  /** where the node says so: a hosts.toml, or a key of CRI's registry.mirrors in config.toml */
  from: { hostsToml: string } | { mirrorsKey: string };
}

/**
 * The registries whose hosts.toml (in `roots`) or CRI `registry.mirrors` name `host` as a mirror,
 * or as the `server` of another registry.
 */
export function mirrorRoles(host: string, roots: string[], legacyMirrors: Record<string, string[]>, snapshot: NodeSnapshot, profile: BehaviourProfile): MirrorRole[] {
  const out: MirrorRole[] = [];
  const add = (registry: string, from: MirrorRole['from']) => {
    if (registry !== host) out.push({ registry, from });
  };
  const own = new Set([host, hostDirectoryName(host)]);
  for (const root of roots) {
    const e = lookupEntry(snapshot, root);
    if (e.kind !== 'directory') continue;
    for (const x of e.entries ?? []) {
      if ((x.kind !== 'directory' && x.kind !== 'symlink') || own.has(x.name) || x.name.startsWith('.')) continue;
      const dir = goPathJoin(root, x.name);
      const loaded = loadHostDir(dir, snapshot, profile);
      if (loaded.source !== 'hosts-toml' || loaded.error !== undefined) continue;
      const registry = x.name === '_default' ? '*' : registryOfDirName(x.name);
      // the registry's own API host as its server (docker.io's registry-1.docker.io) is no mirror
      if (registry === 'docker.io' && DOCKER_HUB_HOSTS.has(host) && loaded.hosts.every((h) => h.host !== host || h.kind === 'server')) continue;
      if (loaded.hosts.some((h) => h.host === host)) add(registry, { hostsToml: goPathJoin(dir, 'hosts.toml') });
    }
  }
  for (const key of Object.keys(legacyMirrors)) {
    if (key === host) continue;
    const legacy = criLegacyHosts(key === '*' ? 'registry.invalid' : key, { [key]: legacyMirrors[key]! }, profile);
    if (legacy.endpoints.some((ep) => ep.kind === 'legacy-mirror' && ep.host === host)) add(key, { mirrorsKey: key });
  }
  return out;
}
