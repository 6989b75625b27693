/**
 * `mirror-doctor fleet manifest`: print the Kubernetes YAML that runs `check` on every node
 * (src/fleet/manifest.ts builds it). The effects live here: reading the single-file build and
 * printing. Cheap to import (main.ts may import it statically): the YAML library and the builder
 * are loaded only when the command runs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { FLEET_DISTRIBUTIONS, type FleetDistribution } from '../fleet/distributions.js';
import { DEFAULT_IMAGE, DEFAULT_NAMESPACE } from '../fleet/kubernetes.js';
import { FLEET_KINDS, type FleetKind } from '../fleet/manifest-options.js';
import { EXIT, exitCodesHelp, UsageError, usageErrorText } from '../errors.js';
import { VERSION } from '../version.js';

export interface FleetManifestIo {
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
}

/**
 * The options of `fleet manifest`, for commander: [flags, description, default?]. The check
 * options to pass on go after `--` (collected as `checkArgs`).
 */
export const FLEET_MANIFEST_OPTIONS: ReadonlyArray<readonly [string, string] | readonly [string, string, string]> = [
  ['--kind <kind>', 'daemonset (every node, or --nodes) or job (one Job per node in --nodes)', 'daemonset'],
  ['--nodes <names>', 'node names, comma-separated (kubectl get nodes -o name); required with --kind job'],
  ['--namespace <ns>', 'Kubernetes namespace for everything', DEFAULT_NAMESPACE],
  ['--no-create-namespace', 'do not add a Namespace document (the namespace must exist and allow privileged pods)'],
  ['--image <image>', 'container image with Node.js >= 20 on PATH and glibc (a mirror of it when docker.io is out of reach)', DEFAULT_IMAGE],
  ['--ref <ref>', 'the image check looks at on every node (default: check\'s own default)'],
  ['--distribution <name>', `the nodes' Kubernetes distribution: ${FLEET_DISTRIBUTIONS.join(', ')} (its config folders, socket and ctr)`, 'containerd'],
  ['--bundle <file>', 'the single-file build to ship (default: this program when it is the single file, else dist/mirror-doctor.mjs)'],
  ['--ctr-path <path>', "ctr on the nodes (default: the distribution's); none: mount no ctr"],
  ['--ca-bundle <path>', "the nodes' CA bundle for ctr's TLS (RHEL family: /etc/pki/tls/certs/ca-bundle.crt); none: mount none", '/etc/ssl/certs/ca-certificates.crt'],
  ['--mount <paths>', 'more node folders to mount read-only under /host, comma-separated (e.g. a config_path elsewhere)'],
  ['--no-systemd', 'do not mount the systemd unit folders (nodes without systemd)'],
  ['--no-host-network', "run in the pod network instead of the node's (ctr's pulls then leave from the pod)"],
  ['--selinux-type <type>', 'SELinux type for the pod on enforcing nodes, e.g. spc_t'],
  ['--ttl <seconds>', 'jobs: keep finished Jobs and their logs this long', '86400'],
];

export const FLEET_MANIFEST_HELP = `
Check options go after --, e.g.  -- --offline   or   -- --ignore proxy-env-mismatch --timeout 30
(--json, --root, --address and --ctr are set by the manifest).

examples:
  $ mirror-doctor fleet manifest > fleet.yaml && kubectl apply --server-side -f fleet.yaml
  $ mirror-doctor fleet manifest --distribution k3s --ref registry.local:5000/app:1.0 | kubectl apply --server-side -f -
  $ mirror-doctor fleet manifest --kind job --nodes worker-1,worker-2 --image registry.local/library/node:22-bookworm-slim
  $ mirror-doctor fleet manifest -- --offline
See docs/fleet.md: what is mounted and why, the RBAC you need, collecting and deleting.
`;

/** Adds `manifest` to the `fleet` command (main.ts: `addFleetManifestCommand(program.command('fleet'))`). */
export function addFleetManifestCommand(fleet: Command): Command {
  const cmd = fleet
    .command('manifest')
    .description('Print Kubernetes YAML (DaemonSet or Job per node) that runs check --json on every node and leaves the report in the pod log')
    .argument('[check-args...]', 'check options, after --');
  for (const [flags, description, dflt] of FLEET_MANIFEST_OPTIONS) {
    if (dflt === undefined) cmd.option(flags, description);
    else cmd.option(flags, description, dflt);
  }
  cmd.addHelpText('after', `${FLEET_MANIFEST_HELP}\n${exitCodesHelp(null, 'it prints YAML; fleet collect judges the reports')}`).action(async (checkArgs: string[], opts: Record<string, unknown>) => {
    process.exitCode = await runFleetManifest({ ...opts, checkArgs });
  });
  return cmd;
}

function str(opts: Record<string, unknown>, key: string, flag: string): string | undefined {
  const v = opts[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`${flag} needs a value`);
  return v;
}

function list(v: string | undefined, flag: string): string[] | undefined {
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`${flag} ${JSON.stringify(v)} has an empty item`, `example: ${flag} a,b`);
  return items;
}

/** The default build: this program when it runs as the single file, else dist/mirror-doctor.mjs of this checkout. */
export function defaultBundlePath(moduleUrl: string = import.meta.url): string {
  const self = fileURLToPath(moduleUrl);
  if (self.endsWith('.mjs')) return self;
  // src/cli/fleet-manifest.ts and dist/cli/fleet-manifest.js are both two folders below the checkout
  return resolve(dirname(self), '..', '..', 'dist', 'mirror-doctor.mjs');
}

