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
import { registryDirNames } from './hosts-folder-facts.js';
import type { NodeFileReader } from './node-files.js';

/** The image the file checks emulate when none is given and no hosts folder names a registry (never pulled). */
export const DEFAULT_REF = 'docker.io/library/busybox:latest';

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'registry-1.docker.io', 'index.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

/** The image to check for a registry found in a hosts folder. */
export function defaultRefFor(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry) ? DEFAULT_REF : `${registry}/library/busybox:latest`;
}

/** The reference: the argument, else the first registry folder found (the hosts roots already stat'ed). */
export function chooseRef(argument: string | undefined, reader: NodeFileReader, hostRoots: Facts['hostRoots']): Facts['ref'] {
  if (argument !== undefined) return { input: argument, source: 'argument' };
  const first = hostsFolderRegistries(reader, hostRoots)[0];
  return first ? { input: defaultRefFor(first.registry), source: 'hosts-folder', folder: first.folder } : { input: DEFAULT_REF, source: 'default' };
}

/** Every registry the hosts roots name (one folder each, `_default` left out), in the order chooseRef takes them. */
export function hostsFolderRegistries(reader: NodeFileReader, hostRoots: Facts['hostRoots']): Array<{ registry: string; folder: string }> {
  const out: Array<{ registry: string; folder: string }> = [];
  for (const h of hostRoots) {
    for (const name of registryDirNames(reader, h.root)) {
      if (name === '_default' || out.some((r) => r.registry === registryOfDirName(name))) continue;
      out.push({ registry: registryOfDirName(name), folder: goPathJoin(h.root, name) });
    }
  }
  return out;
}

/** The registry hosts the reference names, as ctr and as CRI parse it. */
export function refHosts(input: string): Set<string> {
  const hosts = new Set<string>();
  for (const r of [parseCtrReference(input), parseCriReference(input)]) if (r.ok) hosts.add(r.ref.hostname);
  return hosts;
}
