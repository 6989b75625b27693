/**
 * The files a user names for output: --report FILE, the folder of --save DIR, the TUI's saved
 * report. Each file is readable by its owner only (0600) and is never written through a symbolic
 * link: the text goes into a fresh temporary file beside it (O_CREAT|O_EXCL|O_NOFOLLOW) that is then
 * renamed over the name. A link or a non-regular file at the name is refused up front; one planted
 * later is replaced by the rename, never followed. A regular file at the name is replaced (unless
 * the caller asks for a new file: then it is created exclusively at its name).
 * Every problem is a UsageError naming the option, the file and the reason (exit 2).
 */
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readlinkSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { fileErrorReason, UsageError } from '../errors.js';
import { fileKind, type StatKind } from './file-kind.js';
import type { PathName } from '../trace/compare-paths.js';

/** The raw log of each pull path in a --save folder (`ctr.log`, …). */
export const PATH_LOGS: readonly string[] = (['ctr', 'ctr-hosts-dir', 'cri'] satisfies PathName[]).map((p) => `${p}.log`);

/** What is at a path without following a link there: its lstat, null when nothing is. */
function lstatOrNull(option: string, file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`${option} ${file}: cannot look at it: ${fileErrorReason(e)}`);
  }
}

function linkText(file: string): string {
  try {
    return ` (to ${readlinkSync(file)})`;
  } catch {
    return '';
  }
}

/** The folder `dir` (which exists) can be written into: else a UsageError for `option`. */
function checkWritableFolder(option: string, shown: string, dir: string): void {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new UsageError(`${option} ${shown}: the directory ${dir} ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be opened: ${fileErrorReason(e)}`}`);
  }
  if (!st.isDirectory()) throw new UsageError(`${option} ${shown}: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new UsageError(`${option} ${shown}: cannot write in the directory ${dir}: ${fileErrorReason(e)}`);
  }
}

/** A file name the user gave for output (--report): its absolute path; refuses what cannot or must not be written. */
export function checkOutputFile(option: string, file: string): string {
  if (file.trim() === '') throw new UsageError(`${option} is empty`);
  const abs = path.resolve(file);
  const st = lstatOrNull(option, abs);
  if (st?.isDirectory()) throw new UsageError(`${option} ${file} is a directory; pass a file name, e.g. ${option} report.md`);
  if (st?.isSymbolicLink()) throw new UsageError(`${option} ${file} is a symbolic link${linkText(abs)}; mirror-doctor does not write through links`, 'pass the real path, or a new file name');
  if (st && !st.isFile()) throw new UsageError(`${option} ${file} is ${fileKind(st)}, not a regular file`, 'pass a new file name, or a regular file to replace');
  checkWritableFolder(option, file, path.dirname(abs));
  return abs;
}

/**
 * A folder the user gave for output (--save) and the names of the files that will be written in it:
 * its absolute path. It is created (mode 0700) when missing; an existing one must be a real folder
 * (not a link) of this user that not every user can write into, since the files saved there are
 * replaced on the next run, and none of `files` in it may be a link or other than a regular file.
 */
export function checkOutputFolder(option: string, dir: string, files: readonly string[] = []): string {
  if (dir.trim() === '') throw new UsageError(`${option} is empty`);
  const abs = path.resolve(dir);
  const st = lstatOrNull(option, abs);
  if (st === null) {
    // created on save, with its missing parents: the nearest existing one must take it
    let parent = path.dirname(abs);
    while (parent !== path.dirname(parent) && lstatOrNull(option, parent) === null) parent = path.dirname(parent);
    checkWritableFolder(option, dir, parent);
    return abs;
  }
  const problem = outputFolderProblem(st, process.geteuid?.() ?? null);
  if (problem) throw new UsageError(`${option} ${dir} ${problem}`, 'pass a new directory name (it is created, mode 0700) or a directory of your own');
  checkWritableFolder(option, dir, abs);
  for (const f of files) {
    const at = lstatOrNull(option, path.join(abs, f));
    if (at && !at.isFile()) throw new UsageError(`${option} ${dir}: ${f} in it is ${fileKind(at)}${at.isSymbolicLink() ? linkText(path.join(abs, f)) : ''}; mirror-doctor replaces only regular files there`, `remove ${path.join(dir, f)}, or pass a new directory name`);
  }
  return abs;
}

/** Why an existing path is no folder to save into (pure: its lstat and our uid), or null. */
export function outputFolderProblem(st: StatKind & Pick<Stats, 'uid' | 'mode'>, uid: number | null): string | null {
  if (st.isSymbolicLink()) return 'is a symbolic link; mirror-doctor does not write through links';
  if (!st.isDirectory()) return `exists and is not a directory (it is ${fileKind(st)})`;
  if (uid !== null && st.uid !== uid) return `belongs to another user (uid ${st.uid})`;
  if (st.mode & 0o002) return `can be written by every user (mode ${(st.mode & 0o7777).toString(8)})`;
  return null;
}

/** Makes the --save folder (mode 0700) if missing and checks again what is there now. */
export function makeOutputFolder(option: string, dir: string, files: readonly string[] = []): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new UsageError(`${option} ${dir}: cannot create the directory: ${fileErrorReason(e)}`);
  }
  checkOutputFolder(option, dir, files);
}

export interface WriteOptions {
  /** false: never replace anything at the name (a file or a link there is an OutputExistsError) */
  replace?: boolean;
}

/** Raised when `replace: false` finds the name taken (the TUI then tries another name). */
export class OutputExistsError extends UsageError {}

/**
 * Writes `text` to `file`, mode 0600, never through a link (see the top of this file). `option`
 * names what the file is for in errors ("--report", "--save", "the report").
 */
export function writeOwnerOnly(option: string, file: string, text: string, o: WriteOptions = {}): void {
  const st = lstatOrNull(option, file);
  if (st && o.replace === false) throw new OutputExistsError(`${option} ${file} already exists`);
  if (st?.isSymbolicLink()) throw new UsageError(`${option} ${file} is a symbolic link${linkText(file)}; mirror-doctor does not write through links`, 'pass the real path, or a new file name');
  if (st && !st.isFile()) throw new UsageError(`${option} ${file} is ${fileKind(st)}, not a regular file`);
  // a new name is created where it goes (O_EXCL fails on anything there, a link included); a
  // replacement is written beside it and renamed over it, so no reader sees half of it
  const exclusive = o.replace === false;
  const target = exclusive ? file : path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    if (exclusive && (e as NodeJS.ErrnoException).code === 'EEXIST') throw new OutputExistsError(`${option} ${file} already exists`);
    throw new UsageError(`${option} ${file}: cannot write it: ${fileErrorReason(e)}`);
  }
  try {
    try {
      fchmodSync(fd, 0o600); // the mode asked for, whatever the umask
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (!exclusive) renameSync(target, file);
  } catch (e) {
    try {
      unlinkSync(target);
    } catch {
      /* already renamed or gone */
    }
    throw new UsageError(`${option} ${file}: cannot write it: ${fileErrorReason(e)}`);
  }
}
