/** Variants of some checks (other severities, helpers) and the documentation of every id. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertLegacyMirrors } from '../../../src/containerd/legacy-mirrors-hosts.js';
import { misnamedFolders } from '../../../src/checks/misnamed-folders.js';
import { suggestKey } from '../../../src/checks/hosts-toml.js';
import { checkIds } from '../../../src/checks/registry.js';
import { runChecks } from '../../../src/checks/run.js';
import type { Facts } from '../../../src/checks/facts.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';
import { profile } from '../containerd/helpers.js';

const DIR = join(FIXTURES, 'checks');

/** The facts of a node made of `files` (node path → text) and a facts.json overlay, from a temporary folder. */
async function factsOfFiles(files: Record<string, string>, overlay: Record<string, unknown>): Promise<Facts> {
  const dir = mkdtempSync(join(tmpdir(), 'md-variant-'));
  try {
    for (const [p, text] of Object.entries({ ...files, '/facts.json': JSON.stringify(overlay) })) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    return await factsFromFixture(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('helpers', () => {
  it('misnamedFolders knows the usual wrong names', () => {
    expect(misnamedFolders('docker.io', ['registry-1.docker.io', 'index.docker.io', 'docker.io', '_default', 'quay.io']).map((m) => m.name)).toEqual(['registry-1.docker.io', 'index.docker.io']);
    expect(misnamedFolders('reg.example.com:5000', ['reg.example.com', 'reg.example.com_5000', 'reg.example.com_5000_', 'reg.example.com:5000']).map((m) => m.name)).toEqual(['reg.example.com', 'reg.example.com_5000']);
    expect(misnamedFolders('reg.example.com', ['reg.example.com_443_', 'reg.example.com:443', 'Reg.Example.com']).map((m) => m.name)).toEqual(['reg.example.com_443_', 'reg.example.com:443', 'Reg.Example.com']);
  });
  it('suggestKey says "did you mean"', () => {
    expect(suggestKey('capabilitys')).toBe('capabilities');
    expect(suggestKey('skip-verify')).toBe('skip_verify');
    expect(suggestKey('override-path')).toBe('override_path');
    expect(suggestKey('serevr')).toBe('server');
    expect(suggestKey('totally_unrelated')).toBeNull();
  });
  it('convertLegacyMirrors keeps every legacy host, the trailing slash as a path, and the registry CRI appends', () => {
    const hub = convertLegacyMirrors({ 'docker.io': ['mirror.example.com', 'https://registry-1.docker.io'] }, profile('2.1.9'));
    expect(hub.files.map((f) => f.text)).toEqual([
      'server = "https://registry-1.docker.io"\ncapabilities = ["pull", "resolve"]\n\n[host."https://mirror.example.com"]\n  capabilities = ["pull", "resolve"]\n\n[host."https://registry-1.docker.io"]\n  capabilities = ["pull", "resolve"]\n',
    ]);
    const star = convertLegacyMirrors({ '*': ['http://cache:5000/'] }, profile('2.1.9'));
    expect(star.files.map((f) => [f.folder, f.text])).toEqual([
      ['cache_5000_', 'server = "http://cache:5000/"\ncapabilities = ["pull", "resolve"]\noverride_path = true\n\n[host]   # containerd 1.x before 1.7.32 rejects a hosts.toml without a [host] table\n'],
      ['_default', '[host."http://cache:5000/"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n'],
    ]);
  });
});

describe('severity variants', () => {
  it('registry-key-unknown for config_path on 1.4 (it came in 1.5): a warning, with the 1.4 way beside the upgrade', async () => {
    const facts = await factsOfFiles({ '/etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n' }, { containerdVersion: '1.4.6' });
    const f = runChecks(facts).findings.find((x) => x.id === 'registry-key-unknown');
    expect(f?.severity).toBe('warning');
    expect(f?.detail).toBe('containerd 1.4.6 ignores it without a word: registry.config_path came in containerd 1.5.');
    expect(f?.fix).toEqual(['upgrade containerd to 1.5 or later, which reads registry.config_path', 'or, on containerd 1.4.6, write the mirrors in registry.mirrors and a registry\'s TLS settings in registry.configs."<host>".tls: CRI reads no hosts folder before 1.5']);
  });
  it.each([
    ['1.4.6', 'warning'],
    ['1.6.20', 'info'],
  ])('hosts-toml-missing for a folder of only ca.crt on %s (gitpod-eks-guide#27: CRI before 1.5 reads no hosts folder): %s', async (version, severity) => {
    const facts = await factsOfFiles(
      { '/etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n', '/etc/containerd/certs.d/reg.example.com/ca.crt': '-----BEGIN CERTIFICATE-----\n' },
      { containerdVersion: version, ref: 'reg.example.com/team/app:1.0' },
    );
    const f = runChecks(facts).findings.find((x) => x.id === 'hosts-toml-missing');
    expect(f?.severity).toBe(severity);
    if (severity === 'warning') {
      expect(f?.detail).toContain('But CRI (kubelet, crictl) reads no hosts folder before containerd 1.5');
      expect(f?.fix[0]).toMatch(/^for CRI on containerd 1\.4\.6: in \/etc\/containerd\/config\.toml, \[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.configs\."reg\.example\.com"\.tls\] with ca_file = "\/etc\/containerd\/certs\.d\/reg\.example\.com\/ca\.crt", then: /);
    }
  });
  it.each([
    ['only the registry itself (k3s#2429: the working master had it too)', '["https://traefik.local:5000"]', 'info'],
    ['a mirror', '["https://mirror.example.com"]', 'error'],
  ])('mirrors-key-misnamed for a key without the port whose endpoints are %s', async (_what, endpoints, severity) => {
    const facts = await factsOfFiles(
      { '/etc/containerd/config.toml': `[plugins.cri.registry.mirrors."traefik.local"]\n  endpoint = ${endpoints}\n` },
      { containerdVersion: '1.4.1', ref: 'traefik.local:5000/busybox:latest' },
    );
    const f = runChecks(facts).findings.find((x) => x.id === 'mirrors-key-misnamed');
    expect(f?.severity).toBe(severity);
    if (severity === 'info') expect(f?.fix).toEqual(['nothing to change for pulls; to tidy, rename the table to [plugins.cri.registry.mirrors."traefik.local:5000"]']);
  });
  it.each([
    ['registry.mirrors (cybozu-go/neco#1281, 1.4.3)', '1.4.3', { '/etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."quay.io"]\n  endpoint = ["https://quay.registry.example.internal", "https://quay.io"]\n' }],
    ['a [host] table', '1.7.24', { '/etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n', '/etc/containerd/certs.d/quay.io/hosts.toml': '[host."https://quay.registry.example.internal"]\n  capabilities = ["pull", "resolve"]\n\n[host."https://quay.io"]\n  capabilities = ["pull", "resolve"]\n' }],
  ])('proxy-env-mismatch with the registry itself listed after its mirror in %s: the mirror is named, the upstream is not', async (_what, version, files) => {
    const facts = await factsOfFiles(files, { containerdVersion: version, ref: 'quay.io/cybozu/ubuntu:20.04', daemon: { process: { proxyEnv: { HTTPS_PROXY: 'http://10.69.0.4:30128', NO_PROXY: '10.0.0.0/8' } } }, shellProxyEnv: {} });
    const f = runChecks(facts).findings.find((x) => x.id === 'proxy-env-mismatch');
    expect(f?.detail).toBe('the daemon sends mirror traffic through its proxy: quay.registry.example.internal (via http://10.69.0.4:30128); an internal mirror usually belongs in NO_PROXY.');
    expect(f?.title).toBe('the daemon sends mirror traffic through its proxy');
  });
  it.each([
    ['1.7.22', 'http://mirror.example.com', 'info'],
    ['1.7.22', 'http://mirror.example.com:5000', 'warning'],
    ['2.1.9', 'http://mirror.example.com', 'warning'],
  ])('http-host-with-tls for --client nerdctl on a %s daemon, %s with skip_verify (containerd#10922: nerdctl 1.7.5 kept it on HTTP): %s', async (version, url, severity) => {
    const facts = await factsOfFiles(
      {
        '/etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
        '/etc/containerd/certs.d/_default/hosts.toml': `server = "http://hub.example.com"\n\n[host."${url}"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n`,
      },
      { containerdVersion: version, ref: 'hub.example.com/team/app:1.0', client: 'nerdctl' },
    );
    const f = runChecks(facts).findings.find((x) => x.id === 'http-host-with-tls');
    expect(f?.severity).toBe(severity);
    if (severity === 'info') expect(f?.detail).toContain('nerdctl 1.x resolves with the 1.x library it was built with, which before 1.7.24 keeps a host without a port on plain HTTP');
  });
  it.each(['1.6.28', '1.7.31', '1.7.32', '2.1.9'])('hosts-toml-no-mirror on %s for a folder that names only the registry (minikube#18361: --registry-mirror never reached containerd): a warning, whether or not the version discards a file without [host]', async (v) => {
    const facts = await factsOfFiles(
      { '/etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n', '/etc/containerd/certs.d/docker.io/hosts.toml': 'server = "https://registry-1.docker.io"\n' },
      { containerdVersion: v, ref: 'docker.io/library/nginx:latest' },
    );
    const f = runChecks(facts).findings.find((x) => x.id === 'hosts-toml-no-mirror');
    expect(f?.severity).toBe('warning');
    expect(f?.detail).toContain('its only host is https://registry-1.docker.io');
  });
  it.each([
    ['holds the registry folder: nothing to change', true, 'nothing to change for docker.io: CRI reads /etc/containerd/certs.d/docker.io'],
    ['holds no registry folder: write it in the root that exists', false, 'mkdir -p /etc/containerd/certs.d/docker.io and write hosts.toml there'],
  ])('config-path-missing-dir with one of two roots missing (EKS AL2023 local pulls, amazon-eks-ami#2494): info, CRI skips it; the other %s', async (_what, folder, fix) => {
    const files: Record<string, string> = {
      '/etc/containerd/config.toml': 'version = 3\n[plugins."io.containerd.cri.v1.images"]\n  discard_unpacked_layers = true\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"\n',
      '/etc/containerd/certs.d/quay.io/hosts.toml': 'server = "https://quay.io"\n',
    };
    if (folder) files['/etc/containerd/certs.d/docker.io/hosts.toml'] = '[host."https://mirror.example.com"]\n  capabilities = ["pull", "resolve"]\n';
    const f = runChecks(await factsOfFiles(files, { containerdVersion: '2.1.4', ref: 'docker.io/library/nginx:latest' })).findings.find((x) => x.id === 'config-path-missing-dir');
    expect(f?.severity).toBe('info');
    expect(f?.detail).toContain('names "/etc/docker/certs.d", which does not exist: CRI skips it and asks the other roots');
    expect(f?.fix).toEqual([fix]);
  });
  it('config-version-missing on 1.x: a warning naming the full-id tables version 1 ignores, with both ways out', async () => {
    const f = runChecks(await factsFromFixture(join(DIR, 'config-version-missing'))).findings.find((x) => x.id === 'config-version-missing');
    expect(f?.severity).toBe('warning');
    expect(f?.detail).toContain('plugins."io.containerd.grpc.v1.cri" is ignored, while plugins.cri is read');
    expect(f?.fix[0]).toMatch(/^either move the settings of plugins."io.containerd.grpc.v1.cri" into the short-id tables .* or add `version = 2` .* renaming plugins.cri too/);
  });
  it.each([
    ['a file of its own', {}, /^before moving to containerd 2\.x: add `version = 2`/],
    ['a file k3s writes', { kind: 'k3s' as const, generated: true }, /^nothing to change: k3s writes this file$/],
  ])('config-version-missing on 1.x with short plugin ids only (valid version 1, k3s#3937): info, %s', async (_what, dist, fix) => {
    const facts = await factsOfFiles({ '/etc/containerd/config.toml': '[plugins.cri.registry]\n  config_path = "/etc/containerd/certs.d"\n' }, { containerdVersion: '1.7.24' });
    Object.assign(facts.distribution, dist);
    const f = runChecks(facts).findings.find((x) => x.id === 'config-version-missing');
    expect(f?.severity).toBe('info');
    expect(f?.detail).toContain('That is valid on containerd 1.7.24: its plugin tables are named by short id (plugins.cri)');
    expect(f?.fix[0]).toMatch(fix);
  });
  it.each([
    ['a tag, with a mirror that may not resolve (containerd#7400)', 'docker.io/gotok8s/kube-apiserver:v1.25.1', '["pull"]', 'error', /the tag v1\.25\.1 is resolved at https:\/\/docker\.io\/v2\/… alone .* every pull of a tag fails there/],
    ['a digest, with the same mirror (it serves it)', `docker.io/gotok8s/kube-apiserver@sha256:${'0'.repeat(64)}`, '["pull"]', 'warning', /the fallback after the mirrors asks https:\/\/docker\.io\/v2\//],
    ['a tag, with a mirror that resolves', 'docker.io/gotok8s/kube-apiserver:v1.25.1', '["pull", "resolve"]', 'warning', /the fallback after the mirrors asks/],
  ])('server-not-registry-api for %s', async (_what, ref, caps, severity, detail) => {
    const facts = await factsOfFiles(
      {
        '/etc/containerd/config.toml': 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
        '/etc/containerd/certs.d/docker.io/hosts.toml': `server = "https://docker.io"\n\n[host."https://hub-mirror.c.163.com"]\n  capabilities = ${caps}\n`,
      },
      { containerdVersion: '1.6.20', ref },
    );
    const f = runChecks(facts).findings.find((x) => x.id === 'server-not-registry-api');
    expect(f?.severity).toBe(severity);
    expect(f?.detail).toMatch(detail);
  });
  it.each([
    ['nothing else keeps local pulls: the fixes set config_path to one folder', 'false', true],
    ['discard_unpacked_layers keeps local pulls: config_path stays as it is', 'true', false],
  ])('2.2.0 with the default colon-separated config_path and registry.mirrors (kind v0.31): %s', async (_what, discard, oneFolder) => {
    const config = `version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  discard_unpacked_layers = ${discard}\n\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."localhost:5000"]\n  endpoint = ["http://kind-registry:5000"]\n`;
    const findings = runChecks(await factsOfFiles({ '/etc/containerd/config.toml': config }, { containerdVersion: '2.2.0', ref: 'localhost:5000/app:1' })).findings;
    const line = 'set config_path = "/etc/containerd/certs.d" (one folder) under [plugins."io.containerd.grpc.v1.cri".registry]';
    for (const id of ['mirrors-with-config-path', 'legacy-mirrors']) {
      const f = findings.find((x) => x.id === id);
      expect(f, id).toBeDefined();
      expect(f!.fix.some((x) => x.startsWith(line)), id).toBe(oneFolder);
    }
  });
  it.each(['https://index.docker.io/v1/', 'index.docker.io', 'https://registry-1.docker.io'])('configs-key-not-a-host: credentials keyed %s (docker login writes the first) are never used for docker.io', async (key) => {
    const config = `version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry.configs."${key}".auth]\n  username = "user"\n  password = "pass"\n`;
    const facts = await factsOfFiles({ '/etc/containerd/config.toml': config }, { containerdVersion: '1.7.24', ref: 'docker.io/library/busybox:latest' });
    const f = runChecks(facts).findings.filter((x) => x.id === 'configs-key-not-a-host');
    expect(f.map((x) => x.title)).toEqual([`registry.configs.${JSON.stringify(key)}.auth is keyed by a name no request goes to`]);
    expect(f[0]!.fix.join('\n')).toContain('registry-1.docker.io');
  });
  it('restart-required is only a warning when nothing but the mtime says so', async () => {
    const facts = await factsFromFixture(join(DIR, '_healthy'), { configMtimeAfterStart: 5000 });
    const f = runChecks(facts).findings.find((x) => x.id === 'restart-required');
    expect(f?.severity).toBe('warning');
    expect(f?.evidence[0]?.source).toMatch(/^stat \/etc\/containerd\/config\.toml/);
  });
  it.each([
    [0, false],
    [40, false],
    [100, false],
    [101, true],
    [1500, true],
  ])('a config.toml %i ms newer than the daemon start: restart-required %s (10 ms ticks, write-then-restart automation)', async (after, expected) => {
    const facts = await factsFromFixture(join(DIR, '_healthy'), { configMtimeAfterStart: after });
    expect(runChecks(facts).findings.some((x) => x.id === 'restart-required')).toBe(expected);
  });
  it.each([
    ['registries.yaml', '/etc/rancher/k3s/registries.yaml', 5000, true, /k3s reads \/etc\/rancher\/k3s\/registries\.yaml only when it starts.*the running daemon and the hosts folder do not have the change yet/],
    ['registries.yaml', '/etc/rancher/k3s/registries.yaml', 100, false, null],
    ['registries.yaml', '/etc/rancher/k3s/registries.yaml', -3_600_000, false, null],
    ['template', '/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl', 5000, true, /k3s renders \/var\/lib\/rancher\/k3s\/agent\/etc\/containerd\/config\.toml from .*config\.toml\.tmpl only when it starts: the running daemon does not/],
  ])('k3s: %s (%s) changed %i ms after the daemon started: restart-required %s', async (_what, path, after, expected, detail) => {
    const dir = join(DIR, 'registries-yaml-unknown-key');
    const facts = await factsFromFixture(dir, { sourceMtimesAfterStart: { [path]: after } });
    facts.distribution.template = '/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl';
    const f = runChecks(facts).findings.find((x) => x.id === 'restart-required');
    expect(f !== undefined).toBe(expected);
    if (!f) return;
    expect(f.severity).toBe('warning');
    expect(f.detail).toMatch(detail!);
    expect(f.evidence[0]).toMatchObject({ kind: 'command', source: `stat ${path}; /proc/4242/stat (start time)` });
    expect(f.fix).toEqual(['systemctl restart k3s   # or k3s-agent on agents']);
  });
  it('MicroK8s: containerd-template.toml changed after the daemon started: restart-required names containerd.toml and the snap restart', async () => {
    const snap = '/var/snap/microk8s/current/args';
    const facts = await factsFromFixture(join(DIR, '_healthy'), { sourceMtimesAfterStart: { [`${snap}/containerd-template.toml`]: 5000 } });
    facts.distribution = { ...facts.distribution, kind: 'microk8s', generated: true, configFile: `${snap}/containerd.toml`, template: `${snap}/containerd-template.toml` };
    const f = runChecks(facts).findings.find((x) => x.id === 'restart-required');
    expect(f?.detail).toContain(`MicroK8s renders ${snap}/containerd.toml from ${snap}/containerd-template.toml only when it starts`);
    expect(f?.fix).toEqual(['snap restart microk8s.daemon-containerd']);
  });
  it('restart-required: a registries.yaml newer than the daemon means nothing without a distribution that renders from it', async () => {
    const facts = await factsFromFixture(join(DIR, 'registries-yaml-unknown-key'), { sourceMtimesAfterStart: { '/etc/rancher/k3s/registries.yaml': 5000 } });
    facts.distribution.generated = false;
    expect(runChecks(facts).findings.find((x) => x.id === 'restart-required')).toBeUndefined();
  });
  it('restart-required: the source mtime is not compared without a daemon process (a copied node)', async () => {
    const facts = await factsFromFixture(join(DIR, 'registries-yaml-unknown-key'), { sourceMtimesAfterStart: { '/etc/rancher/k3s/registries.yaml': 5000 }, daemon: { process: false } });
    expect(runChecks(facts).findings.find((x) => x.id === 'restart-required')).toBeUndefined();
  });
  it('a live CRI config equal to the file needs no restart', async () => {
    const facts = await factsFromFixture(join(DIR, 'restart-required'), { liveCri: { exposed: true, configPath: '/etc/containerd/certs.d', hasMirrors: false } });
    expect(runChecks(facts).findings.find((x) => x.id === 'restart-required')).toBeUndefined();
  });
  it('hosts-path-unreadable warns when only the invoking user cannot read', async () => {
    const facts = await factsFromFixture(join(DIR, '_healthy'), {
      hostDirEntries: [{ path: '/etc/containerd/certs.d/docker.io/hosts.toml', kind: 'file', owner: 0, group: 0, mode: 0o600, readableByRoot: true, readableByUser: false }],
    });
    const f = runChecks(facts).findings.find((x) => x.id === 'hosts-path-unreadable');
    expect(f).toMatchObject({ severity: 'warning' });
    expect(f!.evidence[0]).toMatchObject({ source: '/etc/containerd/certs.d/docker.io/hosts.toml', text: 'file mode 0600 owner 0:0' });
  });
  it('hosts-path-unreadable is an error when root cannot read', async () => {
    const facts = await factsFromFixture(join(DIR, '_healthy'), {
      hostDirEntries: [{ path: '/etc/containerd/certs.d/docker.io', kind: 'directory', owner: 0, group: 0, mode: 0o000, readableByRoot: false, readableByUser: false }],
    });
    const run = runChecks(facts);
    expect(run.findings.find((x) => x.id === 'hosts-path-unreadable')?.severity).toBe('error');
    expect(run.rootCause?.id).toBe('hosts-path-unreadable');
  });
  it('embedded-containerd is info when the distribution does not generate the files', async () => {
    const facts = await factsFromFixture(join(DIR, '_healthy'), { distribution: { kind: 'k0s', evidence: ['/etc/k0s/containerd.toml'], generated: false } });
    expect(runChecks(facts).findings.find((x) => x.id === 'embedded-containerd')?.severity).toBe('info');
  });
  it('config-missing is only info when the version defaults config_path (2.2+)', async () => {
    const facts = await factsFromFixture(join(DIR, 'config-missing'), { containerdVersion: '2.2.2' });
    expect(runChecks(facts).findings.find((x) => x.id === 'config-missing')?.severity).toBe('info');
  });
  it('the 2.2 default config_path list is caught in transfer mode even when not written', async () => {
    const facts = await factsFromFixture(join(DIR, 'config-missing'), { containerdVersion: '2.2.2' });
    const run = runChecks(facts);
    expect(run.rootCause?.id).toBe('config-path-list-transfer');
  });
  it('an unknown key that was meant as a mirror is an error, and the root cause', async () => {
    const run = runChecks(await factsFromFixture(join(DIR, '_unknown-key-mirrors')));
    const f = run.findings.find((x) => x.id === 'hosts-toml-unknown-key');
    expect(f?.severity).toBe('error');
    expect(f?.detail).toMatch(/did you mean `host`\?/);
    expect(f?.evidence[0]).toMatchObject({ source: '/etc/containerd/certs.d/docker.io/hosts.toml', line: 3 });
    expect(run.rootCause?.id).toBe('hosts-toml-unknown-key');
  });
});

describe('API paths', () => {
  it('a Harbor project URL holding /v2 without override_path is an error whose fix keeps the URL and adds override_path', async () => {
    const run = runChecks(await factsFromFixture(join(DIR, '_harbor-v2-project')));
    const f = run.findings.find((x) => x.id === 'mirror-path-needs-override');
    expect(f?.severity).toBe('error');
    expect(f?.detail).toContain('containerd requests https://harbor.example.com/v2/dockerhub-proxy/v2/library/busybox/manifests/latest?ns=docker.io');
    expect(f?.fix[0]).toContain('[host."https://harbor.example.com/v2/dockerhub-proxy"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\nrequests then go to https://harbor.example.com/v2/dockerhub-proxy/library/busybox/manifests/latest?ns=docker.io');
    expect(run.rootCause?.id).toBe('mirror-path-needs-override');
  });
});

describe('docs/checks.md', () => {
  const doc = readFileSync(resolve(__dirname, '../../../docs/checks.md'), 'utf8');
  it.each(checkIds())('documents %s (meaning, evidence, the evidence at info and at debug level, fix)', (id) => {
    const start = doc.indexOf(`\n### ${id}\n`);
    expect(start).toBeGreaterThan(0);
    const section = doc.slice(start, doc.indexOf('\n##', start + 5));
    expect(section).toMatch(/\*\*What it means\.\*\*/);
    expect(section).toMatch(/\*\*Evidence\.\*\*/);
    expect(section).toMatch(/\*\*Evidence at info and debug level\.\*\* \S/);
    expect(section).toMatch(/\*\*Fix\.\*\*/);
  });
  it('documents crash', () => expect(doc).toMatch(/\n## crash\n/));
});
