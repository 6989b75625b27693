/**
 * `mirror-doctor fleet manifest`, the pure part: Kubernetes YAML that runs
 * `mirror-doctor check --json --root /host` once on every node (a DaemonSet) or on named nodes
 * (one Job per node) and leaves each node's report, as one JSON document, in its pod log.
 *
 * The tool itself travels in a ConfigMap: the single-file build (dist/mirror-doctor.mjs),
 * brotli-compressed into `binaryData`, with a small launcher (./launcher.ts) that unpacks and runs
 * it with the image's Node.js. Everything on the node is mounted read-only from hostPath volumes:
 * the containerd config and hosts folders of the distribution, the containerd socket, the ctr
 * binary, the systemd unit folders and the CA bundle. Deterministic: the same options and bundle
 * give the same text. Bad options throw a {@link UsageError}.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { Document, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { UsageError } from '../cli/usage-error.js';
import { parseCriReference } from '../containerd/reference.js';
import { BUNDLE_KEY, BUNDLE_SHA256_KEY, LAUNCHER_KEY, LAUNCHER_SOURCE } from './launcher.js';
import { APP_LABEL, APP_NAME, DEFAULT_IMAGE, DEFAULT_NAMESPACE, isDns1123Label, isDns1123Subdomain, NODE_NAME_ENV } from './kubernetes.js';

export { APP_LABEL, APP_NAME, DEFAULT_IMAGE, DEFAULT_NAMESPACE, isDns1123Label, isDns1123Subdomain, NODE_NAME_ENV };

export type FleetKind = 'daemonset' | 'job';
export type FleetDistribution = 'containerd' | 'k3s' | 'rke2' | 'microk8s' | 'k0s';

export const FLEET_KINDS: readonly FleetKind[] = ['daemonset', 'job'];
/** Kubernetes rejects a ConfigMap whose data exceeds 1 MiB; the whole serialized document is kept under it. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;
/** Where the node's files appear in the pod (`check --root`). */
export const HOST_ROOT = '/host';
const TOOL_DIR = '/opt/mirror-doctor';
const DONE_FILE = '/tmp/mirror-doctor.done';
/** Where Go (ctr) looks first for the system CA bundle. */
const CA_FILE_IN_POD = '/etc/ssl/certs/ca-certificates.crt';
export const DEFAULT_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
export const SYSTEMD_UNIT_DIRS = ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];
export const DEFAULT_TTL_SECONDS = 86_400;

export interface HostPathSpec {
  path: string;
  type: 'Directory' | 'File';
}

export interface DistributionLayout {
  /** what it is, for comments */
  title: string;
  /** containerd's config.toml and hosts folders (mounted at /host<path> and at <path>) */
  config: HostPathSpec[];
  /** the containerd socket (mounted at its own path: see `socketMount`) */
  socket: string;
  /** the ctr binary on the node; null: the distribution has no standalone ctr */
  ctr: string | null;
}

/**
 * Per distribution: the folders `check` reads (see src/probe/distribution.ts, which detects the
 * distribution from these files), its socket and its ctr. Only the containerd part of a
 * distribution's folders is mounted: /etc/rancher/k3s holds the admin kubeconfig and the join
 * token, /var/snap/microk8s/current/credentials the cluster's tokens, so neither is.
 *
 * Checked against the distributions' sources (2026-11-28): k3s pkg/agent/config (config dir,
 * certs.d, /run/k3s/containerd) and cmd/k3s/main.go (the `data/current` link to the hashed data
 * dir, whose bin/ctr links to k3s: scripts/build-k3s.sh); RKE2's CLI tools docs
 * (/var/lib/rancher/rke2/bin/ctr, a real ctr that needs --address); MicroK8s default-args
 * (containerd, ctr), containerd-template.toml (config_path ${SNAP_DATA}/args/certs.d) and
 * microk8s-ctr.wrapper (${SNAP}/bin/ctr); k0s pkg/component/worker/containerd (containerd.toml,
 * containerd.d/), its run dir /run/k0s as root, and embedded-bins (no ctr; `k0s ctr` only).
 * A non-default --data-dir (k3s, RKE2) or a rootless or non-root install moves these paths:
 * `--mount` and `--ctr-path` override them.
 */
