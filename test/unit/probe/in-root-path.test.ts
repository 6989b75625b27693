/**
 * resolveInRoot over a table standing for a node tree: absolute and relative links, `..` clamped at
 * the root, loops, dangling links, a file in the middle, and every path it asks about.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SYMLINKS, resolveInRootWith, type InRootResolution, type PathStep } from '../../../src/probe/in-root-path.js';

const dir: PathStep = { kind: 'directory' };
const file: PathStep = { kind: 'other' };
const link = (target: string): PathStep => ({ kind: 'symlink', target });

/** A node tree: node path → what lstat finds there (missing paths: ENOENT). */
const TREE: Record<string, PathStep> = {
  '/etc': dir,
  '/etc/containerd': dir,
  '/etc/containerd/config.toml': link('/opt/k8s/containerd.toml'),
  '/etc/containerd/relative.toml': link('../../opt/k8s/containerd.toml'),
  '/etc/containerd/shadow.toml': link('/etc/shadow'),
  '/etc/containerd/escape.toml': link('../../../../../../../etc/shadow'),
  '/etc/containerd/escape-inside.toml': link('../../../../../../../opt/k8s/containerd.toml'),
  '/etc/containerd/certs.d': link('/srv/certs.d'),
  '/etc/containerd/loop': link('loop'),
  '/etc/containerd/ping': link('/etc/containerd/pong'),
  '/etc/containerd/pong': link('ping'),
  '/etc/containerd/dangling': link('/nowhere/x'),
  '/etc/containerd/empty': link(''),
  '/etc/containerd/through-file': link('/opt/k8s/containerd.toml/x'),
  '/etc/containerd/dotdot-after-link': link('certs.d/../certs.d/docker.io'),
  '/etc/locked': { kind: 'error', code: 'EACCES' },
  '/opt': dir,
  '/opt/k8s': dir,
  '/opt/k8s/containerd.toml': file,
  '/srv': dir,
  '/srv/certs.d': dir,
  '/srv/certs.d/docker.io': dir,
  '/srv/certs.d/docker.io/hosts.toml': link('../shared/hosts.toml'),
  '/srv/certs.d/shared': dir,
  '/srv/certs.d/shared/hosts.toml': file,
  // a chain of links: /chain/0 → 1 → … → 45 (a file)
  '/chain': dir,
  ...Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`/chain/${i}`, link(String(i + 1))])),
  '/chain/45': file,
};

function resolve(p: string, followFinal = true): { result: InRootResolution; looked: string[] } {
  const looked: string[] = [];
  const result = resolveInRootWith(
    p,
    (q) => {
      looked.push(q);
      return TREE[q] ?? { kind: 'error', code: 'ENOENT' };
    },
    { followFinal },
  );
  return { result, looked };
}

