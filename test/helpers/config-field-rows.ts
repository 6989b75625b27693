/**
 * config.toml files with a field of the wrong type, and what the 1.6.20, 1.7.24 and 2.1.9 binaries
 * do with each: the field named (a plugin's below `plugins.<id>`), or null where containerd starts.
 * The unit test holds the emulation to them; test/integration/config-startup.test.ts runs them.
 */
const CRI = 'plugins."io.containerd.grpc.v1.cri"';
const TRACING = 'plugins."io.containerd.internal.v1.tracing"';
const GC = 'plugins."io.containerd.gc.v1.scheduler"';

export const PLUGIN_FIELD_ROWS: ReadonlyArray<readonly [string, Record<string, string | null>]> = [
  // kata-deploy's tomlq rewrote `sampling_ratio = 1.0` as `1` (kata-containers/kata-containers#8678)
  [`version = 2\n[${TRACING}]\n  sampling_ratio = 1\n`, { '1.6.20': null, '1.7.24': 'sampling_ratio', '2.1.9': null }],
  [`version = 2\n[${TRACING}]\n  sampling_ratio = 1.0\n`, { '1.6.20': null, '1.7.24': null, '2.1.9': null }],
  [`version = 2\n[${GC}]\n  pause_threshold = 1\n`, { '1.6.20': 'pause_threshold', '1.7.24': 'pause_threshold', '2.1.9': null }],
  [`version = 2\n[${GC}]\n  deletion_threshold = "1"\n`, { '1.6.20': 'deletion_threshold', '1.7.24': 'deletion_threshold', '2.1.9': 'deletion_threshold' }],
  [`version = 2\n[${GC}]\n  schedule_delay = 5\n`, { '1.6.20': 'schedule_delay', '1.7.24': 'schedule_delay', '2.1.9': null }],
  [`version = 2\n[${CRI}]\n  sandbox_image = 5\n`, { '1.6.20': 'sandbox_image', '1.7.24': 'sandbox_image', '2.1.9': 'sandbox_image' }],
  [`version = 2\n[${CRI}]\n  max_concurrent_downloads = "3"\n`, { '1.6.20': 'max_concurrent_downloads', '1.7.24': 'max_concurrent_downloads', '2.1.9': 'max_concurrent_downloads' }],
  // 2.1 panics migrating the version 2 CRI table
  [`version = 2\n[${CRI}.cni]\n  bin_dir = 5\n`, { '1.6.20': 'cni.bin_dir', '1.7.24': 'cni.bin_dir', '2.1.9': 'cni.bin_dir' }],
  // 2.1's migration drops the field before anything decodes it
  [`version = 2\n[${CRI}.containerd]\n  snapshotter = 5\n`, { '1.6.20': 'containerd.snapshotter', '1.7.24': 'containerd.snapshotter', '2.1.9': null }],
  [`version = 2\n[${CRI}.containerd.runtimes.runc]\n  runtime_type = 5\n`, { '1.6.20': 'containerd.runtimes.runc.runtime_type', '1.7.24': 'containerd.runtimes.runc.runtime_type', '2.1.9': 'containerd.runtimes.runc.runtime_type' }],
  // a runtime the default config does not name: the same struct
  [`version = 2\n[${CRI}.containerd.runtimes.kata]\n  runtime_type = 5\n`, { '1.6.20': 'containerd.runtimes.kata.runtime_type', '1.7.24': 'containerd.runtimes.kata.runtime_type', '2.1.9': 'containerd.runtimes.kata.runtime_type' }],
  // runtime options are decoded per container, not at start
  [`version = 2\n[${CRI}.containerd.runtimes.runc.options]\n  SystemdCgroup = "true"\n`, { '1.6.20': null, '1.7.24': null, '2.1.9': null }],
  [`version = 2\ndisabled_plugins = ["io.containerd.internal.v1.tracing"]\n[${TRACING}]\n  sampling_ratio = 1\n`, { '1.6.20': null, '1.7.24': null, '2.1.9': null }],
  [`version = 2\ndisabled_plugins = ["io.containerd.cri.v1.runtime"]\n[${CRI}.cni]\n  bin_dir = 5\n`, { '1.6.20': 'cni.bin_dir', '1.7.24': 'cni.bin_dir', '2.1.9': null }],
  ['version = 3\n[plugins."io.containerd.cri.v1.images"]\n  max_concurrent_downloads = "3"\n', { '1.6.20': null, '2.1.9': 'max_concurrent_downloads' }],
  [`version = 2\n[${CRI}]\n  enable_selinux = "true"\n`, { '1.6.20': 'enable_selinux', '1.7.24': 'enable_selinux', '2.1.9': 'enable_selinux' }],
];

/** A field of a server table: containerd exits when it loads the file (the field named, or null where it starts). */
export const SERVER_TABLE_ROWS: ReadonlyArray<readonly [string, Record<string, string | null>]> = [
  ['version = 2\n[grpc]\n  uid = "x"\n', { '1.6.20': 'grpc.uid', '1.7.24': 'grpc.uid', '2.1.9': 'grpc.uid' }],
  ['version = 2\n[grpc]\n  uid = 0\n', { '1.6.20': null, '1.7.24': null, '2.1.9': null }],
  ['version = 2\n[debug]\n  level = 5\n', { '1.6.20': 'debug.level', '1.7.24': 'debug.level', '2.1.9': 'debug.level' }],
  ['version = 2\n[metrics]\n  grpc_histogram = "true"\n', { '1.6.20': 'metrics.grpc_histogram', '1.7.24': 'metrics.grpc_histogram', '2.1.9': 'metrics.grpc_histogram' }],
  ['version = 2\n[timeouts]\n  "io.containerd.timeout.shim.cleanup" = 5\n', { '1.6.20': 'timeouts."io.containerd.timeout.shim.cleanup"', '1.7.24': 'timeouts."io.containerd.timeout.shim.cleanup"', '2.1.9': 'timeouts."io.containerd.timeout.shim.cleanup"' }],
  ['version = 3\n[cgroup]\n  path = 5\n', { '2.1.9': 'cgroup.path' }],
];
