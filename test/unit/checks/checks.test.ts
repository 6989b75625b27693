/**
 * Every check id has a minimal node fixture under test/fixtures/checks/<id>/ (a folder standing for
 * `/`, plus facts.json for what is not a file). Each test runs ALL checks on it and asserts that the
 * id is reported with the expected severity and evidence (file and line where there is one).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Evidence, Finding, Severity } from '../../../src/checks/finding.js';
import { CHECKS, checkIds } from '../../../src/checks/registry.js';
import { runChecks } from '../../../src/checks/run.js';
import { FIXTURES, factsFromFixture } from '../../helpers/facts-fixture.js';

const DIR = join(FIXTURES, 'checks');
const HOSTS = '/etc/containerd/certs.d/docker.io/hosts.toml';
const CONFIG = '/etc/containerd/config.toml';

interface Expect {
  severity: Severity;
  /** one evidence item must match this */
  evidence: { [K in keyof Evidence]?: Evidence[K] | RegExp };
  detail?: RegExp;
  title?: RegExp;
  fix?: RegExp;
}

const EXPECT: Record<string, Expect> = {
  'ctr-ignores-config-path': { severity: 'info', evidence: { kind: 'trace', source: 'ctr (no --hosts-dir) output', line: 2, text: /registry-1\.docker\.io/ }, fix: /--hosts-dir \/etc\/containerd\/certs\.d docker/ },
  'nerdctl-ignores-cri-config': {
    severity: 'error',
    evidence: { kind: 'file', source: '/var/lib/rancher/k3s/agent/etc/containerd/certs.d/docker.io', text: /CRI config_path/ },
    detail: /never reads containerd's config\.toml/,
    fix: /nerdctl --hosts-dir \/var\/lib\/rancher\/k3s\/agent\/etc\/containerd\/certs\.d pull docker\.io\/library\/busybox:latest/,
  },
  'ctr-transfer-service': { severity: 'info', evidence: { kind: 'command', source: 'ctr --version', text: '2.1.9' } },
  'ctr-namespace': { severity: 'info', evidence: { kind: 'command' }, fix: /ctr -n k8s\.io/ },
  'ctr-missing': { severity: 'warning', evidence: { kind: 'command', source: 'ctr --version', text: 'spawn ctr ENOENT' } },
  'ctr-reference-without-host': { severity: 'info', evidence: { kind: 'command', text: /object required/ }, fix: /docker\.io\/library\/nginx:latest/ },
  'daemon-unreachable': { severity: 'error', evidence: { kind: 'api', text: /no such file or directory/ } },
  'daemon-permission-denied': { severity: 'error', evidence: { kind: 'api', text: /permission denied/ }, fix: /sudo/ },
  'daemon-version-skew': { severity: 'warning', evidence: { kind: 'command', source: 'containerd --version', text: '2.1.9' }, detail: /upgraded and not restarted/ },
  'embedded-containerd': { severity: 'warning', evidence: { kind: 'file', source: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml' }, fix: /registries\.yaml/ },
  'proxy-env-mismatch': { severity: 'warning', evidence: { kind: 'command', source: '/proc/4242/environ', text: /HTTPS_PROXY=http:\/\/proxy\.corp\.example:3128/ }, detail: /mirror\.example\.com \(via http:\/\/proxy/ },
  'config-missing': { severity: 'warning', evidence: { kind: 'file', source: CONFIG, text: 'does not exist' }, fix: /config_path = "\/etc\/containerd\/certs\.d"/ },
  'config-unreadable': { severity: 'error', evidence: { kind: 'file', source: CONFIG, text: /is a directory/ } },
  'config-parse-error': { severity: 'error', evidence: { kind: 'file', source: CONFIG, line: 2 } },
  'config-version-missing': { severity: 'warning', evidence: { kind: 'file', source: CONFIG, line: 1 }, fix: /version = 2/ },
  'config-version-unsupported': { severity: 'error', evidence: { kind: 'file', source: CONFIG, line: 1, text: /version = 3/ } },
  'disabled-plugin-invalid': { severity: 'error', evidence: { kind: 'file', source: CONFIG, line: 2, text: /disabled_plugins/ } },
  'cri-plugin-disabled': { severity: 'error', evidence: { kind: 'file', source: CONFIG, line: 2, text: /io\.containerd\.cri\.v1\.images/ } },
  'cri-plugin-failed': { severity: 'error', evidence: { kind: 'file', source: CONFIG, line: 6, text: /configs/ }, detail: /configs\.\*\.tls/ },
  'config-path-unset': { severity: 'error', evidence: { kind: 'file', source: CONFIG, line: 3 }, fix: /^in \/etc\/containerd\/config\.toml, under \[plugins\."io\.containerd\.cri\.v1\.images"\.registry\] \(line 3\), set:\n  config_path = "\/etc\/containerd\/certs\.d"$/ },
  'config-path-wrong-section': { severity: 'error', evidence: { kind: 'file', source: CONFIG, line: 3 }, fix: /io\.containerd\.cri\.v1\.images/ },
  'config-path-missing-dir': { severity: 'error', evidence: { kind: 'file', source: '/etc/containerd/certs.d', text: 'does not exist' } },
  'config-path-mismatch': { severity: 'error', evidence: { kind: 'file', source: CONFIG, line: 4 }, detail: /\/etc\/containerd\/certs\.d\/docker\.io/ },
  'config-path-list-transfer': { severity: 'error', evidence: { kind: 'file', source: CONFIG, line: 4 }, fix: /use_local_image_pull = true/ },
  'transfer-config-path-unused': { severity: 'warning', evidence: { kind: 'file', source: CONFIG, line: 7 } },
  'mirrors-with-config-path': { severity: 'error', evidence: { kind: 'file', source: CONFIG, line: 6, text: /mirrors/ } },
  'legacy-mirror-path-without-v2': {
    severity: 'error',
    evidence: { kind: 'file', source: CONFIG, line: 4, text: /endpoint/ },
    detail: /it requests http:\/\/nexus\.example\.com\/repository\/docker-hub\/library\/busybox\/manifests\/latest\?ns=docker\.io/,
    fix: /endpoint = \["http:\/\/nexus\.example\.com\/repository\/docker-hub\/v2"\]\nrequests then go to http:\/\/nexus\.example\.com\/repository\/docker-hub\/v2\/library\/busybox\/manifests\/latest\?ns=docker\.io/,
  },
  'legacy-mirrors': {
    severity: 'warning',
    evidence: { kind: 'file', source: CONFIG, line: 3 },
    fix: /server = "https:\/\/registry-1\.docker\.io"\ncapabilities = \["pull", "resolve"\]\n\n\[host\."https:\/\/mirror\.example\.com"\]\n  capabilities = \["pull", "resolve"\]\n\n\[host\."https:\/\/registry-1\.docker\.io"\]\n  capabilities = \["pull", "resolve"\]\nEOF/,
  },
  'configs-key-not-a-host': {
    severity: 'warning',
    evidence: { kind: 'file', source: CONFIG, line: 3, text: /keyed by docker\.io/ },
    detail: /never by the registry's name/,
    fix: /^rename the table to \[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.configs\."registry-1\.docker\.io"\.auth\]/,
  },
  'mirrors-key-misnamed': {
    severity: 'error',
    evidence: { kind: 'file', source: CONFIG, line: 3 },
    detail: /registry\.mirrors\."registry-1\.docker\.io" is never used for docker\.io images: .*Docker Hub images are looked up as docker\.io/,
    fix: /^in \/etc\/containerd\/config\.toml line 3, rename the table to \[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.mirrors\."docker\.io"\]$/,
  },
  'config-imports-replace': { severity: 'error', evidence: { kind: 'file', source: '/etc/containerd/conf.d/snapshotter.toml', line: 3 }, detail: /`sandbox_image`, `registry` are dropped/ },
  'registries-yaml-unknown-key': { severity: 'warning', evidence: { kind: 'file', source: '/etc/rancher/k3s/registries.yaml', line: 8, text: 'insecure-skip-verify:' }, detail: /Did you mean `insecure_skip_verify`\?/, fix: /line 8, write `insecure_skip_verify:`/ },
  'restart-required': { severity: 'error', evidence: { kind: 'api', text: '""' }, detail: /file "\/etc\/containerd\/certs\.d"/ },
  'host-dir-missing': { severity: 'error', evidence: { kind: 'file', source: '/etc/containerd/certs.d/docker.io', text: 'does not exist' } },
  'host-dir-misnamed': { severity: 'error', evidence: { kind: 'file', source: '/etc/containerd/certs.d/registry-1.docker.io' }, fix: /^mv \/etc\/containerd\/certs\.d\/registry-1\.docker\.io \/etc\/containerd\/certs\.d\/docker\.io$/ },
  'host-dir-shadows-default': { severity: 'error', evidence: { kind: 'file', source: '/etc/containerd/certs.d/_default/hosts.toml', text: 'shadowed' } },
  'default-dir-unsupported': { severity: 'error', evidence: { kind: 'file', source: '/etc/containerd/certs.d/_default' }, detail: /1\.6\.17/ },
  'hosts-toml-missing': { severity: 'error', evidence: { kind: 'file', source: '/etc/containerd/certs.d/docker.io/host.toml' }, fix: /mv \/etc\/containerd\/certs\.d\/docker\.io\/host\.toml \/etc\/containerd\/certs\.d\/docker\.io\/hosts\.toml/ },
  'hosts-toml-empty': { severity: 'error', evidence: { kind: 'file', source: HOSTS, text: 'size 0' } },
  'hosts-path-unreadable': { severity: 'error', evidence: { kind: 'log', text: /not a directory/ } },
  'hosts-toml-invalid': { severity: 'error', evidence: { kind: 'file', source: HOSTS, line: 5, text: /skip_verify = "true"/ } },
  'hosts-toml-no-host-table': { severity: 'error', evidence: { kind: 'log', text: /invalid `host` tree/ }, fix: /\[host\."https:\/\/mirror\.example\.com"\]/ },
  'hosts-toml-unknown-key': { severity: 'warning', evidence: { kind: 'file', source: HOSTS, line: 4, text: /capabilitys/ }, detail: /did you mean `capabilities`\?/ },
  'hosts-toml-inline-host-dropped': { severity: 'error', evidence: { kind: 'file', source: HOSTS, line: 4 }, fix: /\[host\."https:\/\/mirror\.example\.com"\]/ },
  'hosts-toml-duplicate-host': { severity: 'warning', evidence: { kind: 'file', source: HOSTS, line: 9 } },
  'hosts-toml-inline-order-random': {
    severity: 'warning',
    evidence: { kind: 'file', source: HOSTS, line: 7 },
    fix: /with tables, in the order they should be tried:\n\[host\."https:\/\/a\.example\.com"\]\ncapabilities = \[ "pull", "resolve" \]\n\n\[host\."https:\/\/b\.example\.com"\]/,
  },
  'mirror-missing-scheme': { severity: 'warning', evidence: { kind: 'file', source: HOSTS, line: 3 }, fix: /https:\/\/mirror\.example\.com:5000/ },
  'mirror-path-needs-override': { severity: 'warning', evidence: { kind: 'file', source: HOSTS, line: 3 }, fix: /\[host\."https:\/\/harbor\.example\.com\/v2\/proxy"\]\n  capabilities = \["pull", "resolve"\]\n  override_path = true\nrequests then go to https:\/\/harbor\.example\.com\/v2\/proxy\/library\/busybox\/manifests\/latest\?ns=docker\.io/ },
  'mirror-override-path-without-v2': {
    severity: 'error',
    evidence: { kind: 'file', source: HOSTS, line: 3 },
    detail: /containerd requests https:\/\/mirror\.example\.com\/library\/busybox\/manifests\/latest\?ns=docker\.io/,
    fix: /remove override_path.*\n\[host\."https:\/\/mirror\.example\.com"\]\n  capabilities = \["pull", "resolve"\]\nrequests then go to https:\/\/mirror\.example\.com\/v2\/library\/busybox\/manifests\/latest\?ns=docker\.io/,
  },
  'mirror-no-resolve': { severity: 'warning', evidence: { kind: 'file', source: HOSTS, line: 4, text: /capabilities = \["pull"\]/ } },
  'mirror-no-pull': { severity: 'error', evidence: { kind: 'file', source: HOSTS, line: 4, text: /\["resolve"\]/ } },
  'server-not-disabling-upstream': { severity: 'info', evidence: { kind: 'file', source: HOSTS, text: /mirror\.example\.com → registry-1\.docker\.io/ }, fix: /server = "https:\/\/mirror\.example\.com"/ },
  'default-host-tls-only': { severity: 'warning', evidence: { kind: 'file', source: '/etc/containerd/certs.d/_default/hosts.toml', line: 1 }, detail: /a mirror with pull, resolve and push for every registry/, fix: /\/etc\/containerd\/certs\.d\/myregistry\.com\/hosts\.toml/ },
  'server-not-registry-api': { severity: 'warning', evidence: { kind: 'file', source: HOSTS, line: 1 }, detail: /asks https:\/\/docker\.io\/v2\//, fix: /server = "https:\/\/registry-1\.docker\.io"/ },
  'http-host-with-tls': { severity: 'warning', evidence: { kind: 'file', source: HOSTS, line: 3 } },
  'skip-verify-enabled': { severity: 'warning', evidence: { kind: 'file', source: HOSTS, line: 5, text: /skip_verify = true/ } },
  'ca-file-missing': { severity: 'error', evidence: { kind: 'file', source: HOSTS, line: 5, text: /ca = "mirror-ca\.crt"/ }, detail: /unable to read CA cert/ },
  'ca-file-invalid': { severity: 'error', evidence: { kind: 'log', text: /unable to load CA cert/ } },
  'client-cert-invalid': { severity: 'error', evidence: { kind: 'file', source: HOSTS, line: 5, text: /client = / }, detail: /failed to load X509 key pair/ },
  'hosts-toml-in-config': { severity: 'warning', evidence: { kind: 'file', source: CONFIG, line: 2 }, detail: /logs "Ignoring unknown key in TOML"/, fix: /certs\.d\/docker\.io\/hosts\.toml/ },
  'registry-key-unknown': {
    severity: 'error',
    evidence: { kind: 'file', source: CONFIG, line: 4, text: /endpoints = \["https:\/\/mirror\.example\.com"\]  ← containerd does not know this key/ },
    title: /^registry\.mirrors\."docker\.io"\.endpoints is not a key containerd knows: it is ignored$/,
    detail: /the key it knows here is endpoint\. So the mirror endpoints written for docker\.io are not read/,
    fix: /^rename endpoints to endpoint in \/etc\/containerd\/config\.toml line 4, then: /,
  },
  'configs-tls-ignored': {
    severity: 'error',
    evidence: { kind: 'file', source: '/etc/containerd/config.toml', line: 6, text: /registry\.configs\."127\.0\.0\.1:5104"\.tls\]/ },
    title: /^registry\.configs\."127\.0\.0\.1:5104"\.tls is ignored by containerd 2\.x$/,
    detail: /no longer exists in containerd 2\.1\.9 .*failed on TLS \(tls-unknown-authority\)/,
    fix: /under \[host\."https:\/\/127\.0\.0\.1:5104"\]:\n  ca = "\/etc\/containerd\/certs\.d\/mirror-ca\.crt"/,
  },
  'configs-auth-not-for-mirror': {
    severity: 'info',
    evidence: { kind: 'file', source: CONFIG, line: 6, text: /registry\.configs\."public\.ecr\.aws"\.auth\]  ← credentials for public\.ecr\.aws only/ },
    title: /^registry\.configs\."public\.ecr\.aws"\.auth does not reach the mirror 198\.18\.34\.118:443$/,
    detail: /those keyed by public\.ecr\.aws are sent to public\.ecr\.aws only, never to 198\.18\.34\.118:443/,
    fix: /^if the mirror needs them: in \/etc\/containerd\/config\.toml, key the same credentials by the mirror host too:\n\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.configs\."198\.18\.34\.118:443"\.auth\]/,
  },
  'configs-tls-not-for-mirror': {
    severity: 'warning',
    evidence: { kind: 'file', source: CONFIG, line: 6, text: /registry\.configs\."docker\.io"\.tls\]  ← TLS settings for docker\.io only/ },
    title: /^registry\.configs\."docker\.io"\.tls does not reach the mirror mirror\.example\.com$/,
    detail: /keys them by docker\.io, a host CRI never connects to \(docker\.io's requests go to mirror\.example\.com, registry-1\.docker\.io\)/,
    fix: /^in \/etc\/containerd\/config\.toml, key the same settings by the mirror host:\n\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.configs\."mirror\.example\.com"\.tls\]\n  insecure_skip_verify = true$/,
  },
  'ca-file-unused': {
    severity: 'error',
    evidence: { kind: 'file', source: HOSTS, line: 3, text: /\[host\."https:\/\/127\.0\.0\.1:5104"\]  ← no ca for this host/ },
    title: /^\/etc\/containerd\/certs\.d\/127\.0\.0\.1:5104\/ca\.crt is not used for 127\.0\.0\.1:5104$/,
    detail: /serves images whose reference names 127\.0\.0\.1:5104.*signed by an unknown authority/,
    fix: /under \[host\."https:\/\/127\.0\.0\.1:5104"\]: ca = "\/etc\/containerd\/certs\.d\/127\.0\.0\.1:5104\/ca\.crt"/,
  },
  'tls-on-server-only': {
    severity: 'error',
    evidence: { kind: 'file', source: HOSTS, line: 2, text: /^ca = "ca\.crt"/ },
    title: /^ca = "ca\.crt" applies to the server registry-1\.docker\.io only, not to the mirror 127\.0\.0\.1:5104$/,
    detail: /failed on TLS \(tls-unknown-authority\)/,
    fix: /move them under the mirror's table:\n\[host\."https:\/\/127\.0\.0\.1:5104"\]\n  ca = "ca\.crt"/,
  },
  'hosts-toml-no-mirror': {
    severity: 'warning',
    evidence: { kind: 'file', source: HOSTS, text: "every host is docker.io's own (containerd adds no ?ns= for it)" },
    detail: /^\/etc\/containerd\/certs\.d\/docker\.io\/hosts\.toml names no mirror: its hosts are https:\/\/registry-1\.docker\.io, https:\/\/docker\.io, docker\.io's own/,
    fix: /\[host\."https:\/\/mirror\.example\.com"\]/,
  },
  'mirror-cluster-dns-name': { severity: 'warning', evidence: { kind: 'file', source: HOSTS, line: 3, text: /docker-registry\.kube-system\.svc\.cluster\.local:5000/ }, detail: /node's resolver .* not the cluster DNS/, fix: /kubectl -n kube-system get service docker-registry -o wide/ },
  'dial-timeout-unsupported': { severity: 'warning', evidence: { kind: 'file', source: HOSTS, line: 5, text: /dial_timeout/ } },
  'mirror-used': { severity: 'ok', evidence: { kind: 'trace', source: 'ctr --hosts-dir output', line: 3, text: /127\.0\.0\.1:5101.*200/ } },
  'mirror-fallback': { severity: 'error', evidence: { kind: 'trace', source: 'ctr --hosts-dir output', line: 3, text: /404/ }, title: /\(not-found\) and containerd fell back to registry-1\.docker\.io/ },
  'redirect-target-failed': {
    severity: 'error',
    evidence: { kind: 'trace', source: 'ctr --hosts-dir output', text: /dial tcp 127\.0\.0\.1:20015: connect: connection refused/ },
    title: /^127\.0\.0\.1:20011 redirected blob downloads to 127\.0\.0\.1:20015, which failed \(connection-refused\)$/,
    fix: /allow 127\.0\.0\.1:20015 through the node's firewall/,
  },
  'not-a-manifest': {
    severity: 'error',
    evidence: { kind: 'trace', source: 'ctr --hosts-dir output', text: /127\.0\.0\.1:5124\/v2\/library\/mirror-doctor-demo\/manifests\/1\.0.*200/ },
    title: /^the mirror 127\.0\.0\.1:5124 answered the manifest request with text\/html, not an image manifest$/,
    detail: /a web page/,
    fix: /curl -sSI 'http:\/\/127\.0\.0\.1:5124\/v2\/library\/mirror-doctor-demo\/manifests\/1\.0\?ns=docker\.io'/,
  },
  'mirror-direct-pull-failed': {
    severity: 'error',
    evidence: { kind: 'trace', source: 'ctr --hosts-dir output', text: /127\.0\.0\.1:5102\/v2\/library\/mirror-doctor-demo\/manifests\/1\.0 → 404 \(not-found\)/ },
    title: /^the pull from the mirror 127\.0\.0\.1:5102 itself failed \(not-found\)$/,
    detail: /^127\.0\.0\.1:5102 is the mirror this node uses for docker\.io \(\/etc\/containerd\/certs\.d\/docker\.io\/hosts\.toml\)/,
    fix: /mirror-doctor check docker\.io\/library\/mirror-doctor-demo:1\.0/,
  },
  'mirror-not-tried': { severity: 'error', evidence: { kind: 'trace', text: /loading host directory dir=\/tmp\/mirror-doctor-lab\/certs\.d\/docker\.io/ } },
  'hosts-dir-not-loaded': { severity: 'error', evidence: { kind: 'trace', source: 'ctr --hosts-dir output', line: 2, text: /registry-1\.docker\.io/ } },
  'cri-path-differs': { severity: 'error', evidence: { kind: 'trace', source: 'CRI (as kubelet) daemon log', text: /registry-1\.docker\.io/ } },
  // 1.6 at info level, blobs redirected to a host that never answers: the CRI pull waited on it until the recorder's deadline
  'cri-pull-failed': { severity: 'warning', evidence: { kind: 'log', text: /the daemon connected to 127\.0\.0\.1:20012/ }, title: /did not finish in time/, fix: /trace --full/ },
  'cri-path-unknown': { severity: 'warning', evidence: { kind: 'log', source: 'CRI (as kubelet) (unknown)', text: /info level: containerd logs no line for a host that served a pull/ }, fix: /debug/ },
  'image-already-present': { severity: 'info', evidence: { kind: 'api', source: 'CRI ImageStatus (before the pull)', text: 'docker.io/library/mirror-doctor-demo:1.0: present' }, detail: /IfNotPresent/, fix: /crictl rmi docker\.io\/library\/mirror-doctor-demo:1\.0/ },
  'trace-unavailable': { severity: 'info', evidence: {} , detail: /--offline/ },
};

function matches(e: Evidence, want: Expect['evidence']): boolean {
  for (const [k, v] of Object.entries(want)) {
    const got = (e as unknown as Record<string, unknown>)[k];
    if (v instanceof RegExp ? !(typeof got === 'string' && v.test(got)) : got !== v) return false;
  }
  return true;
}

describe('the registry', () => {
  it('lists every id once, with a layer, title and docs link', () => {
    const ids = checkIds();
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CHECKS) {
      expect(c.docs).toBe(`docs/checks.md#${c.id}`);
      expect(c.title.length).toBeGreaterThan(5);
    }
  });
  it('has a test row and a fixture folder for every id, and nothing else', () => {
    expect(Object.keys(EXPECT).sort()).toEqual(checkIds().sort());
    expect(readdirSync(DIR).filter((n) => !n.startsWith('_')).sort()).toEqual(checkIds().sort());
  });
});

