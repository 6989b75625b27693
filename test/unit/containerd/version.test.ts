import { describe, expect, it } from 'vitest';
import { parseContainerdVersion, resolveProfile } from '../../../src/containerd/version.js';
import { profile } from './helpers.js';

describe('parseContainerdVersion reads the forms seen on real nodes', () => {
  it.each([
    ['1.6.20~ds1', [1, 6, 20, false]],
    ['v1.7.24', [1, 7, 24, false]],
    ['2.1.9+unknown', [2, 1, 9, false]],
    ['2.2', [2, 2, 0, true]],
    ['containerd github.com/containerd/containerd/v2 v2.1.9 abcdef', [2, 1, 9, false]],
    ['containerd containerd.io 1.7.24 88bf19b2', [1, 7, 24, false]],
    ['1.7.24~ds1-6+deb13u1', [1, 7, 24, false]],
  ] as const)('%s → %j', (input, [maj, min, pat, assumed]) => {
    const r = parseContainerdVersion(input);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([r.version.major, r.version.minor, r.version.patch, r.version.patchAssumed]).toEqual([maj, min, pat, assumed]);
  });
  it('garbage is refused with an example', () => {
    expect(parseContainerdVersion('3dce8eb').ok).toBe(false);
    expect(parseContainerdVersion('latest')).toEqual({ ok: false, error: 'cannot read a containerd version from "latest" (expected e.g. 1.7.24, v2.1.9, 1.6.20~ds1)' });
  });
  it('no version → 2.1.9 assumed, and the assumption is stated', () => {
    const r = resolveProfile(undefined);
    expect(r.ok && r.source).toBe('assumed');
    expect(r.ok && r.profile.label).toBe('containerd 2.1.9');
    expect(r.ok && r.profile.assumption).toMatch(/assuming 2\.1\.9/);
  });
  it('"2.2" states that the patch was assumed', () => {
    expect(profile('2.2').assumption).toBe('no patch version given in "2.2"; assuming 2.2.0');
  });
});

