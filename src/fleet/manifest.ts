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
 * give the same text. Bad options throw a UsageError.
 *
 * The parts: ./resolve-options.ts (options checked, defaults), ./namespace.ts,
 * ./tool-configmap.ts (the build in a ConfigMap), ./workloads.ts (DaemonSet or Jobs) with
 * ./pod-spec.ts and ./pod-volumes.ts, ./manifest-header.ts and ./yaml-render.ts (the text).
 */
import { headerComment } from './manifest-header.js';
import type { FleetKind, FleetManifestOptions } from './manifest-options.js';
import { namespaceDocument } from './namespace.js';
import { resolveFleetOptions } from './resolve-options.js';
import { toolConfigMap } from './tool-configmap.js';
import { daemonSetDocument, jobDocuments } from './workloads.js';
import { joinDocuments } from './yaml-render.js';

export interface FleetManifest {
  yaml: string;
  /** the parts, for a one-line summary */
  summary: { kind: FleetKind; documents: number; configMapBytes: number; bundleBytes: number; compressedBytes: number; quality: number };
}

/** The manifest as multi-document YAML, plus a summary. Throws UsageError for bad options or a build too large for a ConfigMap. */
export function buildFleetManifestWithSummary(o: FleetManifestOptions): FleetManifest {
  const r = resolveFleetOptions(o);
  // the ConfigMap first: its size decides whether there is a manifest at all
  const cm = toolConfigMap(r.namespace, o.bundle);
  const docs = [
    ...(r.createNamespace ? [namespaceDocument(r.namespace)] : []),
    cm.text,
    ...(r.kind === 'daemonset' ? [daemonSetDocument(r, cm.name, cm.bundle.sha256)] : jobDocuments(r, cm.name, cm.bundle.sha256)),
  ];
  return {
    yaml: joinDocuments(headerComment(r, o.version, cm), docs),
    summary: {
      kind: r.kind,
      documents: docs.length,
      configMapBytes: cm.bytes,
      bundleBytes: o.bundle.length,
      compressedBytes: cm.bundle.data.length,
      quality: cm.bundle.quality,
    },
  };
}

/** The manifest as multi-document YAML. Throws UsageError for bad options or a build too large for a ConfigMap. */
export function buildFleetManifest(o: FleetManifestOptions): string {
  return buildFleetManifestWithSummary(o).yaml;
}
