/**
 * `--version` is package.json's version in every form the CLI runs in: the sources (and so the
 * tsc-built modules, which sit at the same depth below package.json), the code-split app bundle
 * and the single file, which runs with no package.json anywhere near it. The two bundles are built
 * here by the real build scripts into a temporary folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { VERSION } from '../../../src/version.js';
import { buildProgram } from '../../../src/cli/main.js';

const REPO = resolve(__dirname, '../../..');
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'md-version-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('the version', () => {
  it('comes from package.json in the sources', () => {
    expect(PACKAGE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(VERSION).toBe(PACKAGE_VERSION);
    expect(buildProgram().version()).toBe(PACKAGE_VERSION);
  });

  it('is baked into the single file, which runs alone in an empty folder', async () => {
    const alone = join(tmp, 'alone');
    mkdirSync(alone);
    await execa(process.execPath, [join(REPO, 'scripts', 'build-single-file.mjs'), join(alone, 'mirror-doctor.mjs')], { cwd: REPO });
    // the file and its checksum, nothing it could read a version from
    expect(readdirSync(alone).sort()).toEqual(['mirror-doctor.mjs', 'mirror-doctor.mjs.sha256']);
    const r = await execa(process.execPath, ['mirror-doctor.mjs', '--version'], { cwd: alone, reject: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, extendEnv: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(PACKAGE_VERSION);
  }, 60_000);

  it('is baked into the code-split app', async () => {
    const app = join(tmp, 'app');
    await execa(process.execPath, [join(REPO, 'scripts', 'build-app.mjs'), app], { cwd: REPO });
    const entry = pathToFileURL(join(app, 'main.js')).href;
    const r = await execa(process.execPath, ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(entry)}); process.exitCode = await main([process.execPath, 'mirror-doctor', '--version']);`], {
      cwd: tmp,
      reject: false,
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(PACKAGE_VERSION);
  }, 60_000);
});
