/**
 * `--root` through the built CLI (dist/mirror-doctor.mjs): a --root the user cannot list, one that
 * does not exist and one that is a file each stop with one line and exit 2 (not a report about a
 * made-up node); a copied config.toml linked to /etc/shadow prints nothing of this machine's file.
 * Runs as root (integration tests do) and drops to nobody for the unreadable case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { cliForAnyUser } from '../helpers/cli-for-any-user.js';

const SINGLE_FILE = resolve(__dirname, '../../dist/mirror-doctor.mjs');
const NOBODY = 65534;
let base: string;
let anyUser: ReturnType<typeof cliForAnyUser>;

beforeAll(() => {
  expect(existsSync(SINGLE_FILE), 'run `npm run build` first').toBe(true);
  expect(process.getuid?.(), 'integration tests run as root').toBe(0);
  base = mkdtempSync(join(tmpdir(), 'md-root-option-'));
  chmodSync(base, 0o755);
  anyUser = cliForAnyUser();
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
  anyUser.cleanup();
});

const check = (args: string[], as?: number) =>
  execa(process.execPath, [as !== undefined ? anyUser.path : SINGLE_FILE, 'check', ...args], { reject: false, ...(as !== undefined ? { uid: as, gid: as } : {}), env: { NO_COLOR: '1' } });

describe('check --root', () => {
  it('a folder the user cannot list: one line, exit 2', async () => {
    const locked = join(base, 'locked');
    mkdirSync(locked, { mode: 0o000 });
    chmodSync(locked, 0o000);
    // the copy is readable by nobody up to the locked folder; the tool itself must be too
    const r = await check(['--root', locked, '--offline'], NOBODY);
    expect(r.stderr.split('\n')[0]).toBe(`mirror-doctor: --root ${locked} cannot be listed: permission denied`);
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(2);
  });

  it.each([
    ['missing', () => join(base, 'nope'), 'does not exist'],
    ['a file', () => (writeFileSync(join(base, 'file'), ''), join(base, 'file')), 'is not a directory'],
  ])('%s: one line, exit 2', async (_what, dir, problem) => {
    const r = await check(['--root', dir(), '--offline']);
    expect(r.stderr.split('\n')[0]).toBe(`mirror-doctor: --root ${dir()} ${problem}`);
    expect(r.exitCode).toBe(2);
  });

  it('config.toml -> /etc/shadow in the copy: nothing of this machine\'s /etc/shadow is printed', async () => {
    const node = join(base, 'node');
    mkdirSync(join(node, 'etc/containerd'), { recursive: true });
    symlinkSync('/etc/shadow', join(node, 'etc/containerd/config.toml'));
    const shadow = readFileSync('/etc/shadow', 'utf8').split('\n').filter((l) => l.length > 4);
    expect(shadow.length).toBeGreaterThan(0);
    for (const json of [[], ['--json']]) {
      const r = await check(['docker.io/library/nginx:latest', '--root', node, '--offline', ...json]);
      expect(r.exitCode).toBe(1);
      for (const line of shadow) expect(r.stdout + r.stderr).not.toContain(line);
      expect(r.stdout).toContain('config-missing');
    }
  });
});