export const DISTRIBUTIONS: Record<FleetDistribution, DistributionLayout> = {
  containerd: {
    title: 'containerd (kubeadm and most managed clusters)',
    config: [{ path: '/etc/containerd', type: 'Directory' }],
    socket: '/run/containerd/containerd.sock',
    ctr: '/usr/bin/ctr',
  },
  k3s: {
    title: 'k3s',
    config: [{ path: '/var/lib/rancher/k3s/agent/etc/containerd', type: 'Directory' }],
    socket: '/run/k3s/containerd/containerd.sock',
    // the k3s multi-call binary runs ctr when called by that name (a link in the data folder)
    ctr: '/var/lib/rancher/k3s/data/current/bin/ctr',
  },
  rke2: {
    title: 'RKE2',
    config: [{ path: '/var/lib/rancher/rke2/agent/etc/containerd', type: 'Directory' }],
    socket: '/run/k3s/containerd/containerd.sock',
    ctr: '/var/lib/rancher/rke2/bin/ctr',
  },
  microk8s: {
    title: 'MicroK8s',
    config: [{ path: '/var/snap/microk8s/current/args', type: 'Directory' }],
    socket: '/var/snap/microk8s/common/run/containerd.sock',
    ctr: '/snap/microk8s/current/bin/ctr',
  },
  k0s: {
    title: 'k0s',
    config: [
      { path: '/etc/k0s/containerd.toml', type: 'File' },
      { path: '/etc/k0s/containerd.d', type: 'Directory' },
    ],
    socket: '/run/k0s/containerd.sock',
    // `k0s ctr` is a subcommand of the k0s binary, not a program of its own
    ctr: null,
  },
};
export const FLEET_DISTRIBUTIONS = Object.keys(DISTRIBUTIONS) as FleetDistribution[];

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

// ---------------------------------------------------------------- validation


/** `check` options the manifest sets itself, and why they cannot be passed. */
const RESERVED_CHECK_OPTIONS: Record<string, string> = {
  '--json': 'the manifest always passes --json: the report goes to the pod log as JSON',
  '--root': `the manifest passes --root ${HOST_ROOT}`,
  '--address': 'the manifest passes the distribution\'s socket (--distribution)',
  '--ctr': 'the manifest passes the mounted ctr (--ctr-path)',
  '--report': 'the report goes to the pod log; a file in the pod would be lost',
  '--save': 'the report goes to the pod log; a folder in the pod would be lost',
  '--daemon-log': 'the pod cannot read the node\'s log files (not mounted)',
};
/** `check` options that take a value, and flags, that make sense in a pod. */
const CHECK_VALUE_OPTIONS = new Set(['--config', '--hosts-dir', '--containerd-version', '--namespace', '--timeout', '--stall', '--response-timeout', '--ignore']);
const CHECK_FLAGS = new Set(['--offline', '--strict', '--full', '--no-cri']);

function validateCheckArgs(args: string[]): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (typeof a !== 'string' || a.trim() === '') throw new UsageError(`check argument ${i + 1} is empty`);
    const name = a.startsWith('--') ? a.split('=')[0]! : a;
    if (RESERVED_CHECK_OPTIONS[name]) throw new UsageError(`check option ${name} cannot be given: ${RESERVED_CHECK_OPTIONS[name]}`);
    if (CHECK_FLAGS.has(name)) {
      if (a.includes('=')) throw new UsageError(`check option ${name} takes no value, got ${JSON.stringify(a)}`);
      continue;
    }
    if (CHECK_VALUE_OPTIONS.has(name)) {
      if (a.includes('=')) {
        if (a.slice(name.length + 1).trim() === '') throw new UsageError(`check option ${name} has an empty value`);
        continue;
      }
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`check option ${name} needs a value`);
      i++;
      continue;
    }
    if (!a.startsWith('-')) throw new UsageError(`unexpected check argument ${JSON.stringify(a)}`, 'pass the image to check with --ref');
    throw new UsageError(
      `check option ${JSON.stringify(a)} is not supported in the fleet manifest`,
      `supported: ${[...CHECK_FLAGS, ...CHECK_VALUE_OPTIONS].sort().join(', ')}`,
    );
  }
}

function validateHostPath(what: string, p: string): string {
  if (typeof p !== 'string' || p.trim() === '') throw new UsageError(`${what} is empty`);
  if (!p.startsWith('/')) throw new UsageError(`${what} ${JSON.stringify(p)} must be an absolute path on the node`);
  if (/[\0\n\r]/.test(p)) throw new UsageError(`${what} ${JSON.stringify(p)} contains a control character`);
  const parts = p.split('/').filter((s) => s !== '');
  if (parts.some((s) => s === '..' || s === '.')) throw new UsageError(`${what} ${JSON.stringify(p)} must not contain . or .. components`);
  if (parts.length === 0) throw new UsageError(`${what} cannot be / (the whole node)`);
  return `/${parts.join('/')}`;
}

