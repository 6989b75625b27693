import type { LabLogLevel } from './layout.js';

export interface DaemonCommandInput {
  containerd: string;
  config: string;
  root: string;
  state: string;
  address: string;
  logLevel: LabLogLevel;
}

/**
 * The command line the lab starts one containerd with. `info`: `--config` alone, as a node's
 * systemd unit does (root, state and the sockets come from the config). `debug`: the lab's
 * historical command line, which also names them as flags and adds `--log-level debug`. Pure.
 */
export function daemonCommand(i: DaemonCommandInput): string[] {
  if (i.logLevel === 'info') return [i.containerd, '--config', i.config];
  return [i.containerd, '--config', i.config, '--root', i.root, '--state', i.state, '--address', i.address, '--log-level', 'debug'];
}
