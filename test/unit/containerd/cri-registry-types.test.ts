/**
 * A CRI registry field of the wrong type stops containerd while it loads the CRI plugin; the rows
 * are what the 1.6.20, 1.7.24 and 2.1.9 binaries do with each file (test/integration/config-startup.test.ts
 * runs them): whether they start, and on 1.x the line and column they name.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { criRegistryTypeError } from '../../../src/containerd/cri-registry-types.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';
const G = 'plugins."io.containerd.grpc.v1.cri".registry';
const I = 'plugins."io.containerd.cri.v1.images".registry';
const an = (text: string, v: string) => analyzeConfig(CFG, snap({ [CFG]: text }), profile(v));
const typeDecision = (text: string, v: string) => an(text, v).decisions.find((d) => d.code === 'config.cri-field-type');

describe('a CRI registry field of the wrong type: containerd exits', () => {
  // [file, the field named (null: containerd starts), per version]
  it.each([
    [`version = 2\n[${G}]\n  config_path = 5\n`, { '1.6.20': 'config_path', '1.7.24': 'config_path', '2.1.9': 'config_path' }],
    [`version = 2\n[${G}.mirrors."docker.io"]\n  endpoint = "http://m"\n`, { '1.6.20': 'mirrors."docker.io".endpoint', '1.7.24': 'mirrors."docker.io".endpoint', '2.1.9': 'mirrors."docker.io".endpoint' }],
    [`version = 2\n[${G}.mirrors."docker.io"]\n  endpoint = ["http://m", 1]\n`, { '1.6.20': 'mirrors."docker.io".endpoint', '1.7.24': 'mirrors."docker.io".endpoint', '2.1.9': 'mirrors."docker.io".endpoint' }],
    [`version = 2\n[${G}.mirrors."docker.io"]\n  endpoint = []\n`, { '1.6.20': null, '1.7.24': null, '2.1.9': null }],
    [`version = 2\n[${G}.configs."m".tls]\n  insecure_skip_verify = "true"\n`, { '1.6.20': 'configs.m.tls.insecure_skip_verify', '1.7.24': 'configs.m.tls.insecure_skip_verify', '2.1.9': null }],
    // a comment after the date: go-toml v1 reads it (go-toml-v1-dates.ts)
    [`version = 2\n[${G}]\n  config_path = 1979-05-27 # a date\n`, { '1.6.20': 'config_path', '1.7.24': 'config_path', '2.1.9': 'config_path' }],
    [`version = 2\n[${G}]\n  foo = 5\n`, { '1.6.20': null, '1.7.24': null, '2.1.9': null }],
    [`version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[${G}]\n  config_path = 5\n`, { '1.6.20': null, '1.7.24': null, '2.1.9': 'config_path' }],
    [`version = 3\ndisabled_plugins = ["io.containerd.cri.v1.images"]\n[${I}]\n  config_path = 5\n`, { '2.1.9': null }],
    [`version = 3\n[${G}]\n  config_path = 5\n`, { '2.1.9': null }],
    ['version = 1\n[plugins.cri.registry]\n  config_path = 5\n', { '1.6.20': 'config_path', '1.7.24': 'config_path', '2.1.9': null }],
  ] as const)('%j', (text, want) => {
    for (const [v, field] of Object.entries(want)) {
      const d = typeDecision(text, v);
      expect(d === undefined ? null : d.configPath!.slice(3).map((k) => (/^[\w-]+$/.test(k) ? k : JSON.stringify(k))).join('.'), v).toBe(field);
      expect(an(text, v).startupError === undefined, v).toBe(field === null);
    }
  });

  it('says what the field is and what containerd wants, at the key', () => {
    const d = typeDecision(`version = 2\n\n[${G}]\n  config_path = 5\n`, '1.7.24')!;
    expect(d.message).toBe(`${G}.config_path is an integer, where the CRI plugin wants a string: containerd 1.7.24 exits while loading the CRI plugin`);
    expect(d.at).toEqual({ file: CFG, line: 4, column: 3 });
    expect(d.severity).toBe('error');
  });

  it('is not reported over an earlier startup error', () => {
    const a = an(`version = 4\n[${G}]\n  config_path = 5\n`, '1.7.24');
    expect(a.decisions.some((d) => d.code === 'config.cri-field-type')).toBe(false);
    expect(a.startupError).toMatch(/unsupported config version/);
  });
});

describe('criRegistryTypeError', () => {
  it.each([
    [{ config_path: '/d' }, 1, null],
    ['x', 1, { path: [], error: 'is a string, where the CRI plugin wants a table' }],
    [{ mirrors: [{ endpoint: ['http://m'] }] }, 2, { path: ['mirrors'], error: 'is an array of tables, where the CRI plugin wants a table' }],
    [{ mirrors: { 'docker.io': { endpoint: 'http://m' } } }, 2, { path: ['mirrors', 'docker.io', 'endpoint'], error: 'is a string, where the CRI plugin wants an array of strings' }],
    [{ mirrors: { 'docker.io': { endpoint: [1] } } }, 1, { path: ['mirrors', 'docker.io', 'endpoint'], error: 'is an array, where the CRI plugin wants an array of strings only' }],
    [{ configs: { m: { tls: 'x' } } }, 1, { path: ['configs', 'm', 'tls'], error: 'is a string, where the CRI plugin wants a table' }],
    [{ configs: { m: { tls: 'x' } } }, 2, null],
    [{ headers: { X: 'a' } }, 2, { path: ['headers', 'X'], error: 'is a string, where the CRI plugin wants an array of strings' }],
    [{ auths: { m: { password: true } } }, 2, { path: ['auths', 'm', 'password'], error: 'is a boolean, where the CRI plugin wants a string' }],
    [undefined, 2, null],
  ] as const)('%j on %d.x', (registry, major, want) => {
    expect(criRegistryTypeError(registry, major)).toEqual(want);
  });
});
