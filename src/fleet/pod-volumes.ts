/**
 * The pod's volumes and where each is mounted: the tool's ConfigMap, the node's containerd
 * configuration, socket, ctr, systemd units and CA bundle (all read-only hostPath volumes that never
 * create anything on the node), and the pod's own /tmp and /dev/shm. Each carries the comment the
 * manifest prints above it.
 */
import { createHash } from 'node:crypto';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { CA_FILE_IN_POD, HOST_ROOT, SYSTEMD_UNIT_DIRS, TOOL_DIR } from './pod-paths.js';
import type { ResolvedFleetOptions } from './resolve-options.js';

/** A volume, its mounts in the container, and the comment above it (empty: none). */
export interface PodVolume {
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

/** In the order the manifest lists them. */
export function podVolumes(r: ResolvedFleetOptions, configMapName: string): PodVolume[] {
  const out: PodVolume[] = [];
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
