/**
 * A table or key defined twice in config.toml: the finding quotes containerd's own exit error. Each
 * row's words are what `containerd config dump` printed on 1.6.20 and 2.1.9 for that file (containerd#6428).
 */
import { describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../../src/containerd/config-toml.js';
import { profile, snap } from './helpers.js';

const CFG = '/etc/containerd/config.toml';
const MIRRORS = '[plugins."io.containerd.grpc.v1.cri".registry.mirrors]';

describe('config.toml with a table or key defined twice', () => {
  it.each([
    [
      'a table header twice',
      `version = 2\n${MIRRORS}\n${MIRRORS}\n`,
      `failed to load TOML: ${CFG}: (3, 2): duplicated tables`,
      'failed to unmarshal TOML at row 3 column 2: toml: table mirrors already exists',
    ],
    [
      'a quoted table name twice',
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."a"]\n  endpoint = ["x"]\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."a"]\n',
      `failed to load TOML: ${CFG}: (4, 2): duplicated tables`,
      'failed to unmarshal TOML at row 4 column 2: toml: table a already exists',
    ],
    [
      'a key twice',
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = ""\n  config_path = "/x"\n',
      `failed to load TOML: ${CFG}: (4, 3): The following key was defined twice: plugins.io.containerd.grpc.v1.cri.registry.config_path`,
      'failed to unmarshal TOML at row 4 column 3: toml: key config_path is already defined',
    ],
  ])('%s', (_what, text, v1, v2) => {
    const exit = (v: string) => analyzeConfig(CFG, snap({ [CFG]: text }), profile(v)).decisions.find((x) => x.code === 'config.syntax-error')?.containerdExit;
    expect(exit('1.6.20')).toBe(v1);
    expect(exit('1.7.24')).toBe(v1);
    expect(exit('2.1.9')).toBe(v2);
  });
});
