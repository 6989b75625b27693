import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../helpers/facts-fixture.js';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';
const an = (text: string, v: string, extra: Record<string, string> = {}) => analyzeConfig(CFG, snap({ [CFG]: text, ...extra }), profile(v));

// containerd's own errors, as the 1.6.20, 1.7.24 and 2.1.9 binaries print them for `containerd --config
// FILE config dump` (test/integration/config-startup.test.ts runs them); 1.5.18 from its ValidateV2
describe('plugin ids of a version 2 file: containerd does not start at a short one', () => {
  const KEY = 'invalid plugin key URI "cri" expect io.containerd.x.vx';
  const DISABLED = 'invalid disabled plugin URI "cri" expect io.containerd.x.vx';
  const REQUIRED = 'invalid required plugin URI "cri" expect io.containerd.x.vx';
  const FOUR = 'invalid plugin key URI "foo.bar.baz.qux" expect io.containerd.x.vx';
  it.each([
    ['version = 2\n[plugins."cri".registry]\n  config_path = "/d"\n', { '1.5.18': KEY, '1.6.20': KEY, '1.7.24': KEY, '2.1.9': undefined }],
    ['version = 2\ndisabled_plugins = ["cri"]\n', { '1.5.18': DISABLED, '1.6.20': DISABLED, '1.7.24': DISABLED, '2.1.9': DISABLED }],
    ['version = 2\nrequired_plugins = ["cri"]\n', { '1.5.18': REQUIRED, '1.6.20': REQUIRED, '1.7.24': REQUIRED, '2.1.9': REQUIRED }],
    ['version = 2\n[plugins."foo.bar.baz.qux"]\n  x = 1\n', { '1.5.18': undefined, '1.6.20': undefined, '1.7.24': FOUR, '2.1.9': undefined }],
    ['version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[plugins."io.containerd.grpc.v1.cri"]\n', { '1.5.18': undefined, '1.6.20': undefined, '1.7.24': undefined, '2.1.9': undefined }],
    ['version = 1\ndisabled_plugins = ["cri"]\n[plugins.cri]\n', { '1.5.18': undefined, '1.6.20': undefined, '1.7.24': undefined, '2.1.9': undefined }],
  ] as const)('%j', (text, want) => {
    for (const [v, err] of Object.entries(want)) expect(an(text, v).startupError, v).toBe(err);
  });

  it('names the table or the list, and where the table is', () => {
    const d = an('version = 2\n[plugins."cri".registry]\n  config_path = "/d"\n', '1.7.24').decisions.find((x) => x.code === 'config.disabled-plugin-invalid');
    expect(d?.message).toBe('the table [plugins."cri"] is not a full plugin id in a version 2 file: containerd 1.7 refuses to start');
    expect(d?.configPath).toEqual(['plugins', 'cri']);
    expect(an('version = 2\nrequired_plugins = ["cri"]\n', '1.6.20').decisions.find((x) => x.code === 'config.disabled-plugin-invalid')?.configPath).toEqual(['required_plugins']);
  });
});

// as the binaries print it (test/integration/config-startup.test.ts); 1.6.32/1.7.17 from their ValidateV2
describe('a version above the highest: containerd does not start (1.6.32+, 1.7.17+, 2.x)', () => {
  const TOML = 'failed to load TOML from /etc/containerd/config.toml';
  it.each([
    ['version = 4\n', '1.6.20', undefined, 2],
    ['version = 4\n', '1.6.32', `${TOML}: unsupported config version \`4\``, 4],
    ['version = 4\n', '1.7.24', `${TOML}: unsupported config version \`4\``, 4],
    ['version = 4\n', '2.1.9', `${TOML}: expected containerd config version equal to or less than \`3\`, got \`4\``, 4],
    ['version = 3\n', '2.1.9', undefined, 3],
  ] as const)('%j on %s', (text, v, err, read) => {
    const a = an(text, v);
    expect(a.startupError).toBe(err);
    expect(a.version).toBe(read);
  });
});