/** The largest file taken for the single-file build. */
const MAX_BUNDLE = 32 * 2 ** 20;

function readBundle(path: string, given: boolean): Buffer {
  if (!existsSync(path)) {
    throw new UsageError(
      given ? `--bundle ${path} does not exist` : `the single-file build ${path} does not exist`,
      given ? 'pass the file made by `npm run build` (dist/mirror-doctor.mjs)' : 'run `npm run build` first (it makes dist/mirror-doctor.mjs), or pass --bundle FILE',
    );
  }
  const st = statSync(path);
  if (!st.isFile()) throw new UsageError(`--bundle ${path} is not a file`);
  // the build is ~3 MiB; a far larger file is not it, and is not read whole
  if (st.size > MAX_BUNDLE) throw new UsageError(`${path} is ${Math.round(st.size / 2 ** 20)} MiB; the single-file build is about 3 MiB`, 'run `npm run build` and pass dist/mirror-doctor.mjs');
  const data = readFileSync(path);
  if (!data.subarray(0, 64).toString('utf8').startsWith('#!/usr/bin/env node')) {
    throw new UsageError(`${path} does not look like the single-file build (no #!/usr/bin/env node line)`, 'run `npm run build` and pass dist/mirror-doctor.mjs');
  }
  return data;
}

/**
 * Validates the option strings, reads the build, prints the manifest. 0 printed, 2 bad input
 * (the message on stderr).
 */
export async function runFleetManifest(opts: Record<string, unknown>, io: FleetManifestIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((s: string) => void process.stdout.write(s));
  const stderr = io.stderr ?? ((s: string) => void process.stderr.write(s));
  try {
    const kind = str(opts, 'kind', '--kind') ?? 'daemonset';
    if (!FLEET_KINDS.includes(kind as FleetKind)) throw new UsageError(`--kind ${JSON.stringify(kind)}: use daemonset or job`);
    const distribution = str(opts, 'distribution', '--distribution') ?? 'containerd';
    if (!FLEET_DISTRIBUTIONS.includes(distribution as FleetDistribution)) throw new UsageError(`--distribution ${JSON.stringify(distribution)}: use one of ${FLEET_DISTRIBUTIONS.join(', ')}`);
    const nodes = list(str(opts, 'nodes', '--nodes'), '--nodes');
    const mounts = list(str(opts, 'mount', '--mount'), '--mount');
    const ctr = str(opts, 'ctrPath', '--ctr-path');
    const ca = str(opts, 'caBundle', '--ca-bundle');
    const ttlText = str(opts, 'ttl', '--ttl');
    let ttl: number | undefined;
    if (ttlText !== undefined) {
      ttl = Number(ttlText);
      if (ttlText.trim() === '' || !Number.isInteger(ttl) || ttl < 0) throw new UsageError(`--ttl ${JSON.stringify(ttlText)}: a whole number of seconds`, 'example: --ttl 86400');
    }
    const checkArgs = opts.checkArgs ?? [];
    if (!Array.isArray(checkArgs) || checkArgs.some((a) => typeof a !== 'string')) throw new UsageError('check options must be text');
    const bundleOpt = str(opts, 'bundle', '--bundle');
    if (bundleOpt !== undefined && bundleOpt.trim() === '') throw new UsageError('--bundle is empty', 'example: --bundle dist/mirror-doctor.mjs');
    const bundlePath = bundleOpt !== undefined ? resolve(bundleOpt) : defaultBundlePath();
    const namespace = str(opts, 'namespace', '--namespace');
    const image = str(opts, 'image', '--image');
    const ref = str(opts, 'ref', '--ref');
    const seLinuxType = str(opts, 'selinuxType', '--selinux-type');

    const bundle = readBundle(bundlePath, bundleOpt !== undefined);
    const { buildFleetManifestWithSummary } = await import('../fleet/manifest.js');
    const m = buildFleetManifestWithSummary({
      bundle,
      kind: kind as FleetKind,
      distribution: distribution as FleetDistribution,
      ...(nodes ? { nodes } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      createNamespace: opts.createNamespace !== false,
      ...(image !== undefined ? { image } : {}),
      ...(ref !== undefined ? { ref } : {}),
      checkArgs: checkArgs as string[],
      ...(ctr !== undefined ? { ctrPath: ctr === 'none' ? null : ctr } : {}),
      ...(ca !== undefined ? { caBundle: ca === 'none' ? null : ca } : {}),
      ...(mounts ? { extraMounts: mounts } : {}),
      systemd: opts.systemd !== false,
      hostNetwork: opts.hostNetwork !== false,
      ...(seLinuxType !== undefined ? { seLinuxType } : {}),
      ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}),
      version: VERSION,
    });
    stdout(m.yaml);
    const s = m.summary;
    stderr(
      `mirror-doctor: ${s.documents} documents (${s.kind}); ${bundlePath} ${Math.round(s.bundleBytes / 1024)} KiB → brotli ${Math.round(s.compressedBytes / 1024)} KiB, ConfigMap ${Math.round(s.configMapBytes / 1024)} of 1024 KiB\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      stderr(usageErrorText(e));
      return EXIT.usage;
    }
    throw e;
  }
}
