/**
 * Folders in a hosts root that look meant for the registry but are not the name containerd looks
 * up (registry-1.docker.io for docker.io, a wrong port form, another case).
 */
import { goPathClean, goPathJoin, goSplitHostPort } from '../containerd/go-url.js';
import { hostDirectoryName } from '../containerd/host-dirs.js';
import { lookupEntry } from '../containerd/node-snapshot.js';
import type { Facts } from './facts.js';

/** Names of Docker Hub that no pull request goes to (requests go to registry-1.docker.io). */
export const DOCKER_HUB_OTHER_NAMES: readonly string[] = ['index.docker.io', 'registry.hub.docker.com', 'hub.docker.com', 'docker.com', 'registry.docker.io'];

/** Names in a hosts root (snapshot listing, plus the entries the probe stat'ed). */
export function rootNames(facts: Facts, root: string): string[] {
  const names = new Set<string>();
  const e = lookupEntry(facts.snapshot, root);
  if (e.kind === 'directory') for (const x of e.entries ?? []) if (x.kind === 'directory' || x.kind === 'symlink') names.add(x.name);
  const prefix = `${goPathClean(root)}/`;
  for (const f of facts.hostDirEntries) {
    const p = goPathClean(f.path);
    if (p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && f.kind !== 'missing' && f.kind !== 'file') names.add(p.slice(prefix.length));
  }
  for (const [p, v] of Object.entries(facts.snapshot.entries)) {
    if (p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && v.kind === 'directory') names.add(p.slice(prefix.length));
  }
  return [...names].sort();
}

/** Folder names (or registry.mirrors keys: `noun`) that look meant for `host` but are not what containerd looks up. */
export function misnamedFolders(host: string, names: string[], noun: 'folder' | 'key' = 'folder'): Array<{ name: string; why: string }> {
  const ok = new Set([hostDirectoryName(host), host, '_default']);
  const hp = goSplitHostPort(host);
  const bare = (hp?.host ?? host).toLowerCase();
  const port = hp?.port ?? '';
  const out: Array<{ name: string; why: string }> = [];
  for (const name of names) {
    if (ok.has(name)) continue;
    const lower = name.toLowerCase();
    let why: string | undefined;
    if (host === 'docker.io' && (lower === 'registry-1.docker.io' || DOCKER_HUB_OTHER_NAMES.includes(lower))) {
      why = 'Docker Hub images are looked up as docker.io (the reference host), never registry-1.docker.io or index.docker.io';
    } else if (lower === host.toLowerCase() || lower === hostDirectoryName(host).toLowerCase()) {
      why = `${noun} names are case-sensitive`;
    } else if (port && (lower === bare || lower === `${bare}_${port}` || lower === `${bare}${port}` || lower === `${bare}-${port}` || lower === `_${bare}_${port}_`)) {
      why = `a registry with a port is looked up as ${hostDirectoryName(host)} or ${host} (the port must match exactly)`;
    } else if (!port && (lower.startsWith(`${bare}_`) || lower.startsWith(`${bare}:`)) && /^[_:]\d+_?$/.test(lower.slice(bare.length))) {
      why = `the reference has no port, so containerd looks up ${host}; a ${noun} with a port is for ${bare}:<port> references only`;
    } else if (/^https?[_:]/.test(lower) && lower.includes(bare)) {
      why = `the ${noun} name is the registry host, without a scheme`;
    } else if (lower === `${bare}.d` || lower === `${bare}/`) {
      why = `the ${noun} must be named exactly ${host}`;
    }
    if (why) out.push({ name, why });
  }
  return out;
}

/** Folders named for `host` one level down (`<root>/_backup/<host>`): containerd looks only directly under the root. */
export function nestedFolders(facts: Facts, root: string, host: string): Array<{ name: string; why: string; nestedIn: string }> {
  const wanted = new Set([hostDirectoryName(host), host]);
  const out: Array<{ name: string; why: string; nestedIn: string }> = [];
  for (const name of rootNames(facts, root)) {
    if (wanted.has(name) || name === '_default') continue;
    const e = lookupEntry(facts.snapshot, goPathJoin(root, name));
    if (e.kind !== 'directory') continue;
    for (const x of e.entries ?? []) {
      if ((x.kind !== 'directory' && x.kind !== 'symlink') || !wanted.has(x.name)) continue;
      out.push({ name: `${name}/${x.name}`, why: `containerd looks for it directly in ${goPathClean(root)}, never in ${name}/`, nestedIn: name });
    }
  }
  return out;
}

/** Every folder in a hosts root meant for `host` that containerd never reads. */
export function unreadFolders(facts: Facts, root: string, host: string): Array<{ name: string; why: string; nestedIn?: string }> {
  return [...misnamedFolders(host, rootNames(facts, root)), ...nestedFolders(facts, root, host)];
}