// containerd decodes the top-level fields into typed Go fields: another type stops it (checked with the
// 1.6, 1.7 and 2.1 binaries in test/integration/config-startup.test.ts)
describe('a top-level field of the wrong type: containerd does not start', () => {
  it.each([
    ['version = "2"\n', '`version` is a string, where containerd wants an integer'],
    ['version = 2\ndisabled_plugins = "io.containerd.grpc.v1.cri"\n', '`disabled_plugins` is a string, where containerd wants an array of strings'],
    ['version = 2\nimports = [1]\n', '`imports` is an array holding other values, where containerd wants an array of strings'],
    ['version = 2\nplugins = 1\n', '`plugins` is an integer, where containerd wants a table'],
    // smol-toml reads `2.0` as the number 2; Go decodes a float
    ['version = 2.0\n', '`version` is a float, where containerd wants an integer'],
    ['version = 2\noom_score = -1e3\n', '`oom_score` is a float, where containerd wants an integer'],
  ])('%j', (text, error) => {
    for (const v of ['1.6.20', '1.7.24', '2.1.9']) {
      const a = an(text, v);
      expect(a.startupError, v).toBe(`/etc/containerd/config.toml: ${error}`);
      expect(a.decisions.find((d) => d.code === 'config.syntax-error')?.at?.line, v).toBe(text.startsWith('version = 2\n') ? 2 : 1);
    }
  });

  it('the right types and unknown keys start', () => {
    for (const v of ['1.6.20', '1.7.24', '2.1.9']) expect(an('version = 2\nroot = "/r"\noom_score = -999\nimports = []\nunknown = 1\n[grpc]\n', v).startupError, v).toBeUndefined();
    for (const v of ['1.7.24', '2.1.9']) expect(an('version = 0x2\noom_score = 0xe\n', v).startupError, v).toBeUndefined();
  });
});