function validateImage(image: string): void {
  if (typeof image !== 'string' || image.trim() === '') throw new UsageError('--image is empty', `example: --image ${DEFAULT_IMAGE}`);
  if (/\s/.test(image)) throw new UsageError(`invalid image reference ${JSON.stringify(image)}: it contains white space`, `example: --image ${DEFAULT_IMAGE}`);
  const r = parseCriReference(image);
  if (!r.ok) throw new UsageError(`invalid image reference ${JSON.stringify(image)}: ${r.error}`, `example: --image ${DEFAULT_IMAGE}`);
}

function validateRef(ref: string): void {
  if (typeof ref !== 'string' || ref.trim() === '') throw new UsageError('--ref is empty', 'example: --ref docker.io/library/nginx:1.27');
  if (ref.startsWith('-')) throw new UsageError(`invalid image reference ${JSON.stringify(ref)}: a reference cannot start with "-"`);
  const r = parseCriReference(ref);
  if (!r.ok) throw new UsageError(`invalid image reference ${JSON.stringify(ref)}: ${r.error}`, 'example: --ref docker.io/library/nginx:1.27');
}

interface Resolved {
  kind: FleetKind;
  nodes: string[];
  namespace: string;
  createNamespace: boolean;
  image: string;
  ref: string | null;
  distribution: FleetDistribution;
  layout: DistributionLayout;
  checkArgs: string[];
  /** `--offline` among the check options: the files only, so no socket, ctr, host PID or network */
  offline: boolean;
  ctrPath: string | null;
  caBundle: string | null;
  systemd: boolean;
  hostNetwork: boolean;
  extraMounts: string[];
  seLinuxType: string | null;
  ttl: number;
  resources: FleetResources;
}

/** Checks every option; a UsageError names the first bad one. */
export function resolveFleetOptions(o: FleetManifestOptions): Resolved {
  if (!Buffer.isBuffer(o.bundle) || o.bundle.length === 0) throw new UsageError('the single-file build is empty', 'run `npm run build` to make dist/mirror-doctor.mjs');
  const kind = o.kind ?? 'daemonset';
  if (!FLEET_KINDS.includes(kind)) throw new UsageError(`unknown kind ${JSON.stringify(kind)}: use daemonset or job`);
  const distribution = o.distribution ?? 'containerd';
  if (!Object.prototype.hasOwnProperty.call(DISTRIBUTIONS, distribution)) {
    throw new UsageError(`unknown distribution ${JSON.stringify(distribution)}: use one of ${FLEET_DISTRIBUTIONS.join(', ')}`);
  }
  const namespace = o.namespace ?? DEFAULT_NAMESPACE;
  if (!isDns1123Label(namespace)) {
    throw new UsageError(`invalid namespace ${JSON.stringify(namespace)}: a namespace is a DNS-1123 label (lower-case letters, digits and "-", at most 63, starting and ending with a letter or digit)`);
  }
  const nodes = o.nodes ?? [];
  const seen = new Set<string>();
  for (const n of nodes) {
    if (typeof n !== 'string' || !isDns1123Subdomain(n)) {
      throw new UsageError(`invalid node name ${JSON.stringify(n)}: node names are DNS-1123 subdomains (lower-case letters, digits, "-" and ".", at most 253)`, 'kubectl get nodes -o name lists them');
    }
    if (seen.has(n)) throw new UsageError(`node ${n} is named twice`);
    seen.add(n);
  }
  if (kind === 'job' && nodes.length === 0) throw new UsageError('--kind job needs the nodes to run on', 'example: --kind job --nodes node-1,node-2 (or --kind daemonset for every node)');
  const image = o.image ?? DEFAULT_IMAGE;
  validateImage(image);
  if (o.ref !== undefined) validateRef(o.ref);
  const checkArgs = o.checkArgs ?? [];
  validateCheckArgs(checkArgs);
  const offline = checkArgs.includes('--offline');
  const layout = DISTRIBUTIONS[distribution];
  let ctrPath = o.ctrPath === undefined ? layout.ctr : o.ctrPath === null ? null : validateHostPath('--ctr-path', o.ctrPath);
  let caBundle = o.caBundle === undefined ? DEFAULT_CA_BUNDLE : o.caBundle === null ? null : validateHostPath('--ca-bundle', o.caBundle);
  if (offline) {
    ctrPath = null;
    caBundle = null;
  }
  const taken = new Set([...layout.config.map((c) => c.path), ...(o.systemd === false ? [] : SYSTEMD_UNIT_DIRS)]);
  const extraMounts: string[] = [];
  for (const m of o.extraMounts ?? []) {
    const p = validateHostPath('--mount', m);
    if (['/proc', '/sys', '/dev'].some((x) => p === x || p.startsWith(`${x}/`))) throw new UsageError(`--mount ${p}: /proc, /sys and /dev are not node files to check`);
    if (!taken.has(p)) extraMounts.push(p);
    taken.add(p);
  }
  const seLinuxType = o.seLinuxType ?? null;
  if (seLinuxType !== null && !/^[a-z][a-z0-9_]*_t$/.test(seLinuxType)) throw new UsageError(`invalid SELinux type ${JSON.stringify(seLinuxType)}`, 'example: --selinux-type spc_t');
  const ttl = o.ttlSecondsAfterFinished ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 366 * 86_400) throw new UsageError(`invalid time to keep finished Jobs ${JSON.stringify(ttl)}: a whole number of seconds from 0 to one year`);
  return {
    kind,
    nodes,
    namespace,
    createNamespace: o.createNamespace !== false,
    image,
    ref: o.ref ?? null,
    distribution,
    layout,
    checkArgs,
    offline,
    ctrPath,
    caBundle,
    systemd: o.systemd !== false,
    hostNetwork: o.hostNetwork !== false && !offline,
    extraMounts,
    seLinuxType,
    ttl,
    resources: o.resources ?? DEFAULT_RESOURCES,
  };
}

