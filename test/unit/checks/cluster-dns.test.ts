/** mirror-cluster-dns-name: which names are cluster DNS names, and where the check finds them (offline). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterDnsSuffix } from '../../../src/checks/mirror-cluster-dns.js';
import { runChecks } from '../../../src/checks/run.js';
import { factsFromFixture } from '../../helpers/facts-fixture.js';

describe('clusterDnsSuffix', () => {
  it.each([
    ['docker-registry.kube-system.svc.cluster.local:5000', '.svc.cluster.local'],
    ['registry.default.svc', '.svc'],
    ['REGISTRY.Default.SVC.cluster.local.', '.svc.cluster.local'],
    ['zot.registry.cluster.local', '.cluster.local'],
    ['mirror.example.com', null],
    ['svc.example.com:443', null],
    ['127.0.0.1:5000', null],
    ['[::1]:5000', null],
    ['.svc', null],
    ['mysvc', null],
  ])('%s → %s', (host, suffix) => {
    expect(clusterDnsSuffix(host)).toBe(suffix);
  });
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A node folder with these files, checked offline with containerd `version`. */
async function check(files: Record<string, string>, version: string) {
  const root = mkdtempSync(join(tmpdir(), 'md-cluster-dns-'));
  dirs.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const run = runChecks(await factsFromFixture(root, { offline: true, containerdVersion: version }));
  return run.findings.filter((f) => f.id === 'mirror-cluster-dns-name');
}

const CONFIG_V3 = 'version = 3\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d"\n';
const HOSTS = 'etc/containerd/certs.d/docker.io/hosts.toml';

describe('mirror-cluster-dns-name, offline', () => {
  it.each([
    ['a mirror named by a Service', { 'etc/containerd/config.toml': CONFIG_V3, [HOSTS]: '[host."http://registry.kube-system.svc:5000"]\n  capabilities = ["pull", "resolve"]\n' }, '2.1.9', 1, /line 1/],
    ['server named by a Service', { 'etc/containerd/config.toml': CONFIG_V3, [HOSTS]: 'server = "https://registry.registry.svc.cluster.local"\n\n[host."https://registry.registry.svc.cluster.local"]\n' }, '2.1.9', 1, /line 1|line 3/],
    ['a mirror with a node-resolvable name', { 'etc/containerd/config.toml': CONFIG_V3, [HOSTS]: '[host."https://mirror.example.com"]\n  capabilities = ["pull", "resolve"]\n' }, '2.1.9', 0, null],
    ['a ClusterIP address', { 'etc/containerd/config.toml': CONFIG_V3, [HOSTS]: '[host."http://10.96.12.7:5000"]\n  capabilities = ["pull", "resolve"]\n' }, '2.1.9', 0, null],
    [
      'a legacy CRI mirror endpoint (config_path empty)',
      { 'etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://docker-registry.default.svc.cluster.local:5000"]\n' },
      '1.7.24',
      1,
      /config\.toml line 3/,
    ],
    [
      'legacy mirrors["*"], used for a registry without its own entry',
      { 'etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."*"]\n  endpoint = ["http://cache.default.svc:5000"]\n' },
      '1.7.24',
      1,
      /config\.toml line 3/,
    ],
    [
      // CRI uses mirrors[host] and never looks at mirrors["*"] then
      'legacy mirrors["*"] next to the registry\'s own entry',
      {
        'etc/containerd/config.toml':
          'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["https://mirror.example.com"]\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."*"]\n  endpoint = ["http://cache.default.svc:5000"]\n',
      },
      '1.7.24',
      0,
      null,
    ],
  ] as const)('%s', async (_name, files, version, count, where) => {
    const found = await check(files, version);
    expect(found.map((f) => f.severity)).toEqual(Array(count).fill('warning'));
    for (const f of found) {
      expect(f.detail).toMatch(/`getent hosts [a-z0-9.-]+` on the node tells/);
      expect(f.fix.some((x) => where!.test(x))).toBe(true);
    }
  });
  it('the fix names the Service to look up and keeps scheme and port', async () => {
    const [f] = await check({ 'etc/containerd/config.toml': CONFIG_V3, [HOSTS]: '[host."http://docker-registry.kube-system.svc.cluster.local:5000"]\n' }, '2.1.9');
    expect(f!.fix[0]).toBe('kubectl -n kube-system get service docker-registry -o wide   # its ClusterIP, and a NodePort if it has one');
    expect(f!.fix[1]).toContain('"http://<ClusterIP>:5000"');
  });
});