describe('§3 config.toml', () => {
  it('v2 file on 1.7: config_path from plugins."io.containerd.grpc.v1.cri".registry', () => {
    const a = an('version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n', '1.7.24');
    expect([a.cri.configPath, a.cri.configPathSource, a.cri.pullMode]).toEqual(['/etc/containerd/certs.d', 'file', 'local']);
  });
  it('no version line on 1.x: the v2 table name is not read', () => {
    const a = an('[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/x"\n', '1.6.20');
    expect(a.cri.configPath).toBe('');
    expect(a.decisions.map((d) => d.code)).toEqual(expect.arrayContaining(['config.no-version', 'config.registry-wrong-table']));
  });
  it('version 1 file on 1.x reads plugins.cri.registry', () => {
    expect(an('[plugins.cri.registry]\n  config_path = "/x"\n', '1.6.20').cri.configPath).toBe('/x');
  });
  it('v2 table inside a version 3 file on 2.x is not read', () => {
    const a = an('version = 3\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/x"\n', '2.1.9');
    expect(a.cri.configPath).toBe('');
    expect(a.decisions.find((d) => d.code === 'config.registry-wrong-table')?.message).toContain('not migrated');
  });
  it('v2 file on 2.x is migrated into io.containerd.cri.v1.images', () => {
    const a = an('version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/x"\n', '2.1.9');
    expect(a.cri.configPath).toBe('/x');
    expect(a.decisions.find((d) => d.code === 'config.migrated')?.containerdLog).toBe('level=warning msg="Configuration migrated from version 2, use `containerd config migrate` to avoid migration"');
  });
  it('version = 3 on 1.7.17+ stops containerd', () => {
    expect(an('version = 3\n', '1.7.24').startupError).toBe('failed to load TOML from /etc/containerd/config.toml: unsupported config version `3`');
    expect(an('version = 3\n', '1.7.16').startupError).toBeUndefined();
  });
  it('mirrors + config_path: CRI fails to load (exact text per generation)', () => {
    const t1 = 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/x"\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["https://m"]\n';
    expect(an(t1, '1.7.24').cri.notLoadedReason).toBe('invalid plugin config: `mirrors` cannot be set when `config_path` is provided');
    expect(an(t1, '2.1.9').cri.notLoadedReason).toBe('invalid cri image config: `mirrors` cannot be set when `config_path` is provided');
  });
  it('2.2.0: mirrors alone meet the default config_path and CRI fails; 2.2.2 does not', () => {
    const t = 'version = 3\n[plugins."io.containerd.cri.v1.images".registry.mirrors."docker.io"]\n  endpoint = ["https://m"]\n';
    expect(an(t, '2.2.0').cri.loads).toBe(false);
    expect(an(t, '2.2.2').cri.loads).toBe(true);
  });
  it('2.1: registry.mirrors force local pull mode', () => {
    const a = an('version = 3\n[plugins."io.containerd.cri.v1.images".registry.mirrors."docker.io"]\n  endpoint = ["https://m"]\n', '2.1.9');
    expect([a.cri.pullMode, a.cri.pullModeReason]).toEqual(['local', 'forced local by registry.mirrors']);
  });
  it('2.1: discard_unpacked_layers forces local mode; otherwise transfer', () => {
    expect(an('version = 3\n[plugins."io.containerd.cri.v1.images"]\n  discard_unpacked_layers = true\n', '2.1.9').cri.pullMode).toBe('local');
    expect(an('version = 3\n', '2.1.9').cri.pullMode).toBe('transfer');
  });
  // A value someone wrote is flagged; the empty string `containerd config default` prints is not.
  it.each([
    ['"/x" on 2.1', true, 'version = 3\n[plugins."io.containerd.transfer.v1.local"]\n  config_path = "/x"\n', '2.1.9'],
    ["'/x' on 2.2", true, "version = 3\n[plugins.'io.containerd.transfer.v1.local']\n  config_path = '/x'\n", '2.2.0'],
    ['"/x" on 1.7', true, 'version = 2\n[plugins."io.containerd.transfer.v1.local"]\n  config_path = "/etc/containerd/certs.d"\n', '1.7.24'],
    ['"" on 1.7', false, 'version = 2\n[plugins."io.containerd.transfer.v1.local"]\n  config_path = ""\n', '1.7.24'],
    ["'' on 2.2", false, "version = 3\n[plugins.'io.containerd.transfer.v1.local']\n  config_path = ''\n", '2.2.0'],
    ['no key', false, 'version = 3\n[plugins."io.containerd.transfer.v1.local"]\n  max_concurrent_downloads = 3\n', '2.1.9'],
  ] as const)('transfer plugin config_path %s: flagged as never read = %s', (_name, flagged, text, v) => {
    expect(an(text, v).decisions.map((d) => d.code).includes('config.transfer-config-path-unused')).toBe(flagged);
  });
  // The real `containerd config default` output (test/fixtures/config-default) raises no transfer finding;
  // 2.2 prints the same transfer table as 2.1 (plugins/transfer/plugin.go at v2.2.0, no omitempty).
  it.each([
    ['1.7', '1.7.24'],
    ['2.1', '2.1.9'],
    ['2.1', '2.2.0'],
    ['2.1', '2.2.7'],
  ])('containerd config default of %s read as %s: transfer config_path not flagged', (series, v) => {
    const text = readFileSync(join(FIXTURES, 'config-default', `${series}.toml`), 'utf8');
    expect(text).toMatch(/\[plugins\.["']io\.containerd\.transfer\.v1\.local["']\][^[]*config_path = (""|'')/);
    const a = an(text, v);
    expect(a.startupError).toBeUndefined();
    expect(a.decisions.map((d) => d.code)).not.toContain('config.transfer-config-path-unused');
  });
  it('1.x import replaces the whole CRI plugin table; 2.x deep-merges', () => {
    const main = 'version = 2\nimports = ["/etc/containerd/conf.d/a.toml"]\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/x"\n';
    const imp = { '/etc/containerd/conf.d/a.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "pause"\n' };
    expect(an(main, '1.7.24', imp).cri.configPath).toBe('');
    expect(an(main, '2.1.9', imp).cri.configPath).toBe('/x');
  });
  it('disabled_plugins = ["io.containerd.grpc.v1.cri"] removes CRI', () => {
    expect(an('version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n', '1.7.24').cri.loads).toBe(false);
  });
});
