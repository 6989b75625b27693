/**
 * resolveNodePath over a real copied tree: links resolve under the root, no host path outside the
 * root is ever lstat'ed or read, the live node's paths are left to the kernel, and a --root that
 * cannot stand in for `/` is named.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeRootProblem, resolveNodePath, resolveNodePathSync, type RootFs } from '../../../src/probe/node-root.js';

let base: string;
let root: string;
let outside: string;
beforeEach(() => {
  base = fs.mkdtempSync(join(tmpdir(), 'md-node-root-'));
  root = join(base, 'node');
  outside = join(base, 'outside');
  fs.mkdirSync(join(root, 'etc/containerd/conf.d'), { recursive: true });
  fs.mkdirSync(join(root, 'opt/k8s'), { recursive: true });
  fs.mkdirSync(outside, { recursive: true });
  fs.writeFileSync(join(root, 'opt/k8s/containerd.toml'), 'version = 2\n');
  fs.writeFileSync(join(outside, 'secret'), 'host secret\n');
  fs.symlinkSync('/opt/k8s/containerd.toml', join(root, 'etc/containerd/config.toml'));
  fs.symlinkSync(join(outside, 'secret'), join(root, 'etc/containerd/host.toml'));
  fs.symlinkSync('../../../../../../../../..' + join(outside, 'secret'), join(root, 'etc/containerd/up.toml'));
  fs.symlinkSync(outside, join(root, 'etc/containerd/certs.d'));
  fs.symlinkSync('b', join(root, 'etc/containerd/a'));
  fs.symlinkSync('a', join(root, 'etc/containerd/b'));
});
afterEach(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

/** fs/promises that records every host path it is asked about. */
function recording(): RootFs & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    lstat: (p) => (seen.push(p), fsp.lstat(p)),
    readlink: (p) => (seen.push(p), fsp.readlink(p)),
  };
}

describe('resolveNodePath under --root', () => {
  // [node path, the host path under the root it resolves to, or the errno]
  it.each<[string, { found: string } | { code: string }]>([
    ['/etc/containerd/config.toml', { found: 'opt/k8s/containerd.toml' }],
    ['etc/containerd/config.toml', { found: 'opt/k8s/containerd.toml' }],
    ['/etc/containerd/host.toml', { code: 'ENOENT' }],
    ['/etc/containerd/up.toml', { code: 'ENOENT' }],
    ['/etc/containerd/certs.d/secret', { code: 'ENOENT' }],
    ['/etc/containerd/a', { code: 'ELOOP' }],
    ['/../../etc/containerd/conf.d', { found: 'etc/containerd/conf.d' }],
  ])('%s', async (p, want) => {
    const rec = recording();
    const got = await resolveNodePath(root, p, rec);
    if ('found' in want) expect(got).toEqual({ ok: true, hostPath: join(root, want.found) });
    else expect(got).toMatchObject({ ok: false, code: want.code });
    // nothing outside the root was looked at
    expect(rec.seen.length).toBeGreaterThan(0);
    for (const s of rec.seen) expect(s.startsWith(`${root}/`)).toBe(true);
    // the sync driver agrees
    expect(resolveNodePathSync(root, p)).toEqual(got);
  });

  it('a link pointing outside names the path under the root: found there when the copy has it', async () => {
    fs.mkdirSync(join(root, outside), { recursive: true });
    fs.writeFileSync(join(root, outside, 'secret'), 'the copy\'s own file\n');
    const got = await resolveNodePath(root, '/etc/containerd/host.toml');
    expect(got).toEqual({ ok: true, hostPath: join(root, outside, 'secret') });
  });

  it('followFinal: false keeps the last link (lstat semantics)', async () => {
    expect(await resolveNodePath(root, '/etc/containerd/certs.d', fsp, { followFinal: false })).toEqual({ ok: true, hostPath: join(root, 'etc/containerd/certs.d') });
    expect(await resolveNodePath(root, '/etc/containerd/a', fsp, { followFinal: false })).toEqual({ ok: true, hostPath: join(root, 'etc/containerd/a') });
  });
});

describe('resolveNodePath on the live node (root /)', () => {
  it('the path as it is, nothing looked at: the kernel resolves it as containerd\'s would', async () => {
    const rec = recording();
    expect(await resolveNodePath('/', '/etc/containerd/../containerd/config.toml', rec)).toEqual({ ok: true, hostPath: '/etc/containerd/config.toml' });
    expect(await resolveNodePath('/', 'etc/x', rec)).toEqual({ ok: true, hostPath: '/etc/x' });
    expect(rec.seen).toEqual([]);
  });
});

describe('nodeRootProblem', () => {
  it('a folder that can be listed: none', () => {
    expect(nodeRootProblem(root)).toBeNull();
  });
  it('missing, a file, unreadable', () => {
    expect(nodeRootProblem(join(base, 'nope'))).toBe('does not exist');
    expect(nodeRootProblem(join(root, 'opt/k8s/containerd.toml'))).toBe('is not a directory');
    const eacces = () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    expect(nodeRootProblem(root, { statSync: fs.statSync, readdirSync: eacces } as unknown as typeof fs)).toBe('cannot be listed: permission denied');
    expect(nodeRootProblem(root, { statSync: eacces, readdirSync: fs.readdirSync } as unknown as typeof fs)).toBe('cannot be reached: permission denied');
  });
  it('a folder this user may not list (real permissions; as root the kernel lets root list it)', () => {
    const locked = join(base, 'locked');
    fs.mkdirSync(locked, { mode: 0o000 });
    fs.chmodSync(locked, 0o000);
    expect(nodeRootProblem(locked)).toBe(process.getuid?.() === 0 ? null : 'cannot be listed: permission denied');
    fs.chmodSync(locked, 0o700);
  });
});