describe.each(checkIds())('%s', (id) => {
  it('is reported on its fixture with the expected severity and evidence', async () => {
    expect(existsSync(join(DIR, id))).toBe(true);
    const run = runChecks(await factsFromFixture(join(DIR, id)));
    expect(run.findings.filter((f) => f.id === 'crash')).toEqual([]);
    const found = run.findings.filter((f) => f.id === id);
    expect(found.length, `${id} not reported; got ${run.findings.map((f) => f.id).join(', ')}`).toBeGreaterThan(0);
    const want = EXPECT[id]!;
    const f = found.find((x) => x.severity === want.severity) as Finding;
    expect(f, `severities: ${found.map((x) => x.severity).join(', ')}`).toBeDefined();
    expect(f.layer).toBe(CHECKS.find((c) => c.id === id)!.layer);
    expect(f.docs).toBe(`docs/checks.md#${id}`);
    expect(f.detail.length).toBeGreaterThan(10);
    if (Object.keys(want.evidence).length > 0) expect(f.evidence.some((e) => matches(e, want.evidence)), JSON.stringify(f.evidence, null, 1)).toBe(true);
    if (want.detail) expect(f.detail).toMatch(want.detail);
    if (want.title) expect(f.title).toMatch(want.title);
    if (want.fix) expect(f.fix.some((x) => want.fix!.test(x)), f.fix.join('\n---\n')).toBe(true);
    if (f.severity === 'error' || f.severity === 'warning') expect(f.fix.length).toBeGreaterThan(0);
  });
});

describe('a healthy node', () => {
  it('reports no error and no warning, and exits 0', async () => {
    const run = runChecks(await factsFromFixture(join(DIR, '_healthy')));
    expect(run.findings.filter((f) => f.severity === 'error' || f.severity === 'warning')).toEqual([]);
    expect(run.rootCause).toBeNull();
    expect(run.exitCode).toBe(0);
    expect(run.status).toBe('ok');
  });
});
