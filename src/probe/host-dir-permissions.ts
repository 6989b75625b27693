/**
 * Owner, mode and readability of the hosts folders and their files, for root (containerd) and
 * for the user who invoked mirror-doctor (SUDO_UID when run through sudo): a hosts.toml that only
 * root can read is fine for containerd but not for `ctr --hosts-dir` run as that user, and the
 * other way round a folder the user made may be unreadable to nobody but look fine to them.
 * Readability is computed from the mode bits (and every parent folder's search bit), so it is the
 * same whether mirror-doctor runs as root or not. Never throws.
 */
import * as fsp from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import * as os from 'node:os';
import type { HostDirEntryFact } from '../checks/facts.js';
import { resolutionError, resolveNodePath, type RootFs } from './node-root.js';

export interface InvokingUser {
  uid: number;
  gid: number | null;
  /** every group id of the user (primary included) */
  groups: number[];
  name: string | null;
}

/** lstat/stat of host paths, and readlink to resolve node paths under --root. */
export interface StatLike extends RootFs {
  lstat(p: string): Promise<Stats>;
  stat(p: string): Promise<Stats>;
}

/** The user behind this run: SUDO_UID/SUDO_GID/SUDO_USER when set, else this process's user. */
export function invokingUser(env: NodeJS.ProcessEnv = process.env, etcGroup = '/etc/group'): InvokingUser {
  const sudoUid = env.SUDO_UID !== undefined && /^\d+$/.test(env.SUDO_UID) ? Number(env.SUDO_UID) : null;
  if (sudoUid !== null) {
    const gid = env.SUDO_GID !== undefined && /^\d+$/.test(env.SUDO_GID) ? Number(env.SUDO_GID) : null;
    const name = env.SUDO_USER || null;
    const groups = new Set<number>(gid !== null ? [gid] : []);
    if (name) {
      try {
        for (const line of readFileSync(etcGroup, 'utf8').split('\n')) {
          const [, , g, members] = line.split(':');
          if (g !== undefined && members !== undefined && members.split(',').includes(name)) groups.add(Number(g));
        }
      } catch {
        /* groups from /etc/group are a refinement only */
      }
    }
    return { uid: sudoUid, gid, groups: [...groups], name };
  }
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? null;
  let name: string | null = null;
  try {
    name = os.userInfo().username;
  } catch {
    name = env.USER ?? null;
  }
  const groups = new Set<number>(process.getgroups?.() ?? []);
  if (gid !== null) groups.add(gid);
  return { uid, gid, groups: [...groups], name };
}

/** Permission bit check the kernel way (owner, else group, else other); root passes. */
export function permits(st: Pick<Stats, 'uid' | 'gid' | 'mode'>, user: Pick<InvokingUser, 'uid' | 'groups'>, bit: 4 | 2 | 1): boolean {
  if (user.uid === 0) return true;
  if (st.uid === user.uid) return ((st.mode >> 6) & bit) !== 0;
  if (user.groups.includes(st.gid)) return ((st.mode >> 3) & bit) !== 0;
  return (st.mode & bit) !== 0;
}

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? 'EIO';
}

/**
 * One path (node path, read under `root`): its kind, owner, mode, and whether root and the
 * invoking user can read it (a folder: list it; a file: read it; both need search permission on
 * every parent folder).
 */
export async function describeHostPath(root: string, nodePath: string, user: InvokingUser, fs: StatLike = fsp): Promise<HostDirEntryFact> {
  // a path that does not exist has no readability (null): `kind: 'missing'` says what there is to say
  const fact: HostDirEntryFact = { path: nodePath, kind: 'missing', owner: null, group: null, mode: null, readableByRoot: null, readableByUser: null };
  // the path itself (its parents' links resolved under root; a final link left as it is)
  const self = await resolveNodePath(root, nodePath, fs, { followFinal: false });
  let l: Stats;
  try {
    if (!self.ok) throw resolutionError(nodePath, self.code);
    l = await fs.lstat(self.hostPath);
  } catch (e) {
    if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return fact;
    // we could not even look (mirror-doctor not run as root): unknown for root, no for us
    return { ...fact, kind: 'other', readableByRoot: null, readableByUser: (process.getuid?.() ?? 0) === user.uid ? false : null };
  }
  let st: Stats = l;
  if (l.isSymbolicLink()) {
    fact.kind = 'symlink';
    try {
      const target = await resolveNodePath(root, nodePath, fs);
      if (!target.ok) throw resolutionError(nodePath, target.code);
      st = await fs.stat(target.hostPath);
    } catch {
      // dangling link or loop: nobody can read it
      return { ...fact, owner: l.uid, group: l.gid, mode: l.mode & 0o7777, readableByRoot: false, readableByUser: false };
    }
  } else fact.kind = l.isDirectory() ? 'directory' : l.isFile() ? 'file' : 'other';
  fact.owner = st.uid;
  fact.group = st.gid;
  fact.mode = st.mode & 0o7777;
  fact.readableByRoot = true;
  // every parent folder inside the node needs the search bit
  let parentsOk: boolean | null = true;
  const parts = nodePath.split('/').filter(Boolean);
  for (let i = 0; i < parts.length - 1; i++) {
    try {
      const dir = await resolveNodePath(root, `/${parts.slice(0, i + 1).join('/')}`, fs);
      if (!dir.ok) throw resolutionError(nodePath, dir.code);
      const ds = await fs.stat(dir.hostPath);
      if (!permits(ds, user, 1)) {
        parentsOk = false;
        break;
      }
    } catch {
      parentsOk = null;
      break;
    }
  }
  const selfOk = st.isDirectory() ? permits(st, user, 4) && permits(st, user, 1) : permits(st, user, 4);
  fact.readableByUser = parentsOk === false ? false : parentsOk === null ? null : selfOk;
  return fact;
}
