import type { LabLogLevel, LabVersion } from './layout.js';

/** How a scenario wants the CRI registry configured in the daemon's config.toml. */
export interface CriRegistrySetup {
  /** `set`: config_path = the lab's hosts folder; `unset`: no config_path at all */
  configPath: 'set' | 'unset';
  /** legacy `registry.mirrors."docker.io".endpoint` next to config_path (fatal for the CRI plugin) */
  legacyMirrorEndpoint?: string;
}

export interface DaemonConfigInput {
  version: LabVersion;
  root: string;
  state: string;
  address: string;
  opt: string;
  /** CNI conf folder for the CRI plugin (it creates it at start; the default is /etc/cni/net.d) */
  cniConfDir: string;
  hostsDir: string;
  cri: CriRegistrySetup;
  /** `debug`: a `[debug] level = "debug"` table; `info`: none, containerd's default level (as on nodes) */
  logLevel: LabLogLevel;
  /** the CRI `image_pull_progress_timeout` (1.7+; 1.6 has no such setting), unset: containerd's default */
  imagePullProgressTimeout?: string;
}

const q = (s: string) => JSON.stringify(s);

/**
 * The config.toml the lab gives one containerd: everything under the lab folder (root, state and
 * the sockets are all here, so `--config` alone starts it), the chosen log level, CRI enabled, and plugins that would touch the machine's own paths (NRI socket, /opt/containerd)
 * disabled or moved. Version 2 schema for 1.x, version 3 for 2.x. Pure.
 */
export function daemonConfigToml(i: DaemonConfigInput): string {
  const v3 = i.version.startsWith('2.');
  const criRegistryTable = v3 ? 'plugins."io.containerd.cri.v1.images".registry' : 'plugins."io.containerd.grpc.v1.cri".registry';
  const lines = [
    '# written by the mirror-doctor lab',
    `version = ${v3 ? 3 : 2}`,
    `root = ${q(i.root)}`,
    `state = ${q(i.state)}`,
    // NRI would create /var/run/nri/nri.sock on the machine
    `disabled_plugins = ["io.containerd.nri.v1.nri"]`,
    '',
    '[grpc]',
    `  address = ${q(i.address)}`,
    '',
    '[ttrpc]',
    `  address = ${q(`${i.address}.ttrpc`)}`,
    '',
    // info is containerd's default: nodes have no [debug] table
    ...(i.logLevel === 'debug' ? ['[debug]', '  level = "debug"', ''] : []),
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(i.opt)}`,
    '',
    `[${v3 ? 'plugins."io.containerd.cri.v1.runtime".cni' : 'plugins."io.containerd.grpc.v1.cri".cni'}]`,
    `  conf_dir = ${q(i.cniConfDir)}`,
    '',
  ];
  if (i.imagePullProgressTimeout !== undefined) {
    lines.push(`[${v3 ? 'plugins."io.containerd.cri.v1.images"' : 'plugins."io.containerd.grpc.v1.cri"'}]`, `  image_pull_progress_timeout = ${q(i.imagePullProgressTimeout)}`, '');
  }
  lines.push(`[${criRegistryTable}]`);
  if (i.cri.configPath === 'set') lines.push(`  config_path = ${q(i.hostsDir)}`);
  if (i.cri.legacyMirrorEndpoint) {
    lines.push('', `[${criRegistryTable}.mirrors."docker.io"]`, `  endpoint = [${q(i.cri.legacyMirrorEndpoint)}]`);
  }
  return `${lines.join('\n')}\n`;
}