// ---------------------------------------------------------------- the bundle

export interface CompressedBundle {
  data: Buffer;
  /** brotli quality used */
  quality: number;
  sha256: string;
  originalBytes: number;
}

const compressCache = new WeakMap<Buffer, CompressedBundle[]>();

function brotli(bundle: Buffer, quality: number): Buffer {
  return brotliCompressSync(bundle, {
    params: {
      [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
      [zlibConstants.BROTLI_PARAM_QUALITY]: quality,
      [zlibConstants.BROTLI_PARAM_LGWIN]: 24,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bundle.length,
    },
  });
}

/**
 * Brotli: quality 9 (under a second for the 2.9 MB build), or 11 (several seconds, ~10% smaller)
 * when 9 does not fit `fits`. Deterministic for a given input.
 */
export function compressBundle(bundle: Buffer, fits: (compressed: Buffer) => boolean = () => true): CompressedBundle {
  const cached = compressCache.get(bundle) ?? [];
  const sha256 = createHash('sha256').update(bundle).digest('hex');
  let last: CompressedBundle | null = null;
  for (const quality of [9, 11]) {
    let c = cached.find((x) => x.quality === quality);
    if (!c) {
      c = { data: brotli(bundle, quality), quality, sha256, originalBytes: bundle.length };
      cached.push(c);
      compressCache.set(bundle, cached);
    }
    last = c;
    if (fits(c.data)) return c;
  }
  return last!;
}

// ---------------------------------------------------------------- building

/** The Job of a node: `mirror-doctor-<node>`, shortened with a hash to the 63 characters a Job name may have. */
export function jobName(node: string): string {
  const full = `${APP_NAME}-${node}`;
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(node).digest('hex').slice(0, 8);
  const head = full.slice(0, 63 - hash.length - 1).replace(/[-.]+$/, '');
  return `${head}-${hash}`;
}

interface Mount {
  volume: IVolume;
  mounts: Array<Pick<IVolumeMount, 'mountPath' | 'readOnly'>>;
  comment: string;
}

function hostPathVolume(name: string, path: string, type: 'Directory' | 'File' | 'Socket'): IVolume {
  return { name, hostPath: { path, type } };
}

function volumeName(prefix: string, path: string): string {
  const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const name = `${prefix}-${slug}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(path).digest('hex').slice(0, 8);
  return `${name.slice(0, 63 - 9).replace(/-+$/, '')}-${hash}`;
}

function mounts(r: Resolved, configMapName: string): Mount[] {
  const out: Mount[] = [];
  out.push({
    volume: { name: 'tool', configMap: { name: configMapName, defaultMode: 0o444 } },
    mounts: [{ mountPath: TOOL_DIR, readOnly: true }],
    comment: ` the launcher and the single-file build (brotli) from the ConfigMap; defaultMode 292 = 0444`,
  });
  r.layout.config.forEach((c, i) => {
    out.push({
      volume: hostPathVolume(volumeName('config', c.path), c.path, c.type),
      mounts: [
        { mountPath: `${HOST_ROOT}${c.path}`, readOnly: true },
        { mountPath: c.path, readOnly: true },
      ],
      comment:
        i === 0
          ? ` ${r.layout.title}: config.toml and the hosts folders, read by check under --root ${HOST_ROOT};\n also at the node's own path, so that ctr finds the ca/client files hosts.toml names by absolute path`
          : ` ${r.layout.title}: more containerd configuration (also at the node's own path, as above)`,
    });
  });
  if (!r.offline) out.push({
    volume: hostPathVolume('containerd-socket', r.layout.socket, 'Socket'),
    mounts: [{ mountPath: r.layout.socket, readOnly: true }],
    comment:
      ` the containerd socket, at the node's own path: check finds the daemon's process (hostPID) by the\n` +
      ` --address on its command line. readOnly does not limit what the socket allows: whoever can use it\n` +
      ` controls containerd. check only asks for versions, plugins and the CRI status, and pulls the\n` +
      ` image into throw-away namespaces that it removes afterwards (--offline: no calls at all)`,
  });
  if (r.ctrPath) {
    out.push({
      volume: hostPathVolume('ctr', r.ctrPath, 'File'),
      mounts: [{ mountPath: `${HOST_ROOT}${r.ctrPath}`, readOnly: true }],
      comment: ` the node's own ctr (its version is the one that matters); a node without it keeps the pod in\n ContainerCreating ("hostPath type check failed")`,
    });
  }
  if (r.systemd) {
    SYSTEMD_UNIT_DIRS.forEach((d, i) => {
      out.push({
        volume: hostPathVolume(volumeName('systemd', d), d, 'Directory'),
        mounts: [{ mountPath: `${HOST_ROOT}${d}`, readOnly: true }],
        comment:
          i === 0
            ? ` systemd units and drop-ins (${SYSTEMD_UNIT_DIRS.join(', ')}): the daemon's proxy\n settings (Environment=, EnvironmentFile=); check keeps only the proxy variables of what it reads.\n --no-systemd leaves them out (nodes without systemd)`
            : '',
      });
    });
  }
  for (const p of r.extraMounts) {
    out.push({
      volume: hostPathVolume(volumeName('extra', p), p, 'Directory'),
      mounts: [{ mountPath: `${HOST_ROOT}${p}`, readOnly: true }],
      comment: ' asked for with --mount',
    });
  }
  if (r.caBundle) {
    out.push({
      volume: hostPathVolume('ca-bundle', r.caBundle, 'File'),
      mounts: [{ mountPath: CA_FILE_IN_POD, readOnly: true }],
      comment: ` the node's CA bundle, so that ctr trusts the registries the node trusts (SSL_CERT_FILE)`,
    });
  }
  out.push({
    volume: { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
    mounts: [{ mountPath: '/tmp' }],
    comment: ` TMPDIR: the unpacked build and the output of the ctr pulls (the root file system is read-only)`,
  });
  out.push({
    volume: { name: 'no-shm', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
    mounts: [{ mountPath: '/dev/shm', readOnly: true }],
    comment:
      ` a read-only /dev/shm: the tracer writes ctr's output to /dev/shm when it is writable, else to\n` +
      ` TMPDIR; a pod's /dev/shm is a 64 MB tmpfs that counts against the memory limit`,
  });
  return out;
}

function checkCommandArgs(r: Resolved): string[] {
  return [
    'check',
    '--json',
    '--root',
    HOST_ROOT,
    ...(r.offline ? [] : ['--address', r.layout.socket]),
    ...(r.ctrPath ? ['--ctr', `${HOST_ROOT}${r.ctrPath}`] : []),
    ...r.checkArgs,
    ...(r.ref ? [r.ref] : []),
  ];
}

function labels(component: string): Record<string, string> {
  return { [APP_LABEL]: APP_NAME, 'app.kubernetes.io/component': component, 'app.kubernetes.io/managed-by': APP_NAME };
}

interface PodBuild {
  spec: IPodSpec;
  /** comments: path inside the pod spec → text */
  notes: Array<[Array<string | number>, string]>;
}

function podSpec(r: Resolved, kind: FleetKind, configMapName: string, nodes: string[]): PodBuild {
  const ms = mounts(r, configMapName);
  const env: IEnvVar[] = [
    { name: NODE_NAME_ENV, valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'TMPDIR', value: '/tmp' },
    { name: 'MIRROR_DOCTOR_AFTER', value: kind === 'daemonset' ? 'sleep' : 'exit' },
    { name: 'MIRROR_DOCTOR_DONE_FILE', value: DONE_FILE },
    { name: 'NO_COLOR', value: '1' },
    ...(r.caBundle ? [{ name: 'SSL_CERT_FILE', value: CA_FILE_IN_POD }] : []),
  ];
  const container: IContainer = {
    name: APP_NAME,
    image: r.image,
    imagePullPolicy: 'IfNotPresent',
    command: ['node', '--no-warnings', `${TOOL_DIR}/${LAUNCHER_KEY}`],
    args: checkCommandArgs(r),
    env,
    resources: r.resources,
    securityContext: {
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: ms.flatMap((m) => m.mounts.map((x): IVolumeMount => ({ name: m.volume.name, mountPath: x.mountPath, ...(x.readOnly ? { readOnly: true } : {}) }))),
    terminationMessagePolicy: 'FallbackToLogsOnError',
    ...(kind === 'daemonset'
      ? ({
          readinessProbe: {
            exec: { command: ['node', '-e', `require('node:fs').accessSync(${JSON.stringify(DONE_FILE)})`] },
            initialDelaySeconds: 5,
            periodSeconds: 10,
            timeoutSeconds: 5,
          },
        } satisfies Partial<IContainer>)
      : {}),
  };
  const affinityNodes = nodes.length
    ? ({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: nodes }] }],
            },
          },
        },
      } satisfies Partial<IPodSpec>)
    : {};
  const spec: IPodSpec = {
    ...(r.offline ? {} : ({ hostPID: true } satisfies Partial<IPodSpec>)),
    ...(r.hostNetwork ? ({ hostNetwork: true, dnsPolicy: 'Default' } satisfies Partial<IPodSpec>) : {}),
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    restartPolicy: kind === 'daemonset' ? 'Always' : 'Never',
    terminationGracePeriodSeconds: 60,
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    ...affinityNodes,
    tolerations: [{ operator: 'Exists' }],
    securityContext: {
      seccompProfile: { type: 'RuntimeDefault' },
      ...(r.seLinuxType ? { seLinuxOptions: { type: r.seLinuxType } } : {}),
    },
    containers: [container],
    volumes: ms.map((m) => m.volume),
  };
  const notes: PodBuild['notes'] = [
    ...(r.offline
      ? []
      : ([
          [['hostPID'], ' see the host\'s processes: check reads the containerd daemon\'s command line (--config,\n --address) and start time from /proc (not its environment: that needs CAP_SYS_PTRACE)'],
        ] as PodBuild['notes'])),
    ...(r.hostNetwork
      ? ([[['hostNetwork'], ' ctr pulls from the pod: with the node\'s network, DNS and /etc/hosts it sees the registries as\n ctr on the node would (--no-host-network: the pod network)']] as PodBuild['notes'])
      : []),
    [['automountServiceAccountToken'], ' the tool never talks to the Kubernetes API'],
    [['restartPolicy'], kind === 'daemonset' ? ' a DaemonSet needs Always: the container runs check once and then sleeps, so it never restarts' : ' one run per node; the Job keeps the pod and its log until ttlSecondsAfterFinished'],
    [['terminationGracePeriodSeconds'], ' on SIGTERM check stops its pulls and removes its throw-away namespaces'],
    [['tolerations'], ' every node, control-plane and tainted nodes included'],
    [['containers', 0, 'args'], ` check --json --root ${HOST_ROOT}: the node's files under ${HOST_ROOT}, its daemon over the socket, the report as one\n JSON document on stdout (the pod log); progress and errors go to stderr`],
    [['containers', 0, 'env', 0], ` the node's name, for the report and fleet collect`],
    [
      ['containers', 0, 'securityContext'],
      ' root (uid 0), because config.toml, hosts.toml, client keys and the socket belong to root;\n no capabilities (not even CAP_DAC_OVERRIDE: only files root owns or may read), not privileged,\n no privilege escalation, and a read-only root file system',
    ],
    [['containers', 0, 'resources'], ' node plus two ctr processes at most; the pulls stop once the verdict is known'],
  ];
  if (kind === 'daemonset') notes.push([['containers', 0, 'readinessProbe'], ' ready = check has finished: kubectl rollout status waits for every node']);
  if (nodes.length) notes.push([['affinity'], kind === 'job' ? ' pinned to its node through the scheduler, which still checks its resources (nodeName would skip that)' : ' only the nodes asked for']);
  ms.forEach((m, i) => {
    if (m.comment) notes.push([['volumes', i], m.comment]);
  });
  return { spec, notes };
}

