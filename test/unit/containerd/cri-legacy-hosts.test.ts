/**
 * CRI's legacy hosts (config_path empty) beyond containerd's own tests, each from the source at
 * the tag named: the 1.5 scheme rule, the pull mode that decides which code runs, paths used as
 * written, and an endpoint that is not a URL. And hosts.toml paths whose requests miss /v2.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { planCri, planCtrHostsDir } from '../../../src/containerd/plan.js';
import type { NodeSnapshot } from '../../../src/containerd/node-snapshot.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';
const V2 = (mirrors: string) => `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = [${mirrors}]\n`;

function cri(files: NodeSnapshot, v: string, ref: string) {
  const p = profile(v);
  return planCri({ ref, snapshot: files, profile: p, config: analyzeConfig(CFG, files, p) });
}
const urls = (plan: ReturnType<typeof planCri>) => plan.resolve?.attempts.map((a) => a.url + (a.fallbackUrl ? ` then ${a.fallbackUrl}` : '')) ?? [];
const codes = (plan: ReturnType<typeof planCri>) => plan.decisions.map((d) => d.code);

describe('CRI legacy hosts', () => {
  // v1.5.18 pkg/cri/server/image_pull.go defaultScheme names three hosts; v1.6.0 uses IsLocalhost (any loopback)
  it.each([
    ['1.5.18', 'https'],
    ['1.6.0', 'http'],
    ['2.1.9', 'http'],
  ])('%s: an endpoint 127.0.0.2:5000 without scheme gets %s', (v, scheme) => {
    const plan = cri(snap({ [CFG]: V2('"127.0.0.2:5000"') }), v, 'docker.io/library/busybox:latest');
    expect(plan.endpoints[0]).toMatchObject({ written: `${scheme}://127.0.0.2:5000`, scheme, path: '/v2' });
    expect(urls(plan)[0]).toBe(`${scheme}://127.0.0.2:5000/v2/library/busybox/manifests/latest?ns=docker.io`);
  });

  // v2.1.9 internal/cri/server/images/image_pull.go: transfer pulls call ConfigureHosts with no host dir; local pulls use registryHosts
  it('2.1: config_path empty, transfer pull → hosts.toml rules; use_local_image_pull → the legacy list', () => {
    const transfer = cri(snap({ [CFG]: 'version = 3\n' }), '2.1.9', 'localhost:5000/app:1');
    expect(transfer.legacyMirrorsKey).toBeUndefined();
    expect(urls(transfer)).toEqual(['https://localhost:5000/v2/app/manifests/1 then http://localhost:5000/v2/app/manifests/1']);
    expect(transfer.endpoints[0]?.capabilities).toContain('push');
    const local = cri(snap({ [CFG]: 'version = 3\n[plugins."io.containerd.cri.v1.images"]\n  use_local_image_pull = true\n' }), '2.1.9', 'localhost:5000/app:1');
    expect(local.legacyMirrorsKey).toBeNull();
    expect(urls(local)).toEqual(['http://localhost:5000/v2/app/manifests/1']);
    expect(local.endpoints[0]?.capabilities).toEqual(['pull', 'resolve']);
    expect(codes(local)).toEqual(expect.arrayContaining(['cri.legacy-localhost-http', 'cri.legacy-default-host']));
  });

  it('1.7: no mirrors at all → the registry over http for localhost, https otherwise, never HTTPS-first', () => {
    expect(urls(cri(snap({ [CFG]: 'version = 2\n' }), '1.7.24', 'localhost:5000/app:1'))).toEqual(['http://localhost:5000/v2/app/manifests/1']);
    expect(urls(cri(snap({ [CFG]: 'version = 2\n' }), '1.7.24', 'busybox'))).toEqual(['https://registry-1.docker.io/v2/library/busybox/manifests/latest']);
  });

  // registryEndpoints compares each endpoint's host with the reference host "docker.io", not registry-1.docker.io
  it('docker.io: an endpoint https://registry-1.docker.io does not stop the append', () => {
    const plan = cri(snap({ [CFG]: V2('"https://registry-1.docker.io"') }), '1.7.24', 'busybox');
    expect(plan.endpoints.map((e) => [e.kind, e.written])).toEqual([
      ['legacy-mirror', 'https://registry-1.docker.io'],
      ['upstream', 'https://registry-1.docker.io'],
    ]);
  });

  // registryHosts: `if u.Path == "" { u.Path = "/v2" }`, then resolver.go request path.Join("/", path, repository, …)
  it.each([
    ['"https://my.registry:5666/"', 'https://my.registry:5666/library/busybox/manifests/latest?ns=docker.io', 'cri.legacy-path-without-v2'],
    ['"http://nexus.example/nexus/repository/docker-hub/"', 'http://nexus.example/nexus/repository/docker-hub/library/busybox/manifests/latest?ns=docker.io', 'cri.legacy-path-without-v2'],
    ['"https://harbor.example/v2/proxy-project"', 'https://harbor.example/v2/proxy-project/library/busybox/manifests/latest?ns=docker.io', 'cri.legacy-path-as-written'],
    ['"https://mirror.example"', 'https://mirror.example/v2/library/busybox/manifests/latest?ns=docker.io', null],
  ])('endpoint %s → %s', (endpoint, url, code) => {
    for (const v of ['1.6.39', '1.7.24', '2.1.9']) {
      const plan = cri(snap({ [CFG]: V2(endpoint) }), v, 'busybox');
      expect(urls(plan)[0]).toBe(url);
      const pathCodes = codes(plan).filter((c) => c.startsWith('cri.legacy-path'));
      expect(pathCodes).toEqual(code ? [code] : []);
    }
  });

  // addDefaultScheme: url.Parse("dummy://" + endpoint) fails → registryHosts returns the error, the pull fails
  it('an endpoint that is not a URL fails every pull before a request', () => {
    const plan = cri(snap({ [CFG]: V2('"[bad"') }), '1.7.24', 'busybox');
    expect(plan.status).toBe('fails-before-request');
    expect(plan.error).toBe(`failed to pull and unpack image "docker.io/library/busybox:latest": failed to resolve reference "docker.io/library/busybox:latest": get registry endpoints: parse endpoint url: parse "dummy://[bad": missing ']' in host`);
  });
});

describe('hosts.toml paths whose requests miss the registry API', () => {
  const hostsDir = (toml: string, v: string) => {
    const s = snap({ '/c/docker.io/hosts.toml': toml });
    const p = profile(v);
    return planCtrHostsDir({ ref: 'docker.io/library/busybox:latest', snapshot: s, profile: p, config: analyzeConfig(CFG, s, p), hostsDir: '/c' });
  };
  // hosts.go parseHostConfig: /v2 appended unless the cleaned path ends in /v2 or override_path
  it.each(['1.6.39', '1.7.24', '2.1.9'])('%s: a Harbor project URL holding /v2 gets a second /v2 (error)', (v) => {
    const plan = hostsDir('[host."https://harbor.example/v2/proxy-project"]\n', v);
    expect(urls(plan)[0]).toBe('https://harbor.example/v2/proxy-project/v2/library/busybox/manifests/latest?ns=docker.io');
    expect(plan.decisions.find((d) => d.code === 'hosts-toml.v2-appended')?.severity).toBe('error');
  });
  it.each(['1.6.39', '1.7.24', '2.1.9'])('%s: override_path on a path without /v2 (error), with /v2 (fine)', (v) => {
    const none = hostsDir('[host."https://mirror.example"]\n  override_path = true\n', v);
    expect(urls(none)[0]).toBe('https://mirror.example/library/busybox/manifests/latest?ns=docker.io');
    expect(none.decisions.map((d) => d.code)).toContain('hosts-toml.override-path-without-v2');
    const harbor = hostsDir('[host."https://harbor.example/v2/proxy-project"]\n  override_path = true\n', v);
    expect(urls(harbor)[0]).toBe('https://harbor.example/v2/proxy-project/library/busybox/manifests/latest?ns=docker.io');
    expect(harbor.decisions.map((d) => d.code)).not.toContain('hosts-toml.override-path-without-v2');
  });
  it('a prefix without /v2 gets one appended: only a warning (right for Nexus path routing)', () => {
    const plan = hostsDir('[host."https://nexus.example/repository/docker-hub"]\n', '2.1.9');
    expect(urls(plan)[0]).toBe('https://nexus.example/repository/docker-hub/v2/library/busybox/manifests/latest?ns=docker.io');
    expect(plan.decisions.find((d) => d.code === 'hosts-toml.v2-appended')?.severity).toBe('warning');
  });
});
