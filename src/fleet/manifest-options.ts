/** What `fleet manifest` can be asked for (src/cli/fleet-manifest.ts maps the command line to it), and the defaults. */
import type { FleetDistribution } from './distributions.js';

export type FleetKind = 'daemonset' | 'job';

export const FLEET_KINDS: readonly FleetKind[] = ['daemonset', 'job'];
export const DEFAULT_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
export const DEFAULT_TTL_SECONDS = 86_400;

export interface FleetResources {
  requests: { cpu: string; memory: string; 'ephemeral-storage': string };
  limits: { cpu: string; memory: string; 'ephemeral-storage': string };
}

export const DEFAULT_RESOURCES: FleetResources = {
  requests: { cpu: '50m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
  limits: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '1Gi' },
};

export interface FleetManifestOptions {
  /** the single-file build (dist/mirror-doctor.mjs), uncompressed */
  bundle: Buffer;
  kind?: FleetKind;
  /** `job`: one Job per node (required); `daemonset`: only these nodes (default every node) */
  nodes?: string[];
  namespace?: string;
  /** add a Namespace document (default true) */
  createNamespace?: boolean;
  image?: string;
  /** the image `check` looks at on every node (default: check's own default) */
  ref?: string;
  distribution?: FleetDistribution;
  /** more `check` options, e.g. ['--offline'] or ['--ignore', 'proxy-env-mismatch'] */
  checkArgs?: string[];
  /** the ctr binary on the nodes (default: the distribution's); null: do not mount one */
  ctrPath?: string | null;
  /** the nodes' CA bundle, for ctr's TLS (default /etc/ssl/certs/ca-certificates.crt); null: none */
  caBundle?: string | null;
  /** mount the systemd unit folders (the daemon's proxy settings; default true) */
  systemd?: boolean;
  /** run in the node's network namespace and DNS, as ctr on the node would (default true) */
  hostNetwork?: boolean;
  /** more node folders to mount read-only under /host (e.g. a config_path outside the defaults) */
  extraMounts?: string[];
  /** SELinux type for the pod on enforcing nodes, e.g. spc_t (default: none) */
  seLinuxType?: string;
  /** Jobs: seconds the finished Jobs (and their logs) are kept (default one day) */
  ttlSecondsAfterFinished?: number;
  resources?: FleetResources;
  /** mirror-doctor's version, for the header comment */
  version?: string;
}
