/**
 * The files a user names for output (--report, --save, the TUI's report): written 0600 through a
 * temporary file renamed over the name, never through a symbolic link; a regular file is replaced,
 * a link, a named pipe or a directory at the name is refused with one line naming it; a --save
 * folder must be a real directory of ours that not every user can write into.
 */
import { chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOutputFile, checkOutputFolder, makeOutputFolder, OutputExistsError, outputFolderProblem, writeOwnerOnly } from '../../../src/cli/output-files.js';
import { fileKind } from '../../../src/cli/file-kind.js';
import { fileErrorReason, UsageError } from '../../../src/errors.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'md-output-files-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** The error `f` throws (it must throw). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

/** A planted link to a file of someone else's: its content and mode must survive. */
function victim(): string {
  const v = join(tmp, 'victim');
  writeFileSync(v, 'keep me\n', { mode: 0o644 });
  chmodSync(v, 0o644);
  return v;
}

describe('writeOwnerOnly', () => {
  it('a new file: the text, mode 0600 whatever the umask, no temporary file left', () => {
    const old = process.umask(0);
    try {
      writeOwnerOnly('--report', join(tmp, 'r.md'), 'report\n');
    } finally {
      process.umask(old);
    }
    expect(readFileSync(join(tmp, 'r.md'), 'utf8')).toBe('report\n');
    expect(statSync(join(tmp, 'r.md')).mode & 0o777).toBe(0o600);
    expect(readdirSync(tmp)).toEqual(['r.md']);
  });

  it('replaces a regular file (0644 → 0600) by a new one: a hard link to the old one keeps the old text', () => {
    const f = join(tmp, 'r.md');
    writeFileSync(f, 'old\n', { mode: 0o644 });
    linkSync(f, join(tmp, 'other-name'));
    writeOwnerOnly('--report', f, 'new\n');
    expect(readFileSync(f, 'utf8')).toBe('new\n');
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(tmp, 'other-name'), 'utf8')).toBe('old\n');
    expect(statSync(join(tmp, 'other-name')).mode & 0o777).toBe(0o644);
  });

  it('refuses a symbolic link at the name: the link and its target are untouched', () => {
    const v = victim();
    const f = join(tmp, 'r.md');
    symlinkSync(v, f);
    const e = thrown(() => writeOwnerOnly('--report', f, 'new\n'));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe(`--report ${f} is a symbolic link (to ${v}); mirror-doctor does not write through links`);
    expect(readFileSync(v, 'utf8')).toBe('keep me\n');
    expect(statSync(v).mode & 0o777).toBe(0o644);
    expect(lstatSync(f).isSymbolicLink()).toBe(true);
    expect(readdirSync(tmp).sort()).toEqual(['r.md', 'victim']);
  });

  it('refuses a dangling link too (it would create its target)', () => {
    const f = join(tmp, 'r.md');
    symlinkSync(join(tmp, 'created-through-link'), f);
    expect(thrown(() => writeOwnerOnly('--report', f, 'x')).message).toMatch(/is a symbolic link/);
    expect(existsSync(join(tmp, 'created-through-link'))).toBe(false);
  });

  it('refuses a named pipe and a directory at the name, without blocking', () => {
    execFileSync('mkfifo', [join(tmp, 'fifo')]);
    expect(thrown(() => writeOwnerOnly('--report', join(tmp, 'fifo'), 'x')).message).toBe(`--report ${join(tmp, 'fifo')} is a named pipe, not a regular file`);
    mkdirSync(join(tmp, 'dir'));
    expect(thrown(() => writeOwnerOnly('--save', join(tmp, 'dir'), 'x')).message).toBe(`--save ${join(tmp, 'dir')} is a directory, not a regular file`);
  });

  it('replace: false never replaces a file there (the TUI picks another name)', () => {
    const f = join(tmp, 'r.md');
    writeFileSync(f, 'old\n');
    expect(thrown(() => writeOwnerOnly('the report', f, 'new\n', { replace: false }))).toBeInstanceOf(OutputExistsError);
    expect(readFileSync(f, 'utf8')).toBe('old\n');
    writeOwnerOnly('the report', join(tmp, 'r2.md'), 'new\n', { replace: false });
    expect(readFileSync(join(tmp, 'r2.md'), 'utf8')).toBe('new\n');
    expect(statSync(join(tmp, 'r2.md')).mode & 0o777).toBe(0o600);
    expect(readdirSync(tmp).sort()).toEqual(['r.md', 'r2.md']);
  });

  it('a folder that is gone: one line naming the file and the reason', () => {
    const e = thrown(() => writeOwnerOnly('--report', join(tmp, 'nope', 'r.md'), 'x'));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe(`--report ${join(tmp, 'nope', 'r.md')}: cannot write it: no such file or folder (ENOENT)`);
  });
});

describe('checkOutputFile (--report), before anything runs', () => {
  it('a new name or a regular file: its absolute path', () => {
    writeFileSync(join(tmp, 'old.md'), 'x');
    expect(checkOutputFile('--report', join(tmp, 'new.md'))).toBe(join(tmp, 'new.md'));
    expect(checkOutputFile('--report', join(tmp, 'old.md'))).toBe(join(tmp, 'old.md'));
  });

  it.each([
    ['a symbolic link', () => (symlinkSync(victim(), join(tmp, 'l.md')), join(tmp, 'l.md')), /^--report .*l\.md is a symbolic link \(to .*victim\); mirror-doctor does not write through links$/],
    ['a directory', () => tmp, /is a directory; pass a file name/],
    ['a named pipe', () => (execFileSync('mkfifo', [join(tmp, 'p')]), join(tmp, 'p')), /is a named pipe, not a regular file$/],
    ['in a missing directory', () => join(tmp, 'no', 'r.md'), /: the directory .*\/no does not exist$/],
    ['in a path through a file', () => (writeFileSync(join(tmp, 'f'), ''), join(tmp, 'f', 'r.md')), /cannot look at it: a part of the path is not a folder \(ENOTDIR\)$/],
    ['empty', () => ' ', /^--report is empty$/],
  ])('%s: a UsageError', (_, make, msg) => {
    const e = thrown(() => checkOutputFile('--report', make()));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(msg);
  });
});

