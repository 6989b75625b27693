/**
 * The image reference `check` pulls and emulates: the argument, else one for the first registry
 * folder found in the hosts roots (pulled through that registry's mirror), else busybox on Docker
 * Hub for the file checks only: a default image is never pulled (gatherFacts), so that a check
 * never pulls from a registry the node was not set up for into kubelet's image store.
 */
import type { Facts } from '../checks/facts.js';
import { parseCriReference, parseCtrReference } from '../containerd/reference.js';
import { goPathJoin } from '../containerd/go-url.js';
import { registryOfDirName } from '../containerd/host-dirs.js';
import { loadHostDir } from '../containerd/load-host-dir.js';
import { allMirrorRoles } from '../containerd/mirror-roles.js';
import type { BehaviourProfile } from '../containerd/version.js';
import { registryDirNames } from './hosts-folder-facts.js';
import type { NodeFileReader } from './node-files.js';

/** The image the file checks emulate when none is given and no hosts folder names a registry (never pulled). */
export const DEFAULT_REF = 'docker.io/library/busybox:latest';

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'registry-1.docker.io', 'index.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

/** The image to check for a registry found in a hosts folder. */
export function defaultRefFor(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry) ? DEFAULT_REF : `${registry}/library/busybox:latest`;
}

/** The reference: the argument, else one for the first registry folder (hostsFolderRegistries order; the hosts folders already read). */
export function chooseRef(argument: string | undefined, reader: NodeFileReader, hostRoots: Facts['hostRoots'], profile: BehaviourProfile): Facts['ref'] {
  if (argument !== undefined) return { input: argument, source: 'argument' };
  const first = hostsFolderRegistries(reader, hostRoots, profile)[0];
  return first ? { input: defaultRefFor(first.registry), source: 'hosts-folder', folder: first.folder } : { input: DEFAULT_REF, source: 'default' };
}

/**
 * The registries the hosts roots have folders for, those with a mirror first (docker.io ahead),
 * then a hosts.toml without one, then the rest: certificate-only folders and the mirrors' own
 * folders (Docker's `certs.d/<mirror>/ca.crt`), whose registry is no pull to check a mirror with.
 */
export function hostsFolderRegistries(reader: NodeFileReader, hostRoots: Facts['hostRoots'], profile: BehaviourProfile): Array<{ registry: string; folder: string }> {
  const out: Array<{ registry: string; folder: string; rank: number }> = [];
  const mirrors = allMirrorRoles(hostRoots.map((h) => h.root), {}, reader.snapshot, profile);
  for (const h of hostRoots) {
    for (const name of registryDirNames(reader, h.root)) {
      if (name === '_default' || out.some((r) => r.registry === registryOfDirName(name))) continue;
      const registry = registryOfDirName(name);
      const folder = goPathJoin(h.root, name);
      const loaded = loadHostDir(folder, reader.snapshot, profile);
      const hostsToml = loaded.source === 'hosts-toml' && loaded.error === undefined;
      const isMirror = mirrors.has(registry);
      const rank = isMirror || !hostsToml ? 2 : loaded.hosts.some((x) => x.kind === 'mirror') ? 0 : 1;
      out.push({ registry, folder, rank });
    }
  }
  const hub = (r: string) => (DOCKER_HUB_ALIASES.has(r) ? 0 : 1);
  return out
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => a.rank - b.rank || hub(a.registry) - hub(b.registry) || a.i - b.i)
    .map(({ registry, folder }) => ({ registry, folder }));
}

/** The registry hosts the reference names, as ctr and as CRI parse it. */
export function refHosts(input: string): Set<string> {
  const hosts = new Set<string>();
  for (const r of [parseCtrReference(input), parseCriReference(input)]) if (r.ok) hosts.add(r.ref.hostname);
  return hosts;
}