// §0.1 version map: one row per gate boundary.
// Version strings as real nodes report them (containerd --version, the Version API, a node's
// containerRuntimeVersion, a package manager), each mapped to the upstream version it packages.
// The Debian lines are what the lab's Debian builds print (test/fixtures/config-default/README.md).
describe('distribution and build version strings map to their upstream version', () => {
  it.each([
    // [input, upstream label, pre-release, exact (info) or approximate (assumption), note must say]
    ['v1.7.11-k3s2', 'containerd 1.7.11', '', true, /k3s\/RKE2 build .* of containerd 1\.7\.11/],
    ['containerd://1.7.17-k3s1', 'containerd 1.7.17', '', true, /k3s/],
    ['ctr github.com/k3s-io/containerd v1.7.11-k3s2', 'containerd 1.7.11', '', true, /^v1\.7\.11-k3s2 is a k3s/],
    ['2.0.5-k3s1', 'containerd 2.0.5', '', true, /k3s/],
    ['v2.2.3-k3s1', 'containerd 2.2.3', '', true, /k3s/],
    ['1.7.27-0ubuntu1', 'containerd 1.7.27', '', true, /Ubuntu package of containerd 1\.7\.27/],
    ['1.7.28-0ubuntu1~24.04.1', 'containerd 1.7.28', '', true, /Ubuntu/],
    ['1.6.20~ds1-1+deb12u3', 'containerd 1.6.20', '', true, /Debian package of containerd 1\.6\.20/],
    ['containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3', 'containerd 1.6.20', '', true, /^1\.6\.20~ds1 is a Debian package/],
    ['containerd github.com/containerd/containerd 1.7.24~ds1 1.7.24~ds1-6+deb13u1', 'containerd 1.7.24', '', true, /Debian/],
    ['1.7.24~ds1-6+deb13u1', 'containerd 1.7.24', '', true, /Debian/],
    ['2.1.9+ds1-5', 'containerd 2.1.9', '', true, /Debian/],
    ['containerd github.com/containerd/containerd/v2 2.1.9+unknown ', 'containerd 2.1.9', '', true, /without a version stamp/],
    ['v2.1.9+unknown', 'containerd 2.1.9', '', true, /without a version stamp/],
    ['1.7.15+azure-1', 'containerd 1.7.15', '', true, /Azure/],
    ['containerd://1.7.15-1', 'containerd 1.7.15', '', true, /package \(revision suffix\)/],
    ['1.7.20+bottlerocket', 'containerd 1.7.20', '', true, /Bottlerocket/],
    ['2.0.0-rc.1+unknown', 'containerd 2.0.0-rc.1', 'rc.1', true, /without a version stamp/],
    ['v2.4.0-beta.0-70-g301026e58', 'containerd 2.4.0-beta.0', 'beta.0', false, /development build 70 commit\(s\) after v2\.4\.0-beta\.0/],
    ['v1.7.24-12-gabc1234.m', 'containerd 1.7.24', '', false, /12 commit\(s\) after v1\.7\.24 with uncommitted changes/],
    ['v1.7.28-0.20250603120000-abcdef123456', 'containerd 1.7.27', '', false, /pseudo-version .* after v1\.7\.27/],
    ['v2.1.0-0.20250101000000-abcdef123456', 'containerd 2.1.0', '', false, /before v2\.1\.0/],
    ['v1.7.11-k3s2.0.20240101000000-abcdef123456', 'containerd 1.7.11', '', false, /after v1\.7\.11-k3s2 \(a k3s/],
    ['1.7.0-foo', 'containerd 1.7.0', '', false, /"-foo" is neither an upstream containerd pre-release/],
  ] as const)('%s → %s', (input, label, pre, exact, note) => {
    const p = profile(input);
    expect(p.label).toBe(label);
    expect(p.version.prerelease).toBe(pre);
    if (exact) {
      expect(p.buildNote).toMatch(note);
      expect(p.assumption ?? '').not.toMatch(note);
    } else {
      expect(p.assumption).toMatch(note);
      expect(p.buildNote).toBeUndefined();
    }
  });
  it.each(['v1.7.24', '2.1.9', 'containerd containerd.io 1.7.24 88bf19b2'])('an upstream tag %s carries no note', (input) => {
    const p = profile(input);
    expect([p.buildNote, p.assumption]).toEqual([undefined, undefined]);
  });
  // A distribution suffix is not a pre-release: 2.x builds keep the 2.x resolver log texts.
  it.each([
    ['2.0.5-k3s1', 'v2'],
    ['2.1.9+ds1-5', 'v2'],
    ['2.1.0-rc.0', 'v2'],
    ['2.0.0-rc.6', 'v1'],
    ['2.0.0', 'v2'],
  ])('resolver log texts of %s are %s', (input, texts) => {
    expect(profile(input).resolverLogTexts).toBe(texts);
  });
  it.each(['v1.29.0+k3s1', 'v1.30.4-k3s1', 'k3s version v1.31.1+rke2r1 (abc)', '1.8.0'])('%s is refused: containerd 1.x ended at 1.7', (input) => {
    const r = resolveProfile(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/is not a containerd version: containerd 1\.x ended at 1\.7/);
  });
});

describe('§0.1 version map', () => {
  it.each([
    ['_default host directory', '1.6.16', (p: ReturnType<typeof profile>) => p.defaultHostDir, false],
    ['_default host directory', '1.6.17', (p: ReturnType<typeof profile>) => p.defaultHostDir, true],
    ['_default host directory', '1.7.0', (p: ReturnType<typeof profile>) => p.defaultHostDir, true],
    ['localhost rule', '1.6.8', (p: ReturnType<typeof profile>) => p.localhost, 'none'],
    ['localhost rule', '1.6.9', (p: ReturnType<typeof profile>) => p.localhost, 'http-any-port'],
    ['localhost rule', '1.6.25', (p: ReturnType<typeof profile>) => p.localhost, 'port-rule'],
    ['localhost rule', '1.7.7', (p: ReturnType<typeof profile>) => p.localhost, 'http-any-port'],
    ['localhost rule', '1.7.8', (p: ReturnType<typeof profile>) => p.localhost, 'port-rule'],
    ['https-first fallback', '1.6.24', (p: ReturnType<typeof profile>) => p.httpsFirst, 'none'],
    ['https-first fallback', '1.6.25', (p: ReturnType<typeof profile>) => p.httpsFirst, 'port-required-not-80'],
    ['https-first fallback', '1.7.6', (p: ReturnType<typeof profile>) => p.httpsFirst, 'none'],
    ['https-first fallback', '1.7.7', (p: ReturnType<typeof profile>) => p.httpsFirst, 'any-port'],
    ['https-first fallback', '1.7.23', (p: ReturnType<typeof profile>) => p.httpsFirst, 'port-required-not-80'],
    ['https-first fallback', '1.7.24', (p: ReturnType<typeof profile>) => p.httpsFirst, 'not-port-80'],
    ['https-first log line', '1.7.7', (p: ReturnType<typeof profile>) => p.httpsFirstLogLine, false],
    ['https-first log line', '1.7.8', (p: ReturnType<typeof profile>) => p.httpsFirstLogLine, true],
    ['no [host] table fails', '1.6.39', (p: ReturnType<typeof profile>) => p.requiresHostTable, true],
    ['no [host] table fails', '1.7.31', (p: ReturnType<typeof profile>) => p.requiresHostTable, true],
    ['no [host] table fails', '1.7.32', (p: ReturnType<typeof profile>) => p.requiresHostTable, false],
    ['no [host] table fails', '2.0.0', (p: ReturnType<typeof profile>) => p.requiresHostTable, false],
    ['hosts.toml parser', '1.7.24', (p: ReturnType<typeof profile>) => p.hostsParser, 'go-toml-v1'],
    ['hosts.toml parser', '2.0.0', (p: ReturnType<typeof profile>) => p.hostsParser, 'go-toml-v2'],
    ['override_path', '1.5.18', (p: ReturnType<typeof profile>) => p.overridePath, false],
    ['override_path', '1.6.0', (p: ReturnType<typeof profile>) => p.overridePath, true],
    ['dial_timeout', '2.0.6', (p: ReturnType<typeof profile>) => p.dialTimeout, false],
    ['dial_timeout', '2.0.7', (p: ReturnType<typeof profile>) => p.dialTimeout, true],
    ['dial_timeout', '2.1.0', (p: ReturnType<typeof profile>) => p.dialTimeout, true],
    ['referrers capability', '2.1.9', (p: ReturnType<typeof profile>) => p.referrersCapability, false],
    ['referrers capability', '2.2.0', (p: ReturnType<typeof profile>) => p.referrersCapability, true],
    ['header on token requests', '2.1.0', (p: ReturnType<typeof profile>) => p.headerOnAuthRequests, true],
    ['ns= on push', '2.3.0', (p: ReturnType<typeof profile>) => p.nsOnPush, true],
    ['non-404 tries next host', '1.5.4', (p: ReturnType<typeof profile>) => p.non404TriesNextHost, false],
    ['non-404 tries next host', '1.5.5', (p: ReturnType<typeof profile>) => p.non404TriesNextHost, true],
    ['resolver log texts', '1.7.24', (p: ReturnType<typeof profile>) => p.resolverLogTexts, 'v1'],
    ['resolver log texts', '2.0.0', (p: ReturnType<typeof profile>) => p.resolverLogTexts, 'v2'],
    ['ctr default pull mode', '1.7.24', (p: ReturnType<typeof profile>) => p.ctrDefaultPullMode, 'local'],
    ['ctr default pull mode', '2.0.0', (p: ReturnType<typeof profile>) => p.ctrDefaultPullMode, 'transfer'],
    ['CRI default pull mode', '2.0.11', (p: ReturnType<typeof profile>) => p.criDefaultPullMode, 'local'],
    ['CRI default pull mode', '2.1.0', (p: ReturnType<typeof profile>) => p.criDefaultPullMode, 'transfer'],
    ['CRI default config_path', '2.1.9', (p: ReturnType<typeof profile>) => p.criDefaultConfigPath.form, 'none'],
    ['CRI default config_path', '2.2.1', (p: ReturnType<typeof profile>) => p.criDefaultConfigPath.form, 'default-config'],
    ['CRI default config_path', '2.2.2', (p: ReturnType<typeof profile>) => p.criDefaultConfigPath.form, 'plugin-init'],
    ['version = 3 on 1.x', '1.6.31', (p: ReturnType<typeof profile>) => p.configVersion3, 'ignored'],
    ['version = 3 on 1.x', '1.6.32', (p: ReturnType<typeof profile>) => p.configVersion3, 'fatal'],
    ['version = 3 on 1.x', '1.7.16', (p: ReturnType<typeof profile>) => p.configVersion3, 'ignored'],
    ['version = 3 on 1.x', '1.7.17', (p: ReturnType<typeof profile>) => p.configVersion3, 'fatal'],
    ['imports merge', '1.7.24', (p: ReturnType<typeof profile>) => p.importsMerge, 'replace-plugin-table'],
    ['imports merge', '2.0.0', (p: ReturnType<typeof profile>) => p.importsMerge, 'deep-merge'],
  ] as const)('%s on %s', (_name, v, read, expected) => {
    expect(read(profile(v))).toBe(expected);
  });
  it.each([
    ['1.7.24', 'failed to decode hosts.toml'],
    ['2.1.9', 'failed to decode /etc/containerd/certs.d/docker.io/hosts.toml'],
  ])('decode log line on %s is %s', (v, text) => {
    expect(profile(v).decodeLogMessage('/etc/containerd/certs.d/docker.io')).toBe(text);
  });
});
