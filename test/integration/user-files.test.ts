/**
 * The files a user names, through the built CLI (bin/mirror-doctor.js, `npm run build` first): a
 * planted symbolic link at --report or in a --save folder is refused and its target untouched; a
 * file that cannot be read or written (a directory, a named pipe, permission denied) is one line
 * naming it and why, exit 2, never the "internal error" of a bug (parse, --daemon-log, --report,
 * --save, fleet collect); --daemon-log refuses a named pipe at once; `parse` of a named pipe reads
 * it, and a parse waiting on one still stops on Ctrl-C and SIGTERM. Permission denied is real: the CLI runs as nobody (root reads every file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliForAnyUser } from '../helpers/cli-for-any-user.js';

const BIN = resolve(__dirname, '../../bin/mirror-doctor.js');
const NOBODY = 65534;
let tmp: string;
let anyUser: ReturnType<typeof cliForAnyUser>;

beforeAll(() => {
  expect(existsSync(resolve(__dirname, '../../dist/cli/main.js')), 'run `npm run build` first').toBe(true);
  expect(process.geteuid?.(), 'runs as root (to run the CLI as nobody)').toBe(0);
  tmp = mkdtempSync(join(tmpdir(), 'md-user-files-'));
  chmodSync(tmp, 0o755); // nobody may look in, not write
  anyUser = cliForAnyUser();
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  anyUser.cleanup();
});

/** Runs the built CLI in `tmp` (as `uid` when given: the single file, which any user can read) and returns its result. */
function cli(args: string[], uid?: number): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [uid !== undefined ? anyUser.path : BIN, ...args], {
    cwd: tmp,
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp },
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
}

/** Exit 2 with `message` as the first line (and at most a hint), no bug text, no stack. */
function expectUsageError(r: SpawnSyncReturns<string>, message: string | RegExp): void {
  expect(r.error, 'the CLI ran').toBeUndefined();
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  if (typeof message === 'string') expect(lines[0]).toBe(`mirror-doctor: ${message}`);
  else expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|bug in mirror-doctor|\n\s+at /);
}

/** A file of root's, mode 0600, and a link to it: what a planted link would have us overwrite. */
function plantedLink(at: string): string {
  const victim = join(tmp, `victim-${readdirSync(tmp).length}`);
  writeFileSync(victim, 'keep me\n', { mode: 0o644 });
  symlinkSync(victim, at);
  return victim;
}

function expectUntouched(victim: string): void {
  expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
  expect(statSync(victim).mode & 0o777).toBe(0o644);
}