describe('resolveInRoot', () => {
  it.each<[string, string, InRootResolution]>([
    ['the root itself', '/', { ok: true, path: '/' }],
    ['a plain path', '/opt/k8s/containerd.toml', { ok: true, path: '/opt/k8s/containerd.toml' }],
    ['a relative path starts at the root', 'opt/k8s', { ok: true, path: '/opt/k8s' }],
    ['an absolute link pointing inside is resolved under the root', '/etc/containerd/config.toml', { ok: true, path: '/opt/k8s/containerd.toml' }],
    ['a relative link', '/etc/containerd/relative.toml', { ok: true, path: '/opt/k8s/containerd.toml' }],
    ['an absolute link pointing "outside" names the path under the root (missing there)', '/etc/containerd/shadow.toml', { ok: false, code: 'ENOENT', at: '/etc/shadow' }],
    ['`..` in a link stops at the root', '/etc/containerd/escape.toml', { ok: false, code: 'ENOENT', at: '/etc/shadow' }],
    ['`..` in a link stops at the root (and finds the file there)', '/etc/containerd/escape-inside.toml', { ok: true, path: '/opt/k8s/containerd.toml' }],
    ['`..` in the path stops at the root', '/../../../opt/../opt/k8s', { ok: true, path: '/opt/k8s' }],
    ['a symlinked folder in the middle', '/etc/containerd/certs.d/docker.io/hosts.toml', { ok: true, path: '/srv/certs.d/shared/hosts.toml' }],
    ['`..` after a link is taken from the link\'s target', '/etc/containerd/certs.d/../certs.d/docker.io', { ok: true, path: '/srv/certs.d/docker.io' }],
    ['`..` inside a target is taken from where the link points', '/etc/containerd/dotdot-after-link', { ok: true, path: '/srv/certs.d/docker.io' }],
    ['a link to itself loops', '/etc/containerd/loop', { ok: false, code: 'ELOOP', at: '/etc/containerd/loop' }],
    ['two links pointing at each other loop', '/etc/containerd/ping', { ok: false, code: 'ELOOP', at: '/etc/containerd/ping' }],
    ['a dangling link', '/etc/containerd/dangling', { ok: false, code: 'ENOENT', at: '/nowhere' }],
    ['an empty link target', '/etc/containerd/empty', { ok: false, code: 'ENOENT', at: '/etc/containerd/empty' }],
    ['a file in the middle of the path', '/opt/k8s/containerd.toml/x', { ok: false, code: 'ENOTDIR', at: '/opt/k8s/containerd.toml' }],
    ['a link through a file', '/etc/containerd/through-file', { ok: false, code: 'ENOTDIR', at: '/opt/k8s/containerd.toml' }],
    ['a missing file', '/etc/containerd/hosts.toml', { ok: false, code: 'ENOENT', at: '/etc/containerd/hosts.toml' }],
    ['a missing folder in the middle', '/nope/a/b', { ok: false, code: 'ENOENT', at: '/nope' }],
    ['lstat failing (permission) is the node\'s error', '/etc/locked/x', { ok: false, code: 'EACCES', at: '/etc/locked' }],
    [`${MAX_SYMLINKS} links are followed`, `/chain/${45 - MAX_SYMLINKS}`, { ok: true, path: '/chain/45' }],
    [`${MAX_SYMLINKS + 1} links are too many (ELOOP, as Linux)`, `/chain/${44 - MAX_SYMLINKS}`, { ok: false, code: 'ELOOP', at: `/chain/${45 - 1}` }],
  ])('%s: %s', (_what, p, want) => {
    expect(resolve(p).result).toEqual(want);
  });

  it('followFinal: false leaves the last link as it is (lstat), but resolves the folders before it', () => {
    expect(resolve('/etc/containerd/config.toml', false).result).toEqual({ ok: true, path: '/etc/containerd/config.toml' });
    expect(resolve('/etc/containerd/certs.d/docker.io/hosts.toml', false).result).toEqual({ ok: true, path: '/srv/certs.d/docker.io/hosts.toml' });
    expect(resolve('/etc/containerd/loop', false).result).toEqual({ ok: true, path: '/etc/containerd/loop' });
  });

  it('asks only about absolute, clean node paths whose folders are already resolved (never a link to follow)', () => {
    for (const p of Object.keys(TREE)) {
      for (const q of resolve(p).looked) {
        expect(q).toMatch(/^\/(?:[^/]+(?:\/[^/]+)*)?$/);
        expect(q.split('/')).not.toContain('..');
        expect(q.split('/')).not.toContain('.');
        // every folder above q was looked at and is a real folder of the tree, not a link
        const parts = q.split('/').filter(Boolean);
        for (let i = 1; i < parts.length; i++) expect(TREE[`/${parts.slice(0, i).join('/')}`]).toEqual(dir);
      }
    }
  });

  it('the path to the escaping link is looked at in order, and nothing above the root', () => {
    expect(resolve('/etc/containerd/escape.toml').looked).toEqual(['/etc', '/etc/containerd', '/etc/containerd/escape.toml', '/etc', '/etc/shadow']);
  });
});
