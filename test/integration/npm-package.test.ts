/**
 * The npm package as a user gets it: `npm pack` on a copy of the source tree without dist/ (so its
 * prepack must build), `npm install --global --prefix EMPTY` of that tarball (the runtime
 * dependencies come from the npm registry), then the installed `mirror-doctor` and single file run
 * from an empty folder with nothing of this checkout in reach.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';

const REPO = resolve(__dirname, '../..');
const PKG = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
const FIXTURES = join(REPO, 'test/fixtures/nodes');
/** What the tarball may hold: the code-split app, the single file and its checksum, the docs a user opens. */
const ALLOWED = [
  /^package\/package\.json$/,
  /^package\/README\.md$/,
  /^package\/LICENSE$/,
  /^package\/bin\/(mirror-doctor|node-version-gate)\.js$/,
  /^package\/dist\/app\/[\w-]+\.js$/,
  /^package\/dist\/mirror-doctor\.mjs(\.sha256)?$/,
  /^package\/docs\/(checks|explain-json|trace-json|fleet)\.md$/,
];
let tmp: string;
let entries: string[];
let installed: string;
let bin: string;
let cwd: string;
// only the Node.js running the tests and the system's tools: no node_modules/.bin of this checkout
const env = { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: process.env.HOME ?? '/root' };

describe('npm package', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'md-npm-package-'));
    // the source tree as git knows it (tracked and new files, none ignored: no dist/, no node_modules/)
    const src = join(tmp, 'src');
    const files = (await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO })).stdout.split('\0').filter(Boolean);
    for (const f of files) {
      if (!existsSync(join(REPO, f))) continue; // deleted in the working tree
      mkdirSync(dirname(join(src, f)), { recursive: true });
      // a tracked symlink (a fixture's `current -> 1109`) stays a symlink
      if (lstatSync(join(REPO, f)).isSymbolicLink()) symlinkSync(readlinkSync(join(REPO, f)), join(src, f));
      else copyFileSync(join(REPO, f), join(src, f));
    }
    expect(existsSync(join(src, 'dist'))).toBe(false);
    symlinkSync(join(REPO, 'node_modules'), join(src, 'node_modules'));
    const out = join(tmp, 'out');
    mkdirSync(out);
    await execa('npm', ['pack', '--pack-destination', out, '--loglevel=error'], { cwd: src });
    const tarball = join(out, `${PKG.name}-${PKG.version}.tgz`);
    entries = (await execa('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);
    const prefix = join(tmp, 'prefix');
    cwd = join(tmp, 'empty');
    mkdirSync(cwd);
    await execa('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd, env });
    installed = join(prefix, 'lib/node_modules', PKG.name);
    bin = join(prefix, 'bin/mirror-doctor');
  }, 300_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('ships only what runs', () => {
    expect(entries.filter((e) => !ALLOWED.some((re) => re.test(e)))).toEqual([]);
    for (const f of ['bin/mirror-doctor.js', 'dist/app/main.js', 'dist/mirror-doctor.mjs', 'dist/mirror-doctor.mjs.sha256', 'docs/checks.md']) {
      expect(entries).toContain(`package/${f}`);
    }
    expect(entries.length).toBeLessThan(60);
  });

  it('runs `mirror-doctor --version` from the prefix', async () => {
    const r = await execa(bin, ['--version'], { cwd, env, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(PKG.version);
  });

  it('runs `check --offline --root` on a copied node tree', async () => {
    const ok = await execa(bin, ['check', '--offline', '--root', join(FIXTURES, 'mirror-ok')], { cwd, env, reject: false });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/verdict: ok/);
    const bad = await execa(bin, ['check', '--offline', '--json', '--root', join(FIXTURES, 'bad-capability')], { cwd, env, reject: false });
    expect(bad.exitCode, bad.stderr).toBe(1);
    expect((JSON.parse(bad.stdout) as { schema: string }).schema).toBe('mirror-doctor.report/v1');
  });

  it('finds its single file for `fleet manifest`', async () => {
    const r = await execa(bin, ['fleet', 'manifest'], { cwd, env, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(join(installed, 'dist/mirror-doctor.mjs'));
    expect(r.stdout).toMatch(/^kind: DaemonSet$/m);
  });

  it('ships the single file with a checksum that `sha256sum -c` accepts, and it runs', async () => {
    const sum = await execa('sha256sum', ['-c', 'mirror-doctor.mjs.sha256'], { cwd: join(installed, 'dist'), reject: false });
    expect(sum.exitCode, sum.stderr).toBe(0);
    expect(sum.stdout).toBe('mirror-doctor.mjs: OK');
    const r = await execa(process.execPath, [join(installed, 'dist/mirror-doctor.mjs'), 'check', '--offline', '--root', join(FIXTURES, 'mirror-ok')], { cwd, env, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/verdict: ok/);
  });
});
