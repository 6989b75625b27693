/** The comment at the top of the manifest: what it runs where, and how to apply, wait, collect and delete. */
import { APP_LABEL, APP_NAME } from './kubernetes.js';
import { HOST_ROOT } from './pod-paths.js';
import type { ResolvedFleetOptions } from './resolve-options.js';
import { kib, type ToolConfigMap } from './tool-configmap.js';

/** The text without the `#`s; `version`: mirror-doctor's, when known. */
export function headerComment(r: ResolvedFleetOptions, version: string | undefined, cm: ToolConfigMap): string {
  const ns = r.namespace;
  const sel = `${APP_LABEL}=${APP_NAME}`;
  const what = r.kind === 'daemonset' ? (r.nodes.length ? `a DaemonSet on ${r.nodes.length} named node(s)` : 'a DaemonSet on every node') : `${r.nodes.length} Job(s), one per node`;
  const wait =
    r.kind === 'daemonset'
      ? `kubectl -n ${ns} rollout status daemonset/${APP_NAME} --timeout=15m   # ready = check finished`
      : `kubectl -n ${ns} wait --for=condition=complete job -l ${sel} --timeout=15m`;
  const lines = [
    ` mirror-doctor fleet manifest${version ? ` (mirror-doctor ${version})` : ''}: ${what}, ${r.layout.title}.`,
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
