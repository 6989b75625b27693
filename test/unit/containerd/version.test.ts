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
