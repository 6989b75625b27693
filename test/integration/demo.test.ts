/**
 * `mirror-doctor demo` as the README runs it, without a terminal: the lab comes up with the broken
 * demo setup, check names the root cause, and the lab is gone afterwards.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

const BIN = resolve(__dirname, '../../bin/mirror-doctor.js');

describe('mirror-doctor demo', () => {
  it('lists the scenarios, the built-in demo first', async () => {
    const r = await execa(process.execPath, [BIN, 'demo', '--list']);
    expect(r.stdout.split('\n')[0]).toMatch(/^demo +config_path is set, but hosts\.toml is in a folder named registry-1\.docker\.io/);
    expect(r.stdout).toMatch(/^cri-config-edited-after-start /m);
  });

  it('runs check on the broken lab (no terminal) and tears the lab down', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'md-demo-'));
    const dir = join(parent, 'lab');
    try {
      const r = await execa(process.execPath, [BIN, 'demo'], {
        reject: false,
        env: { MIRROR_DOCTOR_LAB_DIR: dir, MIRROR_DOCTOR_LAB_PORT_BASE: '5290' },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/verdict: problems — root cause: host-dir-misnamed/);
      expect(r.stdout).toMatch(/registry-1\.docker\.io/);
      expect(existsSync(dir)).toBe(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('refuses an unknown scenario with exit 2', async () => {
    const r = await execa(process.execPath, [BIN, 'demo', '--scenario', 'nope'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown scenario "nope"/);
  });
});
