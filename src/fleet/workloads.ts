/**
 * The workloads that run the pod of ./pod-spec.ts: one DaemonSet (every node, or the named ones)
 * or one Job per named node, each labelled for `fleet collect` and annotated with the build's hash
 * (so that a new build re-runs check).
 */
import { createHash } from 'node:crypto';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { APP_LABEL, APP_NAME, fleetLabels } from './kubernetes.js';
import { podSpec, type PodBuild } from './pod-spec.js';
import type { ResolvedFleetOptions } from './resolve-options.js';
import { renderObject, type Note } from './yaml-render.js';

/** The Job of a node: `mirror-doctor-<node>`, shortened with a hash to the 63 characters a Job name may have. */
export function jobName(node: string): string {
  const full = `${APP_NAME}-${node}`;
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(node).digest('hex').slice(0, 8);
  const head = full.slice(0, 63 - hash.length - 1).replace(/[-.]+$/, '');
  return `${head}-${hash}`;
}

/** The pod spec's comments, at its place in the workload. */
function podTemplateNotes(pod: PodBuild): Note[] {
  return pod.notes.map(([p, t]): Note => [['spec', 'template', 'spec', ...p], t]);
}

/** The pods' annotations: the build they run and the distribution they were made for. */
function podAnnotations(r: ResolvedFleetOptions, bundleSha256: string): Record<string, string> {
  return { 'mirror-doctor/bundle-sha256': bundleSha256, 'mirror-doctor/distribution': r.distribution };
}

export function daemonSetDocument(r: ResolvedFleetOptions, configMapName: string, bundleSha256: string): string {
  const pod = podSpec(r, 'daemonset', configMapName, r.nodes);
  const obj: IDaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: APP_NAME, namespace: r.namespace, labels: fleetLabels('node-check') },
    spec: {
      selector: { matchLabels: { [APP_LABEL]: APP_NAME, 'app.kubernetes.io/component': 'node-check' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } },
      template: {
        metadata: { labels: fleetLabels('node-check'), annotations: podAnnotations(r, bundleSha256) },
        spec: pod.spec,
      },
    },
  };
  const notes: Note[] = [
    [['spec', 'template', 'metadata', 'labels'], ` fleet collect: kubectl logs -l ${APP_LABEL}=${APP_NAME}`],
    [['spec', 'template', 'metadata', 'annotations'], ' a new build changes the pod template, so re-applying re-runs check'],
    ...podTemplateNotes(pod),
  ];
  return renderObject(obj, notes);
}

/** One document per node in `r.nodes`, in their order. */
export function jobDocuments(r: ResolvedFleetOptions, configMapName: string, bundleSha256: string): string[] {
  return r.nodes.map((node) => {
    const pod = podSpec(r, 'job', configMapName, [node]);
    const obj: IJob = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: jobName(node), namespace: r.namespace, labels: fleetLabels('node-check'), annotations: { 'mirror-doctor/node': node } },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: 900,
        ttlSecondsAfterFinished: r.ttl,
        template: {
          metadata: { labels: fleetLabels('node-check'), annotations: { ...podAnnotations(r, bundleSha256), 'mirror-doctor/node': node } },
          spec: pod.spec,
        },
      },
    };
    const notes: Note[] = [
      [['spec', 'backoffLimit'], ' one attempt: a second run would only repeat the pulls'],
      [['spec', 'activeDeadlineSeconds'], ' a stuck run ends after 15 minutes'],
      [['spec', 'ttlSecondsAfterFinished'], ' the Job, its pod and its log are deleted this long after it finished: collect before'],
      [['spec', 'template', 'metadata', 'labels'], ` fleet collect: kubectl logs -l ${APP_LABEL}=${APP_NAME}`],
      ...podTemplateNotes(pod),
    ];
    return renderObject(obj, notes);
  });
}