describe('the --save folder', () => {
  const me = process.geteuid!();
  const dirStat = (o: { uid?: number; mode?: number; link?: boolean; file?: boolean }) => ({
    uid: o.uid ?? me,
    mode: o.mode ?? 0o40700,
    isSymbolicLink: () => !!o.link,
    isDirectory: () => !o.link && !o.file,
    isFile: () => !!o.file,
    isFIFO: () => false,
    isSocket: () => false,
    isCharacterDevice: () => false,
    isBlockDevice: () => false,
  });

  it('outputFolderProblem: ours and not world-writable is fine; a link, a file, another owner, mode o+w are not', () => {
    expect(outputFolderProblem(dirStat({}), me)).toBeNull();
    expect(outputFolderProblem(dirStat({ mode: 0o40775 }), me)).toBeNull();
    expect(outputFolderProblem(dirStat({ link: true }), me)).toBe('is a symbolic link; mirror-doctor does not write through links');
    expect(outputFolderProblem(dirStat({ file: true }), me)).toBe('exists and is not a directory (it is a regular file)');
    expect(outputFolderProblem(dirStat({ uid: me + 1 }), me)).toBe(`belongs to another user (uid ${me + 1})`);
    expect(outputFolderProblem(dirStat({ mode: 0o41777 }), me)).toBe('can be written by every user (mode 1777)');
    expect(outputFolderProblem(dirStat({ uid: 12345 }), null)).toBeNull(); // no uids (Windows)
  });

  it('a missing folder (and parents) is created mode 0700 at save time', () => {
    const d = join(tmp, 'a', 'b');
    expect(checkOutputFolder('--save', d)).toBe(d);
    expect(existsSync(d)).toBe(false);
    makeOutputFolder('--save', d);
    expect(statSync(d).mode & 0o777).toBe(0o700);
  });

  it('refuses a link to a folder, a file, a folder of another user, a world-writable one', () => {
    mkdirSync(join(tmp, 'real'));
    symlinkSync(join(tmp, 'real'), join(tmp, 'link'));
    writeFileSync(join(tmp, 'file'), '');
    // root makes a folder of nobody's; any other user has / (root's)
    const theirs = me === 0 ? join(tmp, 'theirs') : '/';
    if (me === 0) {
      mkdirSync(theirs);
      chownSync(theirs, 65534, 65534);
    }
    mkdirSync(join(tmp, 'open'));
    chmodSync(join(tmp, 'open'), 0o1777);
    const message = (d: string) => thrown(() => checkOutputFolder('--save', join(tmp, d))).message;
    expect(message('link')).toBe(`--save ${join(tmp, 'link')} is a symbolic link; mirror-doctor does not write through links`);
    expect(message('file')).toBe(`--save ${join(tmp, 'file')} exists and is not a directory (it is a regular file)`);
    expect(thrown(() => checkOutputFolder('--save', theirs)).message).toBe(`--save ${theirs} belongs to another user (uid ${me === 0 ? 65534 : 0})`);
    expect(message('open')).toMatch(/ can be written by every user \(mode 1777\)$/);
    // the same checks once more at save time, after the folder has been made
    expect(thrown(() => makeOutputFolder('--save', join(tmp, 'link'))).message).toMatch(/is a symbolic link/);
  });

  it('refuses a folder where one of the files to save is a link, before the run', () => {
    mkdirSync(join(tmp, 'out'), { mode: 0o700 });
    const v = victim();
    symlinkSync(v, join(tmp, 'out', 'report.md'));
    const e = thrown(() => checkOutputFolder('--save', join(tmp, 'out'), ['facts.json', 'report.md']));
    expect(e.message).toBe(`--save ${join(tmp, 'out')}: report.md in it is a symbolic link (to ${v}); mirror-doctor replaces only regular files there`);
    expect(readFileSync(v, 'utf8')).toBe('keep me\n');
  });
});

describe('words for what is at a path and why a file failed', () => {
  it('fileKind', () => {
    mkdirSync(join(tmp, 'd'));
    writeFileSync(join(tmp, 'f'), '');
    execFileSync('mkfifo', [join(tmp, 'p')]);
    symlinkSync('f', join(tmp, 'l'));
    expect(['d', 'f', 'p', 'l'].map((n) => fileKind(lstatSync(join(tmp, n))))).toEqual(['a directory', 'a regular file', 'a named pipe', 'a symbolic link']);
    expect(fileKind(lstatSync('/dev/null'))).toBe('a device');
  });

  it('fileErrorReason: words and the code; an unknown code as it is; an error without a code: its message', () => {
    expect(fileErrorReason(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('permission denied (EACCES)');
    expect(fileErrorReason(Object.assign(new Error('x'), { code: 'EROFS' }))).toBe('read-only file system (EROFS)');
    expect(fileErrorReason(Object.assign(new Error('x'), { code: 'EWHATEVER' }))).toBe('EWHATEVER');
    expect(fileErrorReason(new Error('plain'))).toBe('plain');
  });
});
