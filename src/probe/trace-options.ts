/** What a trace is given (the tracer and the paths it runs share it), and its one error. */
import type { TraceProgress } from '../trace/run-schema.js';

export interface TraceOptions {
  /** the reference as ctr needs it (full host/path:tag) */
  ref: string;
  /** the image name given to CRI PullImage (kubelet passes the pod spec's image; CRI normalises) */
  criImage: string;
  ctr: string;
  address: string;
  hostsDir: string;
  /** the same folder as the node names it (under --root hostsDir is a path of this machine): what the daemon's config_path is compared with */
  nodeHostsDir?: string;
  namespace?: string;
  timeoutMs: number;
  /** stop a pull whose connection to a host has not completed after this long (a blackholed host) */
  stallMs: number;
  /** stop a pull that is connected but has had no answer for this long (default: stallMs) */
  responseStallMs?: number;
  full: boolean;
  /** --daemon-log as given (a file, `-`, or `none`); without it the log is found from the daemon's process */
  daemonLog?: string;
  /** the mirror hosts the emulation expects (they name the daemon's connections beside those the pulls show) */
  mirrorHosts?: string[];
  /** the registries the reference's own host serves as a mirror on this node (containerd/mirror-roles.ts) */
  mirrorOf?: string[];
  cri: boolean;
  /** client and server versions when the caller already asked (saves a ctr call) */
  versions?: { client: string | null; server: string | null };
  /** config_path as written in config.toml, and the file's path (for the restart check) */
  diskConfigPath: string | null;
  configFile?: string;
  signal?: AbortSignal;
  onProgress?: (event: TraceProgress) => void;
}

/** The trace could not run at all (no daemon, a namespace in the way). */
export class TraceError extends Error {}

/** The containerd namespace CRI (kubelet) uses. */
export const CRI_NAMESPACE = 'k8s.io';
