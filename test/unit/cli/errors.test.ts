/**
 * How a command ends on an error: a usage error is one line (and a hint), exit 2, and so is a failed
 * system call; anything else is a bug: its message, one line asking for a report, exit 70, and a
 * stack trace only with MIRROR_DOCTOR_DEBUG set. Through main(), with `checks` made to fail where
 * the test asks it to.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { main } from '../../../src/cli/main.js';
import { BugError, EXIT, failure, UsageError } from '../../../src/errors.js';
import { VERSION } from '../../../src/version.js';
import { captureCliOutput } from '../../helpers/capture-output.js';

const fail = vi.hoisted(() => ({ with: null as unknown }));
vi.mock('../../../src/cli/checks.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/cli/checks.js')>();
  return {
    ...real,
    runChecksCommand: (...args: Parameters<typeof real.runChecksCommand>) => {
      if (fail.with !== null) throw fail.with;
      return real.runChecksCommand(...args);
    },
  };
});

const cli = captureCliOutput();
const run = (...args: string[]) => main(['node', 'mirror-doctor', ...args]);
const STACK_LINE = /\n\s+at /;

afterEach(() => {
  fail.with = null;
  vi.unstubAllEnvs();
});

describe('exit codes', () => {
  it('are 0, 1, 2, 70, and 130/143 for a signal', () => {
    expect(EXIT).toEqual({ ok: 0, problems: 1, usage: 2, bug: 70, interrupted: 130, terminated: 143 });
  });

  it('a usage error: exit 2, the message and the hint, nothing else', async () => {
    expect(await run('checks', 'config-path-unst')).toBe(2);
    expect(cli.err).toBe('mirror-doctor: unknown check id "config-path-unst" (did you mean config-path-unset?)\n  mirror-doctor checks lists every id\n');
    expect(cli.out).toBe('');
  });

  it('a bad option (commander): exit 2', async () => {
    expect(await run('checks', '--jsonn')).toBe(2);
    expect(cli.err).toContain("unknown option '--jsonn'");
    expect(cli.err).not.toMatch(/bug/);
  });

  it('a failed system call is not a bug: exit 2, its message', async () => {
    try {
      readFileSync('/nonexistent-mirror-doctor-dir/report.md');
    } catch (e) {
      fail.with = e;
    }
    expect(await run('checks')).toBe(2);
    expect(cli.err).toBe("mirror-doctor: ENOENT: no such file or directory, open '/nonexistent-mirror-doctor-dir/report.md'\n");
  });

  it('an unexpected error is a bug: exit 70, the message, a request to report it, no stack', async () => {
    fail.with = new TypeError("Cannot read properties of undefined (reading 'layer')");
    expect(await run('checks', 'config-path-unset')).toBe(70);
    expect(cli.err).toBe(
      "mirror-doctor: internal error: Cannot read properties of undefined (reading 'layer')\n" +
        `  This is a bug in mirror-doctor ${VERSION}, not a problem of your setup: please report it with the command line you ran and this output (MIRROR_DOCTOR_DEBUG=1 adds the stack trace).\n`,
    );
    expect(cli.err).not.toMatch(STACK_LINE);
  });

  it('a BugError and a thrown non-error are bugs too', async () => {
    fail.with = new BugError('the assumed containerd version 2.1.9 does not parse');
    expect(await run('checks')).toBe(70);
    expect(cli.err).toMatch(/^mirror-doctor: internal error: the assumed containerd version 2\.1\.9 does not parse\n {2}This is a bug in mirror-doctor/);
    cli.err = '';
    fail.with = 'a string';
    expect(await run('checks')).toBe(70);
    expect(cli.err).toMatch(/^mirror-doctor: internal error: a string\n/);
  });

  it('MIRROR_DOCTOR_DEBUG adds the stack trace of a bug', async () => {
    vi.stubEnv('MIRROR_DOCTOR_DEBUG', '1');
    fail.with = new RangeError('Invalid array length');
    expect(await run('checks')).toBe(70);
    expect(cli.err).toMatch(/^mirror-doctor: internal error: Invalid array length\n {2}This is a bug in mirror-doctor .* and this output\.\nRangeError: Invalid array length\n\s+at /);
  });

  it('the message of a bug is redacted', async () => {
    fail.with = new Error('fetch https://alice:hunter2@mirror.local/v2/ failed: Authorization: Bearer abc.def.ghi');
    expect(await run('checks')).toBe(70);
    expect(cli.err).toContain('mirror-doctor: internal error: fetch https://');
    expect(cli.err).not.toContain('hunter2');
    expect(cli.err).not.toContain('abc.def.ghi');
  });
});

describe('failure()', () => {
  it('formats a usage error without a hint as one line', () => {
    expect(failure(new UsageError('--timeout must be a number'), { version: '1.2.3', debug: true })).toEqual({ exitCode: 2, text: 'mirror-doctor: --timeout must be a number\n' });
  });
  it('names the version in a bug report', () => {
    const f = failure(new Error('boom'), { version: '1.2.3', debug: false });
    expect(f.exitCode).toBe(70);
    expect(f.text).toContain('This is a bug in mirror-doctor 1.2.3');
  });
});
