import { describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { lookupHostDir } from '../../../src/containerd/host-dirs.js';
import { planCri, planCtr, planCtrHostsDir } from '../../../src/containerd/plan.js';
import type { NodeSnapshot } from '../../../src/containerd/node-snapshot.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';
const V2CFG = 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n';

function req(files: NodeSnapshot, v: string, ref: string) {
  const p = profile(v);
  return { ref, snapshot: files, profile: p, config: analyzeConfig(CFG, files, p) };
}
const urls = (plan: ReturnType<typeof planCtr>) => plan.resolve?.attempts.map((a) => a.url + (a.fallbackUrl ? ` then ${a.fallbackUrl}` : '')) ?? [];

describe('plans: the exact requests containerd makes', () => {
  const mirror = snap({
    [CFG]: V2CFG,
    '/etc/containerd/certs.d/docker.io/hosts.toml': '[host."http://127.0.0.1:5101"]\n  capabilities = ["pull", "resolve"]\n',
  });
  it('ctr --hosts-dir: mirror with ?ns=docker.io, then registry-1.docker.io without ns', () => {
    const plan = planCtrHostsDir({ ...req(mirror, '1.7.24', 'docker.io/library/busybox:latest'), hostsDir: '/etc/containerd/certs.d' });
    expect(urls(plan)).toEqual([
      'http://127.0.0.1:5101/v2/library/busybox/manifests/latest?ns=docker.io',
      'https://registry-1.docker.io/v2/library/busybox/manifests/latest',
    ]);
  });
  it('ctr without --hosts-dir: upstream only', () => {
    expect(urls(planCtr(req(mirror, '1.7.24', 'docker.io/library/busybox:latest')))).toEqual(['https://registry-1.docker.io/v2/library/busybox/manifests/latest']);
  });
  it('CRI 1.7 (local) reads config_path and normalises busybox', () => {
    const plan = planCri(req(mirror, '1.7.24', 'busybox'));
    expect(plan.reference?.name).toBe('docker.io/library/busybox:latest');
    expect(urls(plan)[0]).toBe('http://127.0.0.1:5101/v2/library/busybox/manifests/latest?ns=docker.io');
  });
  it('ns is url-encoded: ?ns=myregistry.io%3A5000', () => {
    const s = snap({ '/certs/myregistry.io:5000/hosts.toml': 'server = "https://m.example.com"\n[host."https://mirror.example.com"]\n' });
    const plan = planCtrHostsDir({ ...req(s, '2.1.9', 'myregistry.io:5000/team/app:1.0'), hostsDir: '/certs' });
    expect(urls(plan)).toEqual([
      'https://mirror.example.com/v2/team/app/manifests/1.0?ns=myregistry.io%3A5000',
      'https://m.example.com/v2/team/app/manifests/1.0?ns=myregistry.io%3A5000',
    ]);
  });
  it('a digest reference needs only pull: manifests on every host, then blobs', () => {
    const d = 'sha256:' + 'b'.repeat(64);
    const s = snap({ '/c/docker.io/hosts.toml': '[host."https://m"]\n  capabilities = ["pull"]\n' });
    const plan = planCtrHostsDir({ ...req(s, '2.1.9', `docker.io/library/x@${d}`), hostsDir: '/c' });
    expect(urls(plan)).toEqual([
      `https://m/v2/library/x/manifests/${d}?ns=docker.io`,
      `https://registry-1.docker.io/v2/library/x/manifests/${d}`,
      `https://m/v2/library/x/blobs/${d}?ns=docker.io`,
      `https://registry-1.docker.io/v2/library/x/blobs/${d}`,
    ]);
  });
  it('a pull-only mirror is skipped for tag resolve, with the reason', () => {
    const s = snap({ '/c/docker.io/hosts.toml': '[host."https://m"]\n  capabilities = ["pull"]\n' });
    const plan = planCtrHostsDir({ ...req(s, '2.1.9', 'docker.io/library/x:1'), hostsDir: '/c' });
    expect(urls(plan)).toEqual(['https://registry-1.docker.io/v2/library/x/manifests/1']);
    expect(plan.resolve?.skipped[0]?.reason).toBe('capabilities [pull] lack resolve (resolving a tag needs pull and resolve)');
    expect(plan.fetch?.attempts.map((a) => a.url)).toEqual(['https://m/v2/library/x/manifests/<digest>?ns=docker.io', 'https://registry-1.docker.io/v2/library/x/manifests/<digest>']);
  });
  it.each([
    ['1.6.8', 'https://localhost:5000/v2/app/manifests/1'],
    ['1.6.20', 'http://localhost:5000/v2/app/manifests/1'],
    ['1.7.7', 'https://localhost:5000/v2/app/manifests/1 then http://localhost:5000/v2/app/manifests/1'],
    ['1.7.24', 'https://localhost:5000/v2/app/manifests/1 then http://localhost:5000/v2/app/manifests/1'],
    ['2.1.9', 'https://localhost:5000/v2/app/manifests/1 then http://localhost:5000/v2/app/manifests/1'],
  ])('localhost:5000 upstream on %s → %s', (v, url) => {
    expect(urls(planCtr(req(snap({}), v, 'localhost:5000/app:1')))).toEqual([url]);
  });
  it('localhost:80 → http without skip_verify (port rule)', () => {
    expect(urls(planCtr(req(snap({}), '2.1.9', 'localhost:80/app:1')))).toEqual(['http://localhost:80/v2/app/manifests/1']);
  });
  it.each([
    ['1.6.24', 'http://m:5000/v2/x/manifests/1?ns=r.io'],
    ['1.6.25', 'https://m:5000/v2/x/manifests/1?ns=r.io then http://m:5000/v2/x/manifests/1?ns=r.io'],
  ])('http mirror with skip_verify on %s → %s', (v, url) => {
    const s = snap({ '/c/r.io/hosts.toml': '[host."http://m:5000"]\n  skip_verify = true\n' });
    expect(urls(planCtrHostsDir({ ...req(s, v, 'r.io/x:1'), hostsDir: '/c' }))[0]).toBe(url);
  });
  it('http mirror without port + TLS: 1.7.23 stays http, 1.7.24 tries https first', () => {
    const s = snap({ '/c/r.io/hosts.toml': '[host."http://m"]\n  skip_verify = true\n' });
    expect(urls(planCtrHostsDir({ ...req(s, '1.7.23', 'r.io/x:1'), hostsDir: '/c' }))[0]).toBe('http://m/v2/x/manifests/1?ns=r.io');
    expect(urls(planCtrHostsDir({ ...req(s, '1.7.24', 'r.io/x:1'), hostsDir: '/c' }))[0]).toBe('https://m/v2/x/manifests/1?ns=r.io then http://m/v2/x/manifests/1?ns=r.io');
  });
  it('a missing ca file fails the whole pull with containerd\'s error', () => {
    const s = snap({ '/c/r.io/hosts.toml': '[host."https://m"]\n  ca = "ca.crt"\n' });
    const plan = planCtrHostsDir({ ...req(s, '1.7.24', 'r.io/x:1'), hostsDir: '/c' });
    expect(plan.status).toBe('fails-before-request');
    expect(plan.error).toBe('ctr: failed to resolve reference "r.io/x:1": unable to read CA cert "/c/r.io/ca.crt": open /c/r.io/ca.crt: no such file or directory');
  });
  it('ctr nginx → object required', () => {
    expect(planCtr(req(snap({}), '1.7.24', 'nginx')).error).toBe('ctr: failed to resolve reference "nginx": object required');
  });
  it('CRI 2.1 transfer mode with a colon-list config_path ignores every hosts.toml', () => {
    const s = snap({
      [CFG]: 'version = 3\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"\n',
      '/etc/containerd/certs.d/docker.io/hosts.toml': '[host."http://127.0.0.1:5101"]\n',
    });
    const plan = planCri(req(s, '2.1.9', 'busybox'));
    expect(plan.mode).toBe('transfer');
    expect(urls(plan)).toEqual(['https://registry-1.docker.io/v2/library/busybox/manifests/latest']);
    expect(plan.decisions.map((d) => d.code)).toContain('cri.transfer-colon-list');
  });
  it('the same config with use_local_image_pull = true splits the list and finds the mirror', () => {
    const s = snap({
      [CFG]: 'version = 3\n[plugins."io.containerd.cri.v1.images"]\n  use_local_image_pull = true\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"\n',
      '/etc/containerd/certs.d/docker.io/hosts.toml': '[host."http://127.0.0.1:5101"]\n',
    });
    expect(urls(planCri(req(s, '2.1.9', 'busybox')))[0]).toBe('http://127.0.0.1:5101/v2/library/busybox/manifests/latest?ns=docker.io');
  });
  it('2.2.2 with no config.toml: CRI uses the colon-list default, which transfer mode cannot read', () => {
    const s = snap({ '/etc/containerd/certs.d/docker.io/hosts.toml': '[host."http://m:5000"]\n' });
    const plan = planCri(req(s, '2.2.2', 'busybox'));
    expect(plan.hostRoots).toEqual(['/etc/containerd/certs.d:/etc/docker/certs.d']);
    expect(urls(plan)).toEqual(['https://registry-1.docker.io/v2/library/busybox/manifests/latest']);
  });
  it('server omitted: the upstream is still appended last', () => {
    const s = snap({ '/c/docker.io/hosts.toml': '[host."https://m"]\n' });
    const plan = planCtrHostsDir({ ...req(s, '2.1.9', 'docker.io/library/x:1'), hostsDir: '/c' });
    expect(plan.endpoints.map((e) => `${e.kind} ${e.host}`)).toEqual(['mirror m', 'upstream registry-1.docker.io']);
  });
});

describe('§1.2 host directory lookup', () => {
  const p17 = profile('1.7.24');
  it('host_port_ before host:port before _default', () => {
    const s = snap({ '/c/r.io:5000/hosts.toml': 'x', '/c/r.io_5000_/hosts.toml': 'y', '/c/_default/hosts.toml': 'z' });
    expect(lookupHostDir(['/c'], 'r.io:5000', s, p17).dir).toBe('/c/r.io_5000_');
  });
  it('an empty docker.io directory shadows _default', () => {
    const s = snap({ '/c/docker.io': 'DIR', '/c/_default/hosts.toml': 'z' });
    expect(lookupHostDir(['/c'], 'docker.io', s, p17).dir).toBe('/c/docker.io');
  });
  it('_default is not consulted on 1.6.16, used on 1.6.17', () => {
    const s = snap({ '/c/_default/hosts.toml': 'z' });
    expect(lookupHostDir(['/c'], 'docker.io', s, profile('1.6.16')).dir).toBeUndefined();
    expect(lookupHostDir(['/c'], 'docker.io', s, profile('1.6.17')).dir).toBe('/c/_default');
  });
  it('registry-1.docker.io is never looked up for docker.io', () => {
    const s = snap({ '/c/registry-1.docker.io/hosts.toml': 'z' });
    expect(lookupHostDir(['/c'], 'docker.io', s, p17).dir).toBeUndefined();
  });
  it('a stat error (symlink loop) is returned, not skipped', () => {
    const s: NodeSnapshot = { root: '/', entries: { '/c/docker.io': { kind: 'stat-error', error: { code: 'ELOOP' } } } };
    expect(lookupHostDir(['/c'], 'docker.io', s, p17).error).toBe('stat /c/docker.io: too many levels of symbolic links');
  });
  it('CRI roots: the first root\'s _default shadows the second root\'s registry dir', () => {
    const s = snap({ '/a/_default/hosts.toml': 'x', '/b/docker.io/hosts.toml': 'y' });
    expect(lookupHostDir(['/a', '/b'], 'docker.io', s, p17).dir).toBe('/a/_default');
  });
});