describe('output files: --report and --save', () => {
  it('--report onto a planted link: refused before the run, the link and its target untouched', () => {
    const link = join(tmp, 'ticket.md');
    const victim = plantedLink(link);
    const r = cli(['check', '--offline', '--report', 'ticket.md']);
    expectUsageError(r, `--report ticket.md is a symbolic link (to ${victim}); mirror-doctor does not write through links`);
    expect(r.stdout).toBe('');
    expectUntouched(victim);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('--report over a regular file: replaced, mode 0600, nothing else left in the folder', () => {
    const dir = join(tmp, 'reports');
    mkdirSync(dir);
    writeFileSync(join(dir, 'r.md'), 'old\n', { mode: 0o644 });
    const r = cli(['check', '--offline', '--report', join(dir, 'r.md')]);
    expect([0, 1], r.stderr).toContain(r.status);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toMatch(/^## mirror-doctor report: /);
    expect(statSync(join(dir, 'r.md')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['r.md']);
  });

  it('--save onto a file, a link to a folder, a folder with a planted link: refused, nothing written', () => {
    writeFileSync(join(tmp, 'a-file'), 'x');
    expectUsageError(cli(['check', '--offline', '--save', 'a-file']), '--save a-file exists and is not a directory (it is a regular file)');
    expect(readFileSync(join(tmp, 'a-file'), 'utf8')).toBe('x');

    mkdirSync(join(tmp, 'real-out'));
    symlinkSync(join(tmp, 'real-out'), join(tmp, 'out-link'));
    expectUsageError(cli(['check', '--offline', '--save', 'out-link']), '--save out-link is a symbolic link; mirror-doctor does not write through links');
    expect(readdirSync(join(tmp, 'real-out'))).toEqual([]);

    mkdirSync(join(tmp, 'out'), { mode: 0o700 });
    const victim = plantedLink(join(tmp, 'out', 'facts.json'));
    expectUsageError(cli(['check', '--offline', '--save', 'out']), `--save out: facts.json in it is a symbolic link (to ${victim}); mirror-doctor replaces only regular files there`);
    expectUntouched(victim);
    expect(readdirSync(join(tmp, 'out'))).toEqual(['facts.json']);
  });

  it('trace --save onto a file: refused before anything runs (no containerd needed to say so)', () => {
    writeFileSync(join(tmp, 'trace-out'), 'x');
    expectUsageError(cli(['trace', 'docker.io/library/busybox:latest', '--save', 'trace-out']), '--save trace-out exists and is not a directory (it is a regular file)');
  });

  it('a --save folder that is new: made mode 0700, its files 0600', () => {
    const r = cli(['check', '--offline', '--save', 'new/saved']);
    expect([0, 1], r.stderr).toContain(r.status);
    expect(statSync(join(tmp, 'new', 'saved')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(tmp, 'new', 'saved')).sort()).toEqual(['facts.json', 'report.json', 'report.md']);
    for (const f of readdirSync(join(tmp, 'new', 'saved'))) expect(statSync(join(tmp, 'new', 'saved', f)).mode & 0o777).toBe(0o600);
  });

  it('as a user who cannot write in the folder: one line naming it, before the run', () => {
    expectUsageError(cli(['check', '--offline', '--report', 'r.md'], NOBODY), `--report r.md: cannot write in the directory ${tmp}: permission denied (EACCES)`);
    expectUsageError(cli(['check', '--offline', '--save', 'saved-by-nobody'], NOBODY), `--save saved-by-nobody: cannot write in the directory ${tmp}: permission denied (EACCES)`);
    expect(existsSync(join(tmp, 'r.md'))).toBe(false);
  });
});

describe('input files: parse FILE and --daemon-log FILE', () => {
  const secret = () => {
    const f = join(tmp, 'root-only.log');
    writeFileSync(f, 'time="2024-01-01T00:00:00Z" level=info msg="x"\n', { mode: 0o600 });
    return f;
  };

  it('parse of a file this user cannot read: permission denied, exit 2', () => {
    const f = secret();
    expectUsageError(cli(['parse', f], NOBODY), `${f}: cannot read it: permission denied (EACCES)`);
  });

  it('parse of a directory: exit 2', () => {
    expectUsageError(cli(['parse', tmp]), `${tmp} is a directory, not a log file`);
  });

  it('--daemon-log of a file this user cannot read: refused before the run', () => {
    const f = secret();
    expectUsageError(cli(['check', 'busybox', '--daemon-log', f], NOBODY), `--daemon-log ${f}: cannot read it: permission denied (EACCES)`);
  });

  it('fleet collect of a report or a folder this user cannot read: permission denied, exit 2', () => {
    const f = secret();
    expectUsageError(cli(['fleet', 'collect', f], NOBODY), `${f}: cannot read it: permission denied (EACCES)`);
    const closed = join(tmp, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    expectUsageError(cli(['fleet', 'collect', closed], NOBODY), `${closed}: cannot list the folder: permission denied (EACCES)`);
  });

  it('--daemon-log of a named pipe: refused at once (check and trace), with the way to stream it', () => {
    const fifo = join(tmp, 'log.fifo');
    spawnSync('mkfifo', [fifo]);
    for (const command of [['check', 'busybox'], ['trace', 'busybox']]) {
      const started = Date.now();
      const r = cli([...command, '--daemon-log', fifo]);
      expectUsageError(r, `--daemon-log ${fifo} is a named pipe, not a regular file`);
      expect(r.stderr).toContain(`to read a stream, pass - and redirect it: --daemon-log - < ${fifo}`);
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });

  it('parse of a named pipe reads it; waiting on one with no writer, Ctrl-C and SIGTERM still stop it', async () => {
    const fifo = join(tmp, 'parse.fifo');
    spawnSync('mkfifo', [fifo]);
    // a real containerd log line, of no pull
    const line = readFileSync(resolve(__dirname, '../fixtures/lab/1.7/mirror-404/daemon-start.log'), 'utf8').split('\n').find((l) => l.includes('msg="starting containerd"')) as string;
    const writer = spawn('sh', ['-c', 'printf "%s\\n" "$2" > "$1"', 'sh', fifo, line], { stdio: 'ignore' });
    const written = new Promise((res) => writer.once('exit', res));
    const r = cli(['parse', fifo]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^No image pull found in the input/);
    expect(await written).toBe(0);

    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const p = spawn(process.execPath, [BIN, 'parse', fifo], { cwd: tmp, stdio: 'ignore' });
      await new Promise((res) => setTimeout(res, 1500));
      const exited = new Promise<number | null>((res) => p.once('exit', (c, s) => res(c ?? (s ? 128 + { SIGINT: 2, SIGTERM: 15 }[s as 'SIGINT' | 'SIGTERM'] : null))));
      p.kill(signal);
      const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
      expect(await exited, signal).toBe(code);
      clearTimeout(timer);
    }
  });
});