/**
 * Finds the node at `path` (map keys, sequence indexes) and puts `text` above it. A path that is
 * not in the document is a mistake in this file, so it throws rather than drop the comment.
 */
function note(doc: Document, path: Array<string | number>, text: string): void {
  let parent: unknown = doc.contents;
  for (const key of path.slice(0, -1)) parent = isMap(parent) || isSeq(parent) ? parent.get(key, true) : undefined;
  const last = path[path.length - 1]!;
  let target: YamlNode | undefined;
  if (isSeq(parent) && typeof last === 'number') target = parent.items[last] as YamlNode | undefined;
  else if (isMap(parent)) {
    const key = parent.items.find((p) => isScalar(p.key) && p.key.value === last)?.key;
    if (isScalar(key)) target = key;
  }
  if (!target) throw new Error(`fleet manifest: no ${path.join('.')} to put a comment on`);
  target.commentBefore = text;
}

/** A Kubernetes object the manifest prints. */
type ManifestObject = INamespace | IConfigMap | IDaemonSet | IJob;

function render(obj: ManifestObject, notes: Array<[Array<string | number>, string]>, header?: string): string {
  const doc = new Document(obj);
  for (const [path, text] of notes) note(doc, path, text);
  if (header) doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
}

function headerComment(r: Resolved, o: FleetManifestOptions, cm: { name: string; bytes: number; bundle: CompressedBundle }): string {
  const ns = r.namespace;
  const sel = `${APP_LABEL}=${APP_NAME}`;
  const what = r.kind === 'daemonset' ? (r.nodes.length ? `a DaemonSet on ${r.nodes.length} named node(s)` : 'a DaemonSet on every node') : `${r.nodes.length} Job(s), one per node`;
  const wait =
    r.kind === 'daemonset'
      ? `kubectl -n ${ns} rollout status daemonset/${APP_NAME} --timeout=15m   # ready = check finished`
      : `kubectl -n ${ns} wait --for=condition=complete job -l ${sel} --timeout=15m`;
  const lines = [
    ` mirror-doctor fleet manifest${o.version ? ` (mirror-doctor ${o.version})` : ''}: ${what}, ${r.layout.title}.`,
    ` Each pod runs \`mirror-doctor check --json --root ${HOST_ROOT}\` once${r.ref ? ` for ${r.ref}` : ''} and writes the node's report`,
    ` (one JSON document, mirror-doctor.report/v1) to its log.${r.checkArgs.includes('--offline') ? '' : ' check pulls the image on every node (it stops\n as soon as the verdict is known); add -- --offline for the files only.'}`,
    ` The build travels in ConfigMap ${cm.name} (${kib(cm.bundle.originalBytes)} brotli-compressed to ${kib(cm.bundle.data.length)};`,
    ` the document is ${kib(cm.bytes)} of Kubernetes' 1 MiB). Node folders are mounted read-only. See docs/fleet.md.`,
    '',
    ` apply:   kubectl apply --server-side -f fleet.yaml`,
    `          (server-side: client-side apply would copy the ConfigMap into an annotation, over its 256 KiB limit)`,
    ` wait:    ${wait}`,
    ` collect: mirror-doctor fleet collect`,
    `          or: kubectl -n ${ns} logs -l ${sel} --tail=-1 --prefix`,
    ` delete:  ${r.createNamespace ? `kubectl delete namespace ${ns}` : 'kubectl delete -f fleet.yaml'}`,
  ];
  if (r.offline) lines.push('', ' --offline: the files only; no socket, no ctr, no host PID or network namespace.');
  else if (!r.ctrPath) lines.push('', ` no ctr is mounted${r.distribution === 'k0s' ? ' (k0s has no standalone ctr; --ctr-path PATH mounts one)' : ''}: the two ctr pulls fail, the CRI pull and the file checks still run.`);
  return lines.join('\n');
}

