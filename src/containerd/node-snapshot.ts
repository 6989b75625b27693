/**
 * The node's files as plain data. `src/probe/node-files.ts` fills it; the emulation core
 * only ever reads it. Keys are paths as containerd sees them on the node (absolute, without
 * any `--root` prefix), so a snapshot can be saved and replayed in a test.
 */
import { goPathClean } from './go-url.js';

/** A failed system call, as Go would report it. */
export interface FsError {
  /** errno name: ENOENT, EACCES, ELOOP, ENOTDIR, EISDIR, EIO, … */
  code: string;
}

export type FileContent =
  /** `notUtf8`: the first byte that is not UTF-8 (a latin-1 comment, say), 1-based line and byte column; the text holds U+FFFD there. */
  | { kind: 'text'; text: string; notUtf8?: { line: number; column: number } }
  /** NUL or another control byte at `offset`: not TOML any parser would accept. */
  | { kind: 'binary'; offset: number }
  /** Larger than the probe's limit: not read. */
  | { kind: 'too-large'; limit: number }
  /** A TOML file with more tables, keys and values than the probe analyses (toml-bounds.ts): not parsed. */
  | { kind: 'too-complex'; limit: number };

export interface DirEntry {
  name: string;
  kind: 'file' | 'directory' | 'symlink' | 'other';
}

export type FsEntry =
  | { kind: 'missing' }
  /** stat itself failed with something other than "not exist". */
  | { kind: 'stat-error'; error: FsError }
  | { kind: 'directory'; entries?: DirEntry[]; listError?: FsError }
  | { kind: 'file'; size: number; content?: FileContent; readError?: FsError }
  | { kind: 'other'; description: string };

export interface NodeSnapshot {
  /** The `--root` prefix the files were read under ('/' for the live node). */
  root: string;
  entries: Record<string, FsEntry>;
  /** Glob pattern (node path) → matching node paths, sorted, as Go's filepath.Glob returns them. */
  globs?: Record<string, string[]>;
}

export function emptySnapshot(root = '/'): NodeSnapshot {
  return { root, entries: {} };
}

/** The entry for a node path; paths the probe did not look at count as missing. */
export function lookupEntry(snapshot: NodeSnapshot, path: string): FsEntry {
  return snapshot.entries[goPathClean(path)] ?? { kind: 'missing' };
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
  ENAMETOOLONG: 'file name too long',
};

/** Go's `*PathError` text: `open /x/hosts.toml: permission denied`. */
export function goPathError(op: 'stat' | 'open' | 'read' | 'lstat', path: string, error: FsError): string {
  return `${op} ${path}: ${ERRNO_TEXT[error.code] ?? error.code.toLowerCase()}`;
}

/** Go's `os.IsNotExist`. */
export function isNotExist(error: FsError): boolean {
  return error.code === 'ENOENT';
}
