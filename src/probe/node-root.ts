/**
 * The one way to turn a node path into a path on this machine: under `--root` every symlink is
 * resolved as the node would resolve it (src/probe/in-root-path.ts), so a copied tree's
 * `config.toml -> /etc/shadow` names the copy's /etc/shadow, never this machine's, and nothing
 * outside the root is read, stat'ed or listed. The live node (root '/') is left to the kernel.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { resolveInRoot, resolveInRootWith, type InRootOptions, type PathStep } from './in-root-path.js';
import { nodePath as cleanNodePath } from './node-path.js';

/** What resolving needs of the file system (async). */
export interface RootFs {
  lstat(p: string): Promise<Stats>;
  readlink(p: string): Promise<string>;
}

/** What resolving needs of the file system (sync, for option checks before gathering). */
export interface RootFsSync {
  lstatSync(p: string): Stats;
  readlinkSync(p: string): string;
}

export type NodePathResolution =
  /** `hostPath`: where to read the node path on this machine (no symlink left in it under --root) */
  | { ok: true; hostPath: string }
  /** the errno the node would get (ENOENT, ELOOP, ENOTDIR, EACCES, …) and the node path (links resolved) where */
  | { ok: false; code: string; at: string };

function errCode(e: unknown): string {
  const c = (e as NodeJS.ErrnoException | null)?.code;
  return typeof c === 'string' ? c : 'EIO';
}

/** True when paths are the live node's own ('/'): the kernel resolves them. */
export function isLiveRoot(root: string): boolean {
  return path.resolve(root) === '/';
}

/**
 * Where the node path `nodePath` is on this machine. Live node: the path itself (the kernel follows
 * links as containerd's would). Under --root: every link resolved inside the root; `followFinal:
 * false` leaves a final link as it is (for lstat).
 */
export async function resolveNodePath(root: string, nodePath: string, rfs: RootFs = fsp, opts: InRootOptions = {}): Promise<NodePathResolution> {
  if (isLiveRoot(root)) return { ok: true, hostPath: cleanNodePath(nodePath) };
  const base = path.resolve(root);
  const gen = resolveInRoot(nodePath, opts);
  let r = gen.next();
  while (!r.done) {
    const host = path.join(base, r.value);
    let step: PathStep;
    try {
      const st = await rfs.lstat(host);
      step = st.isSymbolicLink() ? { kind: 'symlink', target: await rfs.readlink(host) } : { kind: st.isDirectory() ? 'directory' : 'other' };
    } catch (e) {
      step = { kind: 'error', code: errCode(e) };
    }
    r = gen.next(step);
  }
  return r.value.ok ? { ok: true, hostPath: path.join(base, r.value.path) } : { ok: false, code: r.value.code, at: r.value.at };
}

/** {@link resolveNodePath}, synchronously. */
export function resolveNodePathSync(root: string, nodePath: string, rfs: RootFsSync = fs, opts: InRootOptions = {}): NodePathResolution {
  if (isLiveRoot(root)) return { ok: true, hostPath: cleanNodePath(nodePath) };
  const base = path.resolve(root);
  const look = (p: string): PathStep => {
    const host = path.join(base, p);
    try {
      const st = rfs.lstatSync(host);
      return st.isSymbolicLink() ? { kind: 'symlink', target: rfs.readlinkSync(host) } : { kind: st.isDirectory() ? 'directory' : 'other' };
    } catch (e) {
      return { kind: 'error', code: errCode(e) };
    }
  };
  const r = resolveInRootWith(nodePath, look, opts);
  return r.ok ? { ok: true, hostPath: path.join(base, r.path) } : { ok: false, code: r.code, at: r.at };
}

/** A Node-style error for a node path that cannot be resolved (callers treat it as stat's own failure). */
export function resolutionError(nodePath: string, code: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: ${nodePath}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/** Why `--root DIR` cannot stand in for the node's `/` (missing, not a directory, unreadable), or null. */
export function nodeRootProblem(root: string, sfs: Pick<typeof fs, 'statSync' | 'readdirSync'> = fs): string | null {
  let st: Stats;
  try {
    st = sfs.statSync(root);
  } catch (e) {
    const c = errCode(e);
    return c === 'ENOENT' ? 'does not exist' : c === 'EACCES' ? 'cannot be reached: permission denied' : `cannot be read (${c})`;
  }
  if (!st.isDirectory()) return 'is not a directory';
  try {
    sfs.readdirSync(root);
  } catch (e) {
    const c = errCode(e);
    return c === 'EACCES' ? 'cannot be listed: permission denied' : `cannot be listed (${c})`;
  }
  return null;
}
