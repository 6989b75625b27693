/**
 * `explain --root` finds the config file the way `check` does (probe/daemon-location.ts
 * locateDaemon): the k3s, RKE2, MicroK8s and k0s layouts, each on a fixture root.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { gatherFacts } from '../../../src/probe/facts.js';
import { captureCliOutput } from '../../helpers/capture-output.js';

const FIX = path.resolve(__dirname, '../../fixtures/nodes');
const cli = captureCliOutput();

const LAYOUTS = [
  { kind: 'k3s', config: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml', dir: '/var/lib/rancher/k3s/agent/etc/containerd/certs.d/docker.io' },
  { kind: 'rke2', config: '/var/lib/rancher/rke2/agent/etc/containerd/config.toml', dir: '/var/lib/rancher/rke2/agent/etc/containerd/certs.d/docker.io' },
  { kind: 'microk8s', config: '/var/snap/microk8s/current/args/containerd.toml', dir: '/var/snap/microk8s/current/args/certs.d/docker.io' },
  // k0s: config_path comes from a drop-in its managed containerd.toml imports
  { kind: 'k0s', config: '/etc/k0s/containerd.toml', dir: '/etc/k0s/certs.d/docker.io' },
];

describe('explain --root on distribution layouts', () => {
  for (const l of LAYOUTS) {
    it(`${l.kind}: reads ${l.config}, so CRI finds its hosts folder and asks the mirror first`, async () => {
      const root = path.join(FIX, `dist-${l.kind}`);
      expect(await main(['node', 'mirror-doctor', 'explain', 'docker.io/library/busybox:latest', '--root', root, '--containerd-version', '1.7.24', '--json'])).toBe(0);
      const j = JSON.parse(cli.out);
      expect(j.config.file).toBe(l.config);
      const cri = j.plans.find((p: { client: string }) => p.client === 'cri');
      expect(cri.hostDirLookup.dir).toBe(l.dir);
      expect(cri.resolve.attempts[0].url).toBe('https://mirror.example.com/v2/library/busybox/manifests/latest?ns=docker.io');
      expect(j.decisions.find((d: { code: string }) => d.code === 'node.distribution').message).toMatch(new RegExp(`^${l.kind} layout`));
      // the same file check reads on that root
      const facts = await gatherFacts({ root, offline: true, containerdVersion: '1.7.24' });
      expect(facts.configFile).toBe(l.config);
      expect(facts.distribution.kind).toBe(l.kind);
    });
  }

  it('--config still wins over the layout, and the layout decision says so', async () => {
    const root = path.join(FIX, 'dist-k0s');
    const given = '/etc/k0s/containerd.d/registry.toml';
    expect(await main(['node', 'mirror-doctor', 'explain', 'busybox', '--root', root, '--config', given, '--containerd-version', '1.7.24', '--json'])).toBe(0);
    const j = JSON.parse(cli.out);
    expect(j.config.file).toBe(given);
    expect(j.decisions.find((d: { code: string }) => d.code === 'node.distribution').message).toContain("(given; k0s's own is /etc/k0s/containerd.toml)");
  });

  it('plain containerd: the default config file, no layout decision', async () => {
    expect(await main(['node', 'mirror-doctor', 'explain', 'busybox', '--root', path.join(FIX, 'mirror-ok'), '--containerd-version', '1.7.24', '--json'])).toBe(0);
    const plain = JSON.parse(cli.out);
    expect(plain.config.file).toBe('/etc/containerd/config.toml');
    expect(plain.decisions.some((d: { code: string }) => d.code === 'node.distribution')).toBe(false);
  });
});
