/**
 * The image reference `check` pulls and emulates: the argument, else one for the first registry
 * folder found in the hosts roots, else busybox on Docker Hub.
 */
import type { Facts } from '../checks/facts.js';
import { parseCriReference, parseCtrReference } from '../containerd/reference.js';
import { registryDirNames, registryOfDirName } from './hosts-folder-facts.js';
import type { NodeFileReader } from './node-files.js';

/** The image checked when none is given and no hosts folder names a registry. */
export const DEFAULT_REF = 'docker.io/library/busybox:latest';

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'registry-1.docker.io', 'index.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

/** The image to check for a registry found in a hosts folder. */
export function defaultRefFor(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry) ? DEFAULT_REF : `${registry}/library/busybox:latest`;
}

/** The reference: the argument, else the first registry folder found (the hosts roots already stat'ed). */
export function chooseRef(argument: string | undefined, reader: NodeFileReader, hostRoots: Facts['hostRoots']): Facts['ref'] {
  if (argument !== undefined) return { input: argument, source: 'argument' };
  let found: string | null = null;
  for (const h of hostRoots) {
    const names = registryDirNames(reader, h.root).filter((n) => n !== '_default');
    if (names.length) {
      found = registryOfDirName(names[0]!);
      break;
    }
  }
  return found ? { input: defaultRefFor(found), source: 'hosts-folder' } : { input: DEFAULT_REF, source: 'default' };
}

/** The registry hosts the reference names, as ctr and as CRI parse it. */
export function refHosts(input: string): Set<string> {
  const hosts = new Set<string>();
  for (const r of [parseCtrReference(input), parseCriReference(input)]) if (r.ok) hosts.add(r.ref.hostname);
  return hosts;
}
