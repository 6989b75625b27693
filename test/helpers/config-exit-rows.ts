/**
 * config.toml files containerd refuses, and how its exit message starts (`containerd: <words>`), per
 * version: `(line, column)` stands for any position, `…` for any text. The unit test holds
 * config-parse-error to them; test/integration/config-startup.test.ts runs them through the binaries.
 */
export const CONFIG_EXIT_ROWS: ReadonlyArray<readonly [string, string, string]> = [
  ['version = 2\n[plugins\n', '1.7.24', 'failed to load TOML'],
  ['version = 2\n[plugins\n', '2.1.9', 'failed to unmarshal TOML at row …'],
  ['version = "2"\n', '1.6.20', 'failed to unmarshal TOML'],
  ['\uFEFFversion = 3\n', '2.1.9', "failed to unmarshal TOML at row 1 column 1: toml: invalid character at start of key: U+00EF 'ï'"],
  ['version = "2"\n', '2.1.9', 'failed to unmarshal TOML at row …'],
  ['version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = 5\n', '1.7.24', "(line, column): Can't convert …"],
  ['version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = 5\n', '2.1.9', 'toml: cannot decode …'],
  ['version = 2\n[plugins."io.containerd.internal.v1.tracing"]\n  sampling_ratio = 1\n', '1.7.24', "(line, column): Can't convert …"],
  ['version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = 5\n', '2.1.9', 'toml: …'],
  ['version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\n  bin_dir = 5\n', '2.1.9', 'panic: interface conversion: …'],
];
