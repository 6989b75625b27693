/**
 * `mirror-doctor demo` as the README runs it, without a terminal: the lab comes up with the broken
 * demo setup, check names the root cause, exits 1 (problems found, as every command), and the lab
 * is gone afterwards; a healthy scenario exits 0; a normal user is refused before anything starts.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { cliForAnyUser } from '../helpers/cli-for-any-user.js';

const BIN = resolve(__dirname, '../../bin/mirror-doctor.js');
const PORT_BASE = String(5290 + (Number(process.env.MIRROR_DOCTOR_TEST_PORT_SHIFT ?? 0) || 0));

async function demo(args: string[]): Promise<{ r: Awaited<ReturnType<typeof execa>>; labLeft: boolean }> {
  const parent = mkdtempSync(join(tmpdir(), 'md-demo-'));
  const dir = join(parent, 'lab');
  try {
    const r = await execa(process.execPath, [BIN, 'demo', ...args], { reject: false, env: { MIRROR_DOCTOR_LAB_DIR: dir, MIRROR_DOCTOR_LAB_PORT_BASE: PORT_BASE } });
    return { r, labLeft: existsSync(dir) };
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

describe('mirror-doctor demo', () => {
  it('lists the scenarios, the built-in demo first', async () => {
    const r = await execa(process.execPath, [BIN, 'demo', '--list']);
    expect(r.stdout.split('\n')[0]).toMatch(/^demo +config_path is set, but hosts\.toml is in a folder named registry-1\.docker\.io/);
    expect(r.stdout).toMatch(/^cri-config-edited-after-start /m);
  });

  it('runs check on the broken lab (no terminal): problems found, exit 1, and tears the lab down', async () => {
    const { r, labLeft } = await demo([]);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    expect(r.stdout).toMatch(/verdict: problems — root cause: host-dir-misnamed/);
    expect(r.stdout).toMatch(/registry-1\.docker\.io/);
    expect(labLeft).toBe(false);
  });

  it('a healthy scenario: exit 0', async () => {
    const { r, labLeft } = await demo(['--scenario', 'mirror-ok']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(r.stdout).toMatch(/verdict: ok/);
    expect(labLeft).toBe(false);
  });

  it('a normal user is refused in one line, with the command to run, exit 2', async () => {
    const anyUser = cliForAnyUser();
    const r = await execa('runuser', ['-u', 'nobody', '--', process.execPath, anyUser.path, 'demo', '--scenario', 'mirror-404'], { reject: false, cwd: tmpdir() }).finally(anyUser.cleanup);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('mirror-doctor: the demo runs real containerd daemons and needs root\n  run: sudo mirror-doctor demo --scenario mirror-404');
  });

  it('refuses an unknown scenario with exit 2', async () => {
    const r = await execa(process.execPath, [BIN, 'demo', '--scenario', 'nope'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown scenario "nope"/);
  });
});
