/**
 * nerdctl's host resolution, emulated from nerdctl's own source (each case names the file at v2.3.5).
 */
import { describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { nerdctlHostKeys, nerdctlTomlOptions, planNerdctl, type NerdctlOptions } from '../../../src/containerd/nerdctl-plan.js';
import { profile, snap, type FakeFile } from './helpers.js';

const SRC = 'https://github.com/containerd/nerdctl/blob/v2.3.5';
const MIRROR = 'server = "https://reg.example.com"\n[host."https://mirror.example.net"]\n  capabilities = ["pull", "resolve"]\n';

interface Case {
  name: string;
  /** nerdctl source that fixes the expected behaviour */
  source: string;
  version: string;
  ref: string;
  files: Record<string, FakeFile>;
  nerdctl?: NerdctlOptions;
  dir: string | null;
  firstUrl: string;
  decision?: string;
}

const CASES: Case[] = [
  {
    name: 'a host dir in /etc/docker/certs.d is found when /etc/containerd/certs.d has none (client-side, containerd 1.7)',
    source: `${SRC}/pkg/imgutil/dockerconfigresolver/hostsstore.go#L47-L67`,
    version: '1.7.24',
    ref: 'reg.example.com/app:1',
    files: { '/etc/containerd/certs.d/other.example.com/hosts.toml': MIRROR, '/etc/docker/certs.d/reg.example.com/hosts.toml': MIRROR },
    dir: '/etc/docker/certs.d/reg.example.com',
    firstUrl: 'https://mirror.example.net/v2/app/manifests/1?ns=reg.example.com',
  },
  {
    name: 'the host key gets :443 first: a folder named host:443 wins over host',
    source: `${SRC}/pkg/imgutil/dockerconfigresolver/registryurl.go#L50-L54`,
    version: '1.7.24',
    ref: 'reg.example.com/app:1',
    files: { '/etc/containerd/certs.d/reg.example.com:443/hosts.toml': MIRROR, '/etc/containerd/certs.d/reg.example.com/hosts.toml': 'server = "https://reg.example.com"\n' },
    dir: '/etc/containerd/certs.d/reg.example.com:443',
    firstUrl: 'https://mirror.example.net/v2/app/manifests/1?ns=reg.example.com',
  },
  {
    name: '_default of the first dir matches host:443 before the plain host folder is tried',
    source: `${SRC}/pkg/imgutil/dockerconfigresolver/hostsstore.go#L52-L64`,
    version: '1.6.20',
    ref: 'reg.example.com/app:1',
    files: { '/etc/containerd/certs.d/_default/hosts.toml': 'server = "https://reg.example.com"\n', '/etc/containerd/certs.d/reg.example.com/hosts.toml': MIRROR },
    dir: '/etc/containerd/certs.d/_default',
    firstUrl: 'https://reg.example.com/v2/app/manifests/1',
  },
  {
    name: 'docker.io is looked up as docker.io (index.docker.io mapped back)',
    source: `${SRC}/pkg/imgutil/dockerconfigresolver/dockerconfigresolver.go#L89-L97`,
    version: '1.7.24',
    ref: 'nginx:1.27',
    files: { '/etc/containerd/certs.d/docker.io/hosts.toml': 'server = "https://registry-1.docker.io"\n[host."https://mirror.example.net"]\n  capabilities = ["pull", "resolve"]\n' },
    dir: '/etc/containerd/certs.d/docker.io',
    firstUrl: 'https://mirror.example.net/v2/library/nginx/manifests/1.27?ns=docker.io',
  },
  {
    name: 'a loopback registry gets DefaultScheme http: no HTTPS attempt',
    source: `${SRC}/pkg/imgutil/dockerconfigresolver/dockerconfigresolver.go#L128-L137`,
    version: '1.7.24',
    ref: 'localhost:5000/app:1',
    files: {},
    dir: null,
    firstUrl: 'http://localhost:5000/v2/app/manifests/1',
    decision: 'nerdctl.localhost-http',
  },
  {
    name: 'nerdctl.toml hosts_dir replaces the default dirs',
    source: `${SRC}/pkg/config/config.go#L39`,
    version: '1.7.24',
    ref: 'reg.example.com/app:1',
    files: { '/etc/containerd/certs.d/reg.example.com/hosts.toml': MIRROR, '/etc/nerdctl/nerdctl.toml': 'hosts_dir = ["/srv/certs.d"]\n', '/srv/certs.d': 'DIR' },
    dir: null,
    firstUrl: 'https://reg.example.com/v2/app/manifests/1',
  },
  {
    name: 'containerd 2.x: the transfer service gets only the first hosts dir',
    source: `${SRC}/pkg/imgutil/transfer.go#L90-L92`,
    version: '2.1.9',
    ref: 'reg.example.com/app:1',
    files: { '/etc/containerd/certs.d': 'DIR', '/etc/docker/certs.d/reg.example.com/hosts.toml': MIRROR },
    dir: null,
    firstUrl: 'https://reg.example.com/v2/app/manifests/1',
    decision: 'nerdctl.transfer-first-dir',
  },
  {
    name: 'containerd 2.x: the first hosts dir is used by the transfer service',
    source: `${SRC}/pkg/imgutil/transfer.go#L90-L92`,
    version: '2.1.9',
    ref: 'reg.example.com/app:1',
    files: { '/etc/containerd/certs.d/reg.example.com/hosts.toml': MIRROR },
    dir: '/etc/containerd/certs.d/reg.example.com',
    firstUrl: 'https://mirror.example.net/v2/app/manifests/1?ns=reg.example.com',
  },
  {
    name: 'containerd 2.x with --insecure-registry: a temporary hosts dir replaces the user’s',
    source: `${SRC}/pkg/imgutil/transfer.go#L82-L89`,
    version: '2.1.9',
    ref: 'reg.example.com/app:1',
    files: { '/etc/containerd/certs.d/reg.example.com/hosts.toml': MIRROR },
    nerdctl: { insecureRegistry: true },
    dir: null,
    firstUrl: 'https://reg.example.com/v2/app/manifests/1',
    decision: 'nerdctl.insecure-temp-hosts-dir',
  },
];

describe('nerdctl plan (emulation of nerdctl v2.3.5)', () => {
  for (const c of CASES) {
    it(`${c.name} — ${c.source}`, () => {
      const snapshot = snap(c.files);
      const p = profile(c.version);
      const config = analyzeConfig('/etc/containerd/config.toml', snapshot, p);
      const plan = planNerdctl({ ref: c.ref, snapshot, profile: p, config, nerdctl: c.nerdctl ?? nerdctlTomlOptions(snapshot) });
      expect(plan.client).toBe('nerdctl');
      expect(plan.lookup?.dir ?? null).toBe(c.dir);
      expect(plan.resolve?.attempts[0]?.url).toBe(c.firstUrl);
      if (c.decision) expect(plan.decisions.map((d) => d.code)).toContain(c.decision);
      // nerdctl never reads CRI's config
      expect(plan.decisions.map((d) => d.code)).toContain('nerdctl.no-cri-config');
    });
  }

  it('host keys follow registryurl.go Parse and the 443 retry of hostsstore.go', () => {
    expect(nerdctlHostKeys('reg.example.com')).toEqual(['reg.example.com:443', 'reg.example.com']);
    expect(nerdctlHostKeys('reg.example.com:443')).toEqual(['reg.example.com:443', 'reg.example.com']);
    expect(nerdctlHostKeys('reg.example.com:5000')).toEqual(['reg.example.com:5000']);
    expect(nerdctlHostKeys('docker.io')).toEqual(['docker.io']);
  });

  it('ignores CRI registry.mirrors and config_path entirely', () => {
    const snapshot = snap({
      '/etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."reg.example.com"]\n  endpoint = ["https://mirror.example.net"]\n',
    });
    const p = profile('1.7.24');
    const plan = planNerdctl({ ref: 'reg.example.com/app:1', snapshot, profile: p, config: analyzeConfig('/etc/containerd/config.toml', snapshot, p) });
    expect(plan.endpoints.map((e) => e.host)).toEqual(['reg.example.com']);
  });
});
