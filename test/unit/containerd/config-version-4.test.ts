/**
 * containerd 2.3 raised the config version to 4 (v2.3.0 version/version.go ConfigVersion) and
 * migrates each file below it on its own (cmd/containerd/server/config/config.go
 * LoadConfigWithPlugins): CRI's grpc.v1.cri table is then read from version 3 files too, and an
 * import with a higher version than the root file stops containerd (containerd#12891, 2.3.0–2.3.4).
 */
import { describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';
const DROP_IN = '/etc/containerd/conf.d/99-gpu.toml';
const GRPC = (v: number) => `version = ${v}\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n`;
const IMAGES = (v: number) => `version = ${v}\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d"\n`;
const codes = (a: ReturnType<typeof analyzeConfig>) => a.decisions.map((x) => x.code);

describe('config.toml version 4 and per-file migration (containerd 2.3)', () => {
  it.each([
    ['2.2.7', 4, 'failed to load TOML from /etc/containerd/config.toml: expected containerd config version equal to or less than `3`, got `4`'],
    ['2.3.2', 4, undefined],
    ['2.3.2', 5, 'failed to load TOML from /etc/containerd/config.toml: expected containerd config version equal to or less than `4`, got `5`'],
  ])('on %s, version = %i: %s', (v, version, error) => {
    expect(analyzeConfig(CFG, snap({ [CFG]: IMAGES(version) }), profile(v)).startupError).toBe(error);
  });

  it.each([
    ['2.1.9', '', true],
    ['2.3.2', '/etc/containerd/certs.d', false],
  ])('on %s, the version 2 table name in a version 3 file: config_path %j, wrong table %s', (v, configPath, wrong) => {
    const a = analyzeConfig(CFG, snap({ [CFG]: GRPC(3) }), profile(v));
    expect(a.cri.configPath).toBe(configPath);
    expect(codes(a).includes('config.registry-wrong-table')).toBe(wrong);
  });

  it('on 2.3 the version 2 table name in a version 4 file is not migrated', () => {
    expect(codes(analyzeConfig(CFG, snap({ [CFG]: GRPC(4) }), profile('2.3.2')))).toContain('config.registry-wrong-table');
  });

  it.each([
    ['2.1.9', undefined],
    ['2.3.2', 'drop-in config version 3 higher than root config version 2'],
  ])('on %s, a version 3 import under a version 2 root: %s', (v, error) => {
    const root = GRPC(2).replace('version = 2\n', `version = 2\nimports = ["${DROP_IN}"]\n`);
    const a = analyzeConfig(CFG, snap({ [CFG]: root, [DROP_IN]: 'version = 3\n[plugins."io.containerd.cri.v1.runtime".containerd]\n  default_runtime_name = "nvidia"\n' }), profile(v));
    expect(a.startupError).toBe(error);
    if (error) expect(a.decisions.find((x) => x.code === 'config.version-unsupported')?.at?.file).toBe(DROP_IN);
    // before 2.3 the merged config takes version 3, and the root's version 2 table is not migrated
    else expect(codes(a)).toContain('config.registry-wrong-table');
  });
});
