/**
 * The hosts folders as gathering reads them: the hosts roots (config_path, --hosts-dir, the
 * distribution's, the defaults), their registry folders and files, and the owner and mode of each.
 */
import { NERDCTL_DEFAULT_HOSTS_DIRS, NERDCTL_TOML, nerdctlHostKeys, nerdctlTomlOptions } from '../containerd/nerdctl-plan.js';
import type { DistributionFact, Facts, HostDirEntryFact } from '../checks/facts.js';
import { goPathClean, goPathJoin } from '../containerd/go-url.js';
import { hostDirectoryName, splitConfigPath } from '../containerd/host-dirs.js';
import { describeHostPath, type InvokingUser, type StatLike } from './host-dir-permissions.js';
import type { NodeFileReader } from './node-files.js';
import { nodePath } from './node-path.js';

/** The hosts roots to read, in order, each stat'ed into the reader's snapshot. */
export async function gatherHostRoots(reader: NodeFileReader, configPath: string, hostsDirOption: string | undefined, distribution: DistributionFact): Promise<Facts['hostRoots']> {
  const hostRoots: Facts['hostRoots'] = [];
  const addRoot = (r: string, reason: Facts['hostRoots'][number]['reason']) => {
    if (r.trim() === '') return;
    const p = nodePath(r);
    if (!hostRoots.some((h) => h.root === p)) hostRoots.push({ root: p, reason });
  };
  for (const r of splitConfigPath(configPath)) addRoot(r, 'config_path');
  if (hostsDirOption !== undefined) addRoot(hostsDirOption, 'hosts-dir-option');
  if (distribution.kind !== 'containerd' && distribution.certsDir) addRoot(distribution.certsDir, 'distribution');
  addRoot('/etc/containerd/certs.d', 'default');
  if ((await reader.stat('/etc/docker/certs.d')).kind !== 'missing') addRoot('/etc/docker/certs.d', 'default');
  for (const h of hostRoots) await reader.stat(h.root);
  return hostRoots;
}

/** Registry folders of a hosts root: directories (or links) that are not hidden. */
export function registryDirNames(reader: NodeFileReader, root: string): string[] {
  const e = reader.snapshot.entries[goPathClean(root)];
  if (!e || e.kind !== 'directory') return [];
  return (e.entries ?? [])
    .filter((d) => (d.kind === 'directory' || d.kind === 'symlink') && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

/** Files beside hosts.toml worth keeping: misnamed hosts files (host.toml, hosts.yaml, …). */
const EXTRA_HOSTS_FILE = /\.(toml|tml|ya?ml|json|conf|txt)$/i;

/** Reads, under each hosts root, the folders of the reference's hosts, then every registry folder and its misnamed hosts files. */
export async function readHostsFolders(reader: NodeFileReader, hostRoots: Facts['hostRoots'], refHosts: ReadonlySet<string>): Promise<void> {
  for (const h of hostRoots) {
    for (const host of refHosts) await reader.readHostRoot(h.root, host);
    for (const name of registryDirNames(reader, h.root).slice(0, 200)) {
      await reader.readHostRoot(h.root, name);
      const dir = goPathJoin(h.root, name);
      const e = reader.snapshot.entries[dir];
      if (e?.kind !== 'directory') continue;
      // a folder for the reference one level down (`_backup/<host>`) is shown with what it holds
      const nested = new Set([...refHosts].flatMap((r) => [hostDirectoryName(r), r]));
      for (const d of e.entries ?? []) if (nested.has(d.name) && d.name !== name) await reader.read(goPathJoin(dir, d.name, 'hosts.toml'), true);
      let n = 0;
      for (const d of e.entries ?? []) {
        if (d.name === 'hosts.toml' || !EXTRA_HOSTS_FILE.test(d.name) || n++ >= 20) continue;
        await reader.read(goPathJoin(dir, d.name));
      }
    }
  }
}

/** Owner, mode and readability (for the invoking user) of the roots, their registry folders and their files. */
export async function describeHostsFolders(root: string, reader: NodeFileReader, hostRoots: Facts['hostRoots'], user: InvokingUser, statFs: StatLike): Promise<HostDirEntryFact[]> {
  const hostDirEntries: HostDirEntryFact[] = [];
  const describe = async (p: string) => {
    try {
      hostDirEntries.push(await describeHostPath(root, p, user, statFs));
    } catch {
      /* describeHostPath does not throw; belt and braces */
    }
  };
  for (const h of hostRoots) {
    await describe(h.root);
    for (const name of registryDirNames(reader, h.root).slice(0, 100)) {
      const dir = goPathJoin(h.root, name);
      await describe(dir);
      const e = reader.snapshot.entries[dir];
      if (e?.kind !== 'directory') continue;
      for (const d of (e.entries ?? []).slice(0, 30)) await describe(goPathJoin(dir, d.name));
    }
  }
  return hostDirEntries;
}

/**
 * nerdctl's files: nerdctl.toml, and each of its hosts dirs with the keys nerdctl looks up (`host:443`
 * first); its dirs that exist join the hosts roots, so the hosts.toml checks judge what nerdctl reads.
 */
export async function readNerdctlFiles(reader: NodeFileReader, registryHosts: string[], hostRoots: Facts['hostRoots']): Promise<void> {
  await reader.read(NERDCTL_TOML, true);
  const dirs = nerdctlTomlOptions(reader.snapshot).hostsDirs ?? NERDCTL_DEFAULT_HOSTS_DIRS;
  for (const dir of dirs) {
    const e = await reader.stat(dir);
    for (const h of registryHosts) for (const k of nerdctlHostKeys(h)) await reader.readHostRoot(dir, k);
    const root = nodePath(dir);
    if (e.kind === 'directory' && !hostRoots.some((r) => r.root === root)) hostRoots.push({ root, reason: 'nerdctl' });
  }
}
