/**
 * The ConfigMap that carries the tool to the pods: the launcher, and the single-file build
 * brotli-compressed into `binaryData` under a name made of the build's hash. Kubernetes limits a
 * ConfigMap to 1 MiB, so the compression is chosen to fit and a build that cannot fit is a
 * {@link UsageError}.
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { UsageError } from '../errors.js';
import { compressBundle, type CompressedBundle } from './compress-bundle.js';
import { APP_NAME, fleetLabels } from './kubernetes.js';
import { BUNDLE_KEY, BUNDLE_SHA256_KEY, LAUNCHER_KEY, LAUNCHER_SOURCE } from './launcher.js';
import { renderObject, type Note } from './yaml-render.js';

/** Kubernetes rejects a ConfigMap whose data exceeds 1 MiB; the whole serialized document is kept under it. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

export interface ToolConfigMap {
  name: string;
  /** the YAML document */
  text: string;
  /** its size in bytes */
  bytes: number;
  bundle: CompressedBundle;
}

export function kib(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

function configMapDocument(namespace: string, bundle: CompressedBundle): { name: string; text: string } {
  const name = `${APP_NAME}-${bundle.sha256.slice(0, 10)}`;
  const obj: IConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: fleetLabels('tool'), annotations: { 'mirror-doctor/bundle-sha256': bundle.sha256 } },
    immutable: true,
    data: { [LAUNCHER_KEY]: LAUNCHER_SOURCE, [BUNDLE_SHA256_KEY]: `${bundle.sha256}\n` },
    binaryData: { [BUNDLE_KEY]: bundle.data.toString('base64') },
  };
  const notes: Note[] = [
    [['immutable'], ' immutable: kubelets need not watch it; a new build gets a new name (the hash of the build)'],
    [['binaryData'], ` the single-file build (dist/mirror-doctor.mjs), brotli, base64; launch.mjs unpacks it`],
  ];
  return { name, text: renderObject(obj, notes) };
}

/** The ConfigMap for `bundle` (the uncompressed single-file build). Throws a UsageError when it cannot fit in 1 MiB. */
export function toolConfigMap(namespace: string, bundle: Buffer): ToolConfigMap {
  const overhead = configMapDocument(namespace, { data: Buffer.alloc(0), quality: 0, sha256: '0'.repeat(64), originalBytes: 0 }).text.length;
  const fits = (c: Buffer) => overhead + Math.ceil(c.length / 3) * 4 <= CONFIGMAP_LIMIT_BYTES;
  const compressed = compressBundle(bundle, fits);
  const cm = configMapDocument(namespace, compressed);
  const bytes = Buffer.byteLength(cm.text);
  if (bytes > CONFIGMAP_LIMIT_BYTES) {
    throw new UsageError(
      `the single-file build does not fit in a ConfigMap: ${kib(bundle.length)} compresses to ${kib(compressed.data.length)} (brotli ${compressed.quality}), ${kib(bytes)} as base64 YAML, over Kubernetes' 1 MiB limit`,
      'build a smaller bundle, or put dist/mirror-doctor.mjs into an image of your own',
    );
  }
  return { ...cm, bytes, bundle: compressed };
}