function kib(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

export interface FleetManifest {
  yaml: string;
  /** the parts, for a one-line summary */
  summary: { kind: FleetKind; documents: number; configMapBytes: number; bundleBytes: number; compressedBytes: number; quality: number };
}

/** The manifest as multi-document YAML, plus a summary. Throws UsageError for bad options or a build too large for a ConfigMap. */
export function buildFleetManifestWithSummary(o: FleetManifestOptions): FleetManifest {
  const r = resolveFleetOptions(o);
  const docs: string[] = [];

  // the ConfigMap first: its size decides whether there is a manifest at all
  const configMapDoc = (bundle: CompressedBundle): { name: string; text: string; obj: IConfigMap } => {
    const name = `${APP_NAME}-${bundle.sha256.slice(0, 10)}`;
    const obj: IConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: r.namespace, labels: labels('tool'), annotations: { 'mirror-doctor/bundle-sha256': bundle.sha256 } },
      immutable: true,
      data: { [LAUNCHER_KEY]: LAUNCHER_SOURCE, [BUNDLE_SHA256_KEY]: `${bundle.sha256}\n` },
      binaryData: { [BUNDLE_KEY]: bundle.data.toString('base64') },
    };
    const notes: Array<[Array<string | number>, string]> = [
      [['immutable'], ' immutable: kubelets need not watch it; a new build gets a new name (the hash of the build)'],
      [['binaryData'], ` the single-file build (dist/mirror-doctor.mjs), brotli, base64; launch.mjs unpacks it`],
    ];
    return { name, obj, text: render(obj, notes) };
  };
  const overhead = configMapDoc({ data: Buffer.alloc(0), quality: 0, sha256: '0'.repeat(64), originalBytes: 0 }).text.length;
  const fits = (c: Buffer) => overhead + Math.ceil(c.length / 3) * 4 <= CONFIGMAP_LIMIT_BYTES;
  const bundle = compressBundle(o.bundle, fits);
  const cm = configMapDoc(bundle);
  const cmBytes = Buffer.byteLength(cm.text);
  if (cmBytes > CONFIGMAP_LIMIT_BYTES) {
    throw new UsageError(
      `the single-file build does not fit in a ConfigMap: ${kib(o.bundle.length)} compresses to ${kib(bundle.data.length)} (brotli ${bundle.quality}), ${kib(cmBytes)} as base64 YAML, over Kubernetes' 1 MiB limit`,
      'build a smaller bundle, or put dist/mirror-doctor.mjs into an image of your own',
    );
  }

  if (r.createNamespace) {
    const namespace: INamespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: r.namespace,
        labels: {
          ...labels('namespace'),
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/warn': 'privileged',
          'pod-security.kubernetes.io/audit': 'privileged',
        },
      },
    };
    docs.push(render(namespace, [[['metadata', 'labels'], ' Pod Security Admission: hostPID and hostPath volumes need the privileged level']]));
  }
  docs.push(cm.text);

  const podAnnotations = { 'mirror-doctor/bundle-sha256': bundle.sha256, 'mirror-doctor/distribution': r.distribution };
  if (r.kind === 'daemonset') {
    const pod = podSpec(r, 'daemonset', cm.name, r.nodes);
    const obj: IDaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: APP_NAME, namespace: r.namespace, labels: labels('node-check') },
      spec: {
        selector: { matchLabels: { [APP_LABEL]: APP_NAME, 'app.kubernetes.io/component': 'node-check' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } },
        template: {
          metadata: { labels: labels('node-check'), annotations: podAnnotations },
          spec: pod.spec,
        },
      },
    };
    const notes: Array<[Array<string | number>, string]> = [
      [['spec', 'template', 'metadata', 'labels'], ` fleet collect: kubectl logs -l ${APP_LABEL}=${APP_NAME}`],
      [['spec', 'template', 'metadata', 'annotations'], ' a new build changes the pod template, so re-applying re-runs check'],
      ...pod.notes.map(([p, t]) => [['spec', 'template', 'spec', ...p], t] as [Array<string | number>, string]),
    ];
    docs.push(render(obj, notes));
  } else {
    for (const node of r.nodes) {
      const pod = podSpec(r, 'job', cm.name, [node]);
      const obj: IJob = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: jobName(node), namespace: r.namespace, labels: labels('node-check'), annotations: { 'mirror-doctor/node': node } },
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: 900,
          ttlSecondsAfterFinished: r.ttl,
          template: {
            metadata: { labels: labels('node-check'), annotations: { ...podAnnotations, 'mirror-doctor/node': node } },
            spec: pod.spec,
          },
        },
      };
      const notes: Array<[Array<string | number>, string]> = [
        [['spec', 'backoffLimit'], ' one attempt: a second run would only repeat the pulls'],
        [['spec', 'activeDeadlineSeconds'], ' a stuck run ends after 15 minutes'],
        [['spec', 'ttlSecondsAfterFinished'], ' the Job, its pod and its log are deleted this long after it finished: collect before'],
        [['spec', 'template', 'metadata', 'labels'], ` fleet collect: kubectl logs -l ${APP_LABEL}=${APP_NAME}`],
        ...pod.notes.map(([p, t]) => [['spec', 'template', 'spec', ...p], t] as [Array<string | number>, string]),
      ];
      docs.push(render(obj, notes));
    }
  }

  const header = headerComment(r, o, { name: cm.name, bytes: cmBytes, bundle });
  const text = `${header
    .split('\n')
    .map((l) => `#${l}`.trimEnd())
    .join('\n')}\n---\n${docs.join('---\n')}`;
  return {
    yaml: text,
    summary: {
      kind: r.kind,
      documents: docs.length,
      configMapBytes: cmBytes,
      bundleBytes: o.bundle.length,
      compressedBytes: bundle.data.length,
      quality: bundle.quality,
    },
  };
}

/** The manifest as multi-document YAML. Throws UsageError for bad options or a build too large for a ConfigMap. */
export function buildFleetManifest(o: FleetManifestOptions): string {
  return buildFleetManifestWithSummary(o).yaml;
}
