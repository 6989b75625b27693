/**
 * What the walkthrough's header shows: the node as detected before any pull, read from facts
 * gathered without pulls.
 */
import type { Facts } from '../checks/facts.js';

/** What the header shows: the node as detected before any pull. */
export interface DetectedSetup {
  containerd: { value: string; source: Facts['containerdVersion']['source'] };
  client: string | null;
  server: string | null;
  distribution: Facts['distribution']['kind'];
  generated: boolean;
  socket: string;
  reachable: boolean;
  configFile: string;
  hostRoots: string[];
  /** registries that have a folder in a hosts root (`_default` left out) */
  registries: string[];
}

/** The header facts, from facts gathered without pulls. */
export function detectedSetup(facts: Facts): DetectedSetup {
  const registries: string[] = [];
  for (const h of facts.hostRoots) {
    const e = facts.snapshot.entries[h.root];
    if (!e || e.kind !== 'directory') continue;
    for (const d of e.entries ?? []) {
      if ((d.kind !== 'directory' && d.kind !== 'symlink') || d.name.startsWith('.') || d.name === '_default') continue;
      const m = /^(.+)_(\d+)_$/.exec(d.name);
      const reg = m ? `${m[1]}:${m[2]}` : d.name;
      if (!registries.includes(reg)) registries.push(reg);
    }
  }
  return {
    containerd: { value: facts.containerdVersion.value, source: facts.containerdVersion.source },
    client: facts.versions.ctr.value,
    server: facts.versions.server.value,
    distribution: facts.distribution.kind,
    generated: facts.distribution.generated,
    socket: facts.address,
    reachable: facts.daemon.reachable,
    configFile: facts.configFile,
    hostRoots: facts.hostRoots.map((h) => h.root),
    registries: registries.sort(),
  };
}
