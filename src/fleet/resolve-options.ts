/**
 * `fleet manifest`'s options checked and completed with their defaults; a {@link UsageError} names
 * the first bad one.
 */
import { UsageError } from '../errors.js';
import { parseCriReference } from '../containerd/reference.js';
import { DISTRIBUTIONS, FLEET_DISTRIBUTIONS, type DistributionLayout, type FleetDistribution } from './distributions.js';
import { DEFAULT_IMAGE, DEFAULT_NAMESPACE, isDns1123Label, isDns1123Subdomain } from './kubernetes.js';
import { DEFAULT_CA_BUNDLE, DEFAULT_RESOURCES, DEFAULT_TTL_SECONDS, FLEET_KINDS, type FleetKind, type FleetManifestOptions, type FleetResources } from './manifest-options.js';
import { HOST_ROOT, SYSTEMD_UNIT_DIRS } from './pod-paths.js';

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

export interface ResolvedFleetOptions {
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
export function resolveFleetOptions(o: FleetManifestOptions): ResolvedFleetOptions {
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
